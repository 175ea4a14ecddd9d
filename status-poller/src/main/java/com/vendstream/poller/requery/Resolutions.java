package com.vendstream.poller.requery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import com.vendstream.kit.outbox.OutboxEntry;

/**
 * Builds the outbox entries a schedule publishes (one kind of operation each). Event ids are
 * deterministic (order, type, our reference), so the same resolution built twice is the same event.
 */
public interface Resolutions {

    /** The one terminal event for a final answer. */
    OutboxEntry resolved(Requery requery, Answer.Final answer, Instant at);

    /**
     * The escalation event, when this kind of operation has one.
     *
     * @param lastCode the provider's code in the answer that escalates it (this requery's, not the one before)
     * @param reason why: the deadline passed, or the provider's answer says a person must look
     * @param replies  every requery kept and the provider's reply, oldest first, this one included
     */
    Optional<OutboxEntry> unresolved(Requery requery, Instant at, String lastCode, String reason,
                                     List<Reply> replies);

    /**
     * The one terminal event for two operators' decision, the same event type and id an automatic answer would
     * have; empty for kinds of operation that are not settled by hand this way.
     */
    default Optional<OutboxEntry> decided(Requery requery, ManualDecision decision, Instant at) {
        return Optional.empty();
    }
}
