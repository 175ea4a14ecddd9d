package com.vendstream.poller.requery;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Two operators' decision about an unresolved vend, from what the provider's portal shows (ops-service's
 * maker-checker): delivered, with what was delivered, or not delivered.
 *
 * @param eventId   the decision's idempotency key (one per approved proposal)
 * @param reference our reference of the vend decided, as its VendUnresolved named it
 */
public record ManualDecision(String eventId, String orderId, String provider, String reference,
                             String providerTransactionId, long amountMinor, String currency, boolean delivered,
                             String token, String units, List<String> pins, Map<String, String> receipt,
                             String proposedBy, String approvedBy, Instant approvedAt) {

    public ManualDecision {
        pins = pins == null ? List.of() : List.copyOf(pins);
        receipt = receipt == null ? Map.of() : Map.copyOf(receipt);
    }

    /** The final state the decision settles a schedule in. */
    public State outcome() {
        return delivered ? State.SUCCEEDED : State.FAILED;
    }
}
