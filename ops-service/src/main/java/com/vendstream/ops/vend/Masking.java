package com.vendstream.ops.vend;

import java.util.List;

/**
 * What may be shown of a customer's deliverable: a token or PIN by its last four characters (the audit trail gives
 * PINs by their number). The audit event travels to a topic other systems read; the queue's listing shows the full
 * values only to operators, and to no one once the entry is settled.
 */
final class Masking {

    static final String MASK = "****";

    private Masking() {
    }

    /** {@value #MASK} and the last four characters; only the mask when that would show half of it or more. */
    static String token(String token) {
        if (token == null) {
            return null;
        }
        return token.length() <= 8 ? MASK : MASK + token.substring(token.length() - 4);
    }

    /** Free text (a note, a reason) with any of the given secrets in it masked: an operator may paste one there. */
    static String text(String text, String token, List<String> pins) {
        if (text == null) {
            return null;
        }
        String masked = text;
        if (token != null) {
            masked = masked.replace(token, MASK);
        }
        for (String pin : pins) {
            masked = masked.replace(pin, MASK);
        }
        return masked;
    }
}
