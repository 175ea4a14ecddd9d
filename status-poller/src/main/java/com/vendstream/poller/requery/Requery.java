package com.vendstream.poller.requery;

import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.outbox.OutboxEntry;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One schedule as the engine sees it (stored by {@link RequeryStore}, one document each).
 *
 * @param nextDueAt        null when nothing more is scheduled
 * @param resolution       the final answer that resolved it; null while unresolved
 * @param contradictions   later final answers that disagreed with the resolution, kept as evidence
 * @param causeType        the pending event's class, with {@code causePayload} its Avro encoding
 * @param escalationReason why it was escalated (the deadline, or an answer that needs a person); null if never
 * @param outbox           events written with the last change and not yet published
 * @param replies          the newest requeries and what the provider replied to each, oldest first
 *                         ({@link Reply#KEPT} at most)
 * @param manual           the operators' decision that settled it; null unless it was settled by hand
 * @param reported         final outcomes vend-service reported (late) while the vend was unresolved, kept as
 *                         evidence a decision is checked against; never applied
 */
public record Requery(String id, Kind kind, String orderId, String provider, String reference,
                      String providerTransactionId, String service, String billerId, String itemId,
                      String sessionId, long amountMinor, String currency, State state, Instant firstPendingAt,
                      Instant deadlineAt, Instant nextDueAt, Instant leaseUntil, int attempts, int throttles,
                      int confirmationsLeft, String lastCode, Owner owner, List<String> causeEventIds,
                      String causeType, byte[] causePayload, Evidence resolution, List<Evidence> contradictions,
                      Instant escalatedAt, String escalationReason, Instant requeriesStoppedAt,
                      List<OutboxEntry> outbox, List<Reply> replies, ManualSettlement manual,
                      List<Evidence> reported) {

    public Requery {
        causeEventIds = List.copyOf(causeEventIds);
        contradictions = List.copyOf(contradictions);
        outbox = List.copyOf(outbox);
        replies = List.copyOf(replies);
        reported = reported == null ? List.of() : List.copyOf(reported);
    }

    /** A schedule as it starts, from the pending event, before its first requery. */
    static Requery start(NewRequery n, Instant deadlineAt, Instant firstDueAt) {
        return new Requery(n.id(), n.kind(), n.orderId(), n.provider(), n.reference(), n.providerTransactionId(),
                n.service(), n.billerId(), n.itemId(), n.sessionId(), n.amountMinor(), n.currency(), State.PENDING,
                n.firstPendingAt(), deadlineAt, firstDueAt, null, 0, 0, 0, n.lastCode(), n.owner(),
                List.of(n.causeEventId()), n.cause().getClass().getName(), EventCodec.encode(n.cause()), null,
                List.of(), null, null, null, List.of(), List.of(), null, List.of());
    }

    /** The pending event this schedule was created from. */
    public SpecificRecord cause() {
        return EventCodec.decode(causeType, causePayload);
    }

    /**
     * What the provider said, without customer data, tokens or PINs.
     *
     * @param afterEscalation for a resolution: whether it came after the schedule escalated
     */
    public record Evidence(State outcome, String code, String message, Instant at, int attempt,
                           boolean afterEscalation) {
    }

    /**
     * Two operators' decision that settled the schedule (maker-checker, from the provider's portal).
     *
     * @param decisionEventId the ManualVendDecision's event id: a redelivery of it is recognised by it
     * @param outcome         SUCCEEDED (delivered) or FAILED (not delivered)
     */
    public record ManualSettlement(String decisionEventId, State outcome, String proposedBy, String approvedBy,
                                   Instant approvedAt, Instant at) {
    }
}
