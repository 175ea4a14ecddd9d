package com.vendstream.order.merchant;

import com.vendstream.order.merchant.MerchantProperties.Merchant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Who the merchants are, how they authenticate, and where their business day ends. */
public class Merchants {

    private final Map<String, Merchant> byKeyHash;
    private final Map<String, Merchant> byId;

    public Merchants(List<Merchant> merchants) {
        this.byKeyHash = merchants.stream().collect(Collectors.toMap(m -> m.apiKeySha256().toLowerCase(), Function.identity()));
        this.byId = merchants.stream().collect(Collectors.toMap(Merchant::id, Function.identity()));
    }

    /** The merchant an API key belongs to; compares hashes, never the key. */
    public Optional<Merchant> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byKeyHash.get(sha256(apiKey)));
    }

    public Optional<Merchant> find(String merchantId) {
        return Optional.ofNullable(byId.get(merchantId));
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
