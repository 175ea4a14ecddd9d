package com.vendstream.order.order;

import com.vendstream.events.RejectionReason;

/** Why an order is refused, as the OrderRejected event and the API's problem details state it. */
public record Rejection(RejectionReason reason, String message) {
}
