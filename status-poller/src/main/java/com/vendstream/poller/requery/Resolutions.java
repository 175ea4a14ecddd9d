package com.vendstream.poller.requery;

import java.time.Instant;
import java.util.Optional;
import org.bson.Document;

/**
 * Builds the outbox entries a schedule publishes (one kind of operation each). Event ids are
 * deterministic (order, type, our reference), so the same resolution built twice is the same event.
 */
public interface Resolutions {

    /** The one terminal event for a final answer. */
    Document resolved(Requery requery, Answer.Final answer, Instant at);

    /** The escalation event, when this kind of operation has one. */
    Optional<Document> unresolved(Requery requery, Instant at);
}
