package com.vendstream.providers;

/** Masks customer identifiers (phone, meter, smartcard, account numbers) before they reach a log. */
public final class Masking {

    private Masking() {
    }

    /** Keeps the last four characters: {@code 08011111111} becomes {@code *******1111}. */
    public static String account(String value) {
        if (value == null) {
            return null;
        }
        int keep = Math.min(4, Math.max(0, value.length() - 4));
        return "*".repeat(value.length() - keep) + value.substring(value.length() - keep);
    }

    /** Secrets are never shown, not even in part. */
    public static String secret(String value) {
        return value == null ? null : "****";
    }
}
