package com.vendstream.order.checkout;

import com.vendstream.schemas.checkout.CheckoutSignatures;
import com.vendstream.schemas.checkout.CheckoutSignatures.SigningKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which merchant's checkout system may publish a checkout event: the one holding the merchant's checkout signing
 * secret ({@link CheckoutSignatures}). A merchant has at most two keys, the current one and the next, so a secret is
 * rotated without a moment when one side signs with a key the other does not know: add the next, move the checkout
 * system to it, remove the old one.
 *
 * @param signaturesRequired off only where every producer is trusted (never in production): then events are taken
 *                           without a look at their signature
 * @param signingKeys        per merchant id, its keys (key id and secret, 32+ characters), from a secret store
 */
@ConfigurationProperties(prefix = "vendstream.order.checkout")
public record CheckoutSigning(@DefaultValue("true") boolean signaturesRequired,
                              Map<String, List<SigningKey>> signingKeys) {

    /** At most the current and the next key. */
    static final int MAX_KEYS = 2;

    /** Why a record's signature does not let it in; the names are the dead letter's cause codes. */
    public enum Verdict {
        VALID, MISSING, MALFORMED, UNKNOWN_KEY, MISMATCH;

        /** The cause as written in the dead letter and the metric, e.g. {@code unknown-key}. */
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** @throws IllegalArgumentException for more than two keys of a merchant or a key id used twice by one */
    public CheckoutSigning {
        signingKeys = signingKeys == null ? Map.of() : signingKeys.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
        signingKeys.forEach((merchant, keys) -> {
            if (keys.size() > MAX_KEYS) {
                throw new IllegalArgumentException("Merchant " + merchant + " has " + keys.size()
                        + " checkout signing keys; at most " + MAX_KEYS + " (current and next)");
            }
            Set<String> ids = new HashSet<>();
            keys.forEach(k -> {
                if (!ids.add(k.keyId())) {
                    throw new IllegalArgumentException("Merchant " + merchant + " has two checkout signing keys "
                            + k.keyId());
                }
            });
        });
    }

    /**
     * What the headers alone tell, before the record is decoded (decoding makes the consumer fetch whatever schema
     * id the producer wrote): {@link Verdict#VALID} when both are there, the signature has its form and some
     * merchant has a key of that id, so the record is worth decoding for {@link #verify}.
     */
    public Verdict screen(String keyId, String signature) {
        if (keyId == null || signature == null) {
            return Verdict.MISSING;
        }
        if (!CheckoutSignatures.wellFormed(signature)) {
            return Verdict.MALFORMED;
        }
        boolean known = signingKeys.values().stream().flatMap(List::stream).anyMatch(k -> k.keyId().equals(keyId));
        return known ? Verdict.VALID : Verdict.UNKNOWN_KEY;
    }

    /**
     * Whether {@code value}, the record's bytes as produced, was signed by a key of the merchant its envelope names.
     * Another merchant's key is unknown here, or (same id) does not match.
     */
    public Verdict verify(String merchantId, String keyId, String signature, byte[] value) {
        Verdict screened = screen(keyId, signature);
        if (screened != Verdict.VALID) {
            return screened;
        }
        SigningKey key = signingKeys.getOrDefault(merchantId == null ? "" : merchantId, List.of()).stream()
                .filter(k -> k.keyId().equals(keyId)).findFirst().orElse(null);
        if (key == null) {
            return Verdict.UNKNOWN_KEY;
        }
        return CheckoutSignatures.matches(key.secret(), value, signature) ? Verdict.VALID : Verdict.MISMATCH;
    }
}
