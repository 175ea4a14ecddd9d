package com.vendstream.order.order;

import com.vendstream.events.RejectionReason;

/** Why an order is refused, as the OrderRejected event and the API's problem details state it. */
public record Rejection(RejectionReason reason, String message) {

    /** As the order records it ({@code rejection}). */
    public Fields fields() {
        return Fields.of("code", reason.name()).and("message", message);
    }
}
