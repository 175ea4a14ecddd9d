package com.vendstream.vend.attempt;

import com.vendstream.events.VendRequested;
import com.vendstream.kit.events.EventCodec;
import java.time.Instant;
import java.util.List;

/**
 * An order's one vend attempt as vending sees it (stored by {@link VendAttemptStore}, keyed by order id).
 *
 * @param provider        the provider it is (or was last) sent to
 * @param reference       our reference at that provider
 * @param requestPayload  the VendRequested it serves, Avro-encoded
 * @param deferrals       how many deferrals counted toward the attempt's limit
 * @param previous        providers and references tried before the current one, and why they were left
 */
public record VendAttempt(String orderId, State state, String provider, String reference, byte[] requestPayload,
                          Instant createdAt, int deferrals, List<Tried> previous) {

    /**
     * SENDING: claimed, the call may be in flight. DEFERRED: not sent (a passing refusal: throttle,
     * back-pressure, a provider's duplicate window), waiting for {@code retryAt}; nothing reached any
     * provider under its current reference. The rest are settled.
     */
    public enum State { SENDING, DEFERRED, SUCCEEDED, FAILED, PENDING }

    public VendAttempt {
        previous = List.copyOf(previous);
    }

    public VendRequested request() {
        return (VendRequested) EventCodec.decode(VendRequested.class.getName(), requestPayload);
    }

    /** A provider and reference the attempt left, and why (nothing was sent under it, or nothing processed). */
    public record Tried(String provider, String reference, String why, Instant at) {
    }
}
