package com.vendstream.kit.outbox;

/** The port a domain service uses to say "this document's outbox has news"; the relay is its adapter. */
@FunctionalInterface
public interface OutboxTrigger {

    void relay(String collection, Object id);
}
