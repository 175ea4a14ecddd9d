package com.vendstream.order.merchant;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Merchants and their API credentials. Only a SHA-256 of each API key is configured: keys are long
 * random secrets, so a fast hash is enough, and the key itself never sits in configuration.
 */
@ConfigurationProperties(prefix = "vendstream")
public record MerchantProperties(List<Merchant> merchants) {

    public MerchantProperties {
        merchants = merchants == null ? List.of() : List.copyOf(merchants);
    }

    /** @param timeZone IANA zone whose midnight ends the merchant's business day */
    public record Merchant(String id, String name, String apiKeySha256, String timeZone, List<Wallet> wallets) {
        public Merchant {
            wallets = wallets == null ? List.of() : List.copyOf(wallets);
            timeZone = timeZone == null ? "UTC" : timeZone;
        }
    }

    /** A wallet created at start-up if it does not exist yet; {@code pinHash} is a BCrypt hash or null. */
    public record Wallet(String id, String currency, long openingBalanceMinor, String ownerType, String pinHash) {
    }
}
