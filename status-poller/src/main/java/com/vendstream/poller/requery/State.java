package com.vendstream.poller.requery;

/**
 * A requery schedule's state. PENDING and ESCALATED are still unresolved (both keep being
 * requeried); SUCCEEDED and FAILED are final and never change again: a later contradictory
 * answer is recorded as evidence, not as a new state.
 */
public enum State {
    PENDING, ESCALATED, SUCCEEDED, FAILED;

    public boolean unresolved() {
        return this == PENDING || this == ESCALATED;
    }
}
