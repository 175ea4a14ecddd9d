package com.vendstream.providers;

import java.util.List;
import java.util.Map;

/**
 * What a provider said about a vend, reduced to the three things vendstream acts on. Anything a
 * transformer cannot classify with certainty must become {@link Pending}: a wrong FAILED refunds a
 * customer who may already have the value.
 */
public sealed interface VendOutcome {

    /** The provider's code as received (string form), or null. */
    String providerCode();

    record Succeeded(String providerCode, String providerTransactionId, String token, String units,
                     List<String> pins, Map<String, String> receipt, Long providerCostMinor) implements VendOutcome {
        public Succeeded {
            pins = pins == null ? List.of() : List.copyOf(pins);
            receipt = receipt == null ? Map.of() : Map.copyOf(receipt);
        }
    }

    /**
     * A definite failure. {@code beforeProcessing} is true only when the provider certainly did not
     * start processing (connection refused, a documented pre-processing rejection), which is the
     * only case in which another provider may be tried.
     */
    record Failed(String providerCode, FailureClass failureClass, String message, boolean beforeProcessing)
            implements VendOutcome {
    }

    record Pending(String providerCode, PendingCause cause, String message, String providerTransactionId)
            implements VendOutcome {
    }

    static Pending pending(PendingCause cause, String code, String message) {
        return new Pending(code, cause, message, null);
    }
}
