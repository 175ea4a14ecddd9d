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

    /**
     * Whether a second operator checked it (maker-checker): an approver is named and is not the proposer. Names
     * are compared ignoring case and surrounding blanks, as an operator's login is.
     */
    public boolean checked() {
        return approvedBy != null && !approvedBy.isBlank() && proposedBy != null && !proposedBy.isBlank()
                && !approvedBy.strip().equalsIgnoreCase(proposedBy.strip());
    }

    /** Whether it names anything delivered: a token, a PIN, a receipt field or units. */
    public boolean deliversSomething() {
        return present(token) || present(units) || pins.stream().anyMatch(ManualDecision::present)
                || receipt.values().stream().anyMatch(ManualDecision::present);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** The final state the decision settles a schedule in. */
    public State outcome() {
        return delivered ? State.SUCCEEDED : State.FAILED;
    }
}
