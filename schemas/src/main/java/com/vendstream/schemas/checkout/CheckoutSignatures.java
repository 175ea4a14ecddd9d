package com.vendstream.schemas.checkout;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The signature a merchant's checkout system puts on each record it publishes to {@code vendstream.checkout.orders},
 * and the one rule order-service checks it by. Two headers: {@value #SIGNATURE_HEADER} is {@code v1=<hex>}, the
 * HMAC-SHA256 of the record's value bytes exactly as produced (the Confluent wire format: framing, schema id, Avro
 * binary) under the merchant's checkout signing secret; {@value #KEY_ID_HEADER} names that secret, so a merchant can
 * hold two (current and next) while it rotates. The envelope's merchantId says whose secrets apply: a record signed
 * with another merchant's secret, or changed after signing, does not verify.
 */
public final class CheckoutSignatures {

    public static final String SIGNATURE_HEADER = "vendstream-signature";
    public static final String KEY_ID_HEADER = "vendstream-signature-key";
    /** The scheme: a later one (another hash, more signed fields) gets another prefix, so both can be accepted. */
    public static final String SCHEME = "v1=";
    /** Shorter secrets are refused: HMAC-SHA256's key should carry 256 bits. */
    public static final int MIN_SECRET_LENGTH = 32;

    private static final String HMAC = "HmacSHA256";
    /** {@value #SCHEME} and the 32 bytes of an HMAC-SHA256 in hex, as {@link #matches} reads it. */
    private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile("v1=[0-9A-Fa-f]{64}");

    private CheckoutSignatures() {
    }

    /** A merchant's signing secret and the id it is known by. */
    public record SigningKey(String keyId, String secret) {

        public SigningKey {
            if (keyId == null || !keyId.matches("[A-Za-z0-9._:-]{1,64}")) {
                throw new IllegalArgumentException("A checkout signing key id is 1-64 of A-Z a-z 0-9 . _ : -");
            }
            if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("Checkout signing key " + keyId + ": the secret needs at least "
                        + MIN_SECRET_LENGTH + " characters");
            }
        }

        @Override
        public String toString() {
            return "SigningKey[" + keyId + "]";
        }
    }

    /** {@code v1=<hex>} for these value bytes. */
    public static String sign(String secret, byte[] value) {
        return SCHEME + HexFormat.of().formatHex(hmac(secret, value));
    }

    /** Adds both headers (replacing any earlier ones) for a record whose value is {@code value}. */
    public static void addTo(Headers headers, SigningKey key, byte[] value) {
        headers.remove(SIGNATURE_HEADER);
        headers.remove(KEY_ID_HEADER);
        headers.add(KEY_ID_HEADER, key.keyId().getBytes(StandardCharsets.UTF_8));
        headers.add(SIGNATURE_HEADER, sign(key.secret(), value).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code signature} has the form of one ({@code v1=} and 64 hex digits), whatever it is over: what can
     * be told before the record is decoded.
     */
    public static boolean wellFormed(String signature) {
        return signature != null && FORM.matcher(signature.trim()).matches();
    }

    /** Whether {@code signature} ({@code v1=<hex>}) is this secret's for these bytes; compared in constant time. */
    public static boolean matches(String secret, byte[] value, String signature) {
        if (signature == null || value == null || !signature.startsWith(SCHEME)) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(signature.substring(SCHEME.length()).trim());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(presented, hmac(secret, value));
    }

    /** A header's value as text, the last of that name; null when absent. */
    public static String text(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] hmac(String secret, byte[] value) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            return mac.doFinal(value);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
