package com.vendstream.order.merchant;

import com.vendstream.order.merchant.MerchantProperties.Merchant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Who the merchants are, how they authenticate, and where their business day ends. */
public class Merchants {

    private final Map<String, Merchant> byKeyHash;
    private final Map<String, Merchant> byId;

    public Merchants(List<Merchant> merchants) {
        this.byKeyHash = new HashMap<>();
        for (Merchant m : merchants) {
            if (m.apiKeySha256() == null || m.apiKeySha256().isBlank()) {
                throw new IllegalArgumentException("Merchant " + m.id() + " has no api-key-sha256");
            }
            for (String hash : m.liveKeyHashes()) {
                Merchant other = byKeyHash.putIfAbsent(hash.toLowerCase(Locale.ROOT), m);
                // Named by merchant, never by the hash: one key for two merchants would hand one the other's orders.
                if (other != null && other != m) {
                    throw new IllegalArgumentException("Merchants " + other.id() + " and " + m.id()
                            + " are configured with the same API key hash");
                }
            }
        }
        this.byId = merchants.stream().collect(Collectors.toMap(Merchant::id, Function.identity()));
    }

    /**
     * The merchant an API key belongs to: its current or, while it rolls its key, its next one. Compares
     * hashes, never the key, so the look-up's timing tells nothing about a configured key.
     */
    public Optional<Merchant> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byKeyHash.get(sha256(apiKey)));
    }

    public Optional<Merchant> find(String merchantId) {
        return Optional.ofNullable(byId.get(merchantId));
    }

    /** Whether an order or a catalogue read may name this sub-merchant (none named is always fine). */
    public boolean knowsSubMerchant(String merchantId, String subMerchantId) {
        if (subMerchantId == null) {
            return true;
        }
        List<MerchantProperties.SubMerchant> subs = find(merchantId).map(Merchant::subMerchants).orElse(List.of());
        // A merchant that configured no outlets may still label orders with its own sub-merchant ids.
        return subs.isEmpty() || subs.stream().anyMatch(s -> s.id().equals(subMerchantId));
    }

    /** The configured outlets of a merchant. */
    public List<String> subMerchants(String merchantId) {
        return find(merchantId).map(m -> m.subMerchants().stream().map(MerchantProperties.SubMerchant::id).toList())
                .orElse(List.of());
    }

    /** Per provider, the sub-account the merchant (or its outlet) sells under; the outlet's win. */
    public Map<String, String> providerScopes(String merchantId, String subMerchantId) {
        Optional<Merchant> merchant = find(merchantId);
        if (merchant.isEmpty()) {
            return Map.of();
        }
        Map<String, String> scopes = new java.util.HashMap<>(merchant.get().providerScopes());
        merchant.get().subMerchants().stream().filter(s -> s.id().equals(subMerchantId)).findFirst()
                .ifPresent(s -> scopes.putAll(s.providerScopes()));
        return scopes;
    }

    public LocalDate businessDate(String merchantId, Instant at) {
        ZoneId zone = find(merchantId).map(m -> ZoneId.of(m.timeZone())).orElse(ZoneId.of("UTC"));
        return at.atZone(zone).toLocalDate();
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
