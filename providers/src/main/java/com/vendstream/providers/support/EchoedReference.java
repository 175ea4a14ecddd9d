package com.vendstream.providers.support;

import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;

/**
 * A reply that names a reference must name ours. A provider that answers a repeated reference with
 * the original transaction, or a proxy that crosses two replies, would otherwise hand one order
 * another order's token (or failure). Such a reply is PENDING, never success and never failure: the
 * requery by our own reference settles it.
 */
public final class EchoedReference {

    private EchoedReference() {
    }

    /** Null when the reply names no reference or names ours; else the PENDING outcome to return. */
    public static VendOutcome.Pending mismatch(String ours, String echoed, String providerCode,
                                               String providerTransactionId) {
        if (ours == null || echoed == null || echoed.isBlank() || echoed.trim().equals(ours.trim())) {
            return null;
        }
        return new VendOutcome.Pending(providerCode, PendingCause.UNPARSEABLE_REPLY, "the reply is for reference "
                + echoed.trim() + ", not ours (" + ours + "); its result is not taken: requery", providerTransactionId);
    }
}
