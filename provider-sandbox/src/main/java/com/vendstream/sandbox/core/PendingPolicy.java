package com.vendstream.sandbox.core;

import java.time.Duration;

/**
 * When a "pending then X" transaction settles: after {@code requeries} status queries, or once
 * {@code after} has passed since the vend, whichever comes first. A zero {@code after} means only
 * requeries count.
 */
public record PendingPolicy(int requeries, Duration after) {

    public PendingPolicy {
        after = after == null ? Duration.ZERO : after;
    }
}
