package com.vendstream.order.merchant;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Merchants and their API credentials. Only a SHA-256 of each API key is configured: keys are long
 * random secrets, so a fast hash is enough, and the key itself never sits in configuration. A merchant
 * rolls its key without downtime through a second live one ({@code nextApiKeySha256}): see the README's
 * key rotation.
 */
@ConfigurationProperties(prefix = "vendstream")
public record MerchantProperties(List<Merchant> merchants) {

    public MerchantProperties {
        merchants = merchants == null ? List.of() : List.copyOf(merchants);
    }

    /**
     * @param timeZone IANA zone whose midnight ends the merchant's business day
     * @param providerScopes per provider, the provider-side sub-account this merchant sells under (a
     *                       Pagamio sub-merchant id): its catalogue is what that sub-account may sell
     * @param subMerchants the merchant's outlets, when it sells through several with different
     *                     availability; once any is configured, an order must name a known one or none
     * @param nextApiKeySha256 a second key accepted as well as the current one while the merchant rolls its key
     */
    public record Merchant(String id, String name, String apiKeySha256, String timeZone, List<Wallet> wallets,
                           Map<String, String> providerScopes, List<SubMerchant> subMerchants,
                           String nextApiKeySha256) {
        @ConstructorBinding
        public Merchant {
            wallets = wallets == null ? List.of() : List.copyOf(wallets);
            timeZone = timeZone == null ? "UTC" : timeZone;
            providerScopes = providerScopes == null ? Map.of() : Map.copyOf(providerScopes);
            subMerchants = subMerchants == null ? List.of() : List.copyOf(subMerchants);
        }

        public Merchant(String id, String name, String apiKeySha256, String timeZone, List<Wallet> wallets) {
            this(id, name, apiKeySha256, timeZone, wallets, null, null, null);
        }

        /** The hashes of the keys accepted now: the current one, and the next one while the merchant rolls. */
        public List<String> liveKeyHashes() {
            return nextApiKeySha256 == null || nextApiKeySha256.isBlank() ? List.of(apiKeySha256)
                    : List.of(apiKeySha256, nextApiKeySha256);
        }
    }

    /**
     * An outlet of a merchant. {@code providerScopes} replace the merchant's, provider by provider (a
     * kiosk registered at Pagamio as its own sub-merchant sells what Pagamio activated for it).
     */
    public record SubMerchant(String id, String name, Map<String, String> providerScopes) {
        public SubMerchant {
            providerScopes = providerScopes == null ? Map.of() : Map.copyOf(providerScopes);
        }
    }

    /** A wallet created at start-up if it does not exist yet; {@code pinHash} is a BCrypt hash or null. */
    public record Wallet(String id, String currency, long openingBalanceMinor, String ownerType, String pinHash) {
    }
}
