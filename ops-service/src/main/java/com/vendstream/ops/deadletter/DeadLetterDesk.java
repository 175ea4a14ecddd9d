package com.vendstream.ops.deadletter;

import com.vendstream.events.OpsAction;
import com.vendstream.ops.audit.AuditEntry;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.ops.user.OpsUser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The back office's dead letters: what each catalogue dead-letter topic holds and what was done with it, and the
 * two things an operator may do with a record, re-drive it to its source topic or discard it with a reason.
 *
 * <p>Each action is audited first ({@code DEAD_LETTER_REDRIVEN}, {@code DEAD_LETTER_DISCARDED}, subject
 * {@code <dlq>/<partition>/<offset>}), then done, then its disposition stored. A re-drive sends the record's original
 * key and value bytes and its own headers (service-kit's {@code DeadLetterRecords}, as {@code redrive.sh} does) and waits for the
 * broker's ack before the disposition is stored: a crash in between leaves the record waiting, to be re-driven
 * again, which the consumers, idempotent by event id, take as one delivery.
 */
public class DeadLetterDesk {

    /** Which records a listing shows. */
    public enum Status {
        WAITING, REDRIVEN, DISCARDED, ALL;

        boolean accepts(Disposition d) {
            return this == ALL || (d == null ? this == WAITING : d.action().name().equals(name()));
        }
    }

    public record Summary(String topic, String sourceTopic, String consumerGroup, long waiting, long redriven,
                          long discarded, long total) {
    }

    public record Cause(String exception, String message) {
    }

    public record Handled(String action, String by, Instant at, String reason) {
    }

    /** One dead letter as a back-office user sees it (personal data masked). */
    public record Entry(String id, int partition, long offset, String key, Instant recordedAt, String sourceTopic,
                        Integer sourcePartition, Long sourceOffset, Cause cause, String eventType,
                        Map<String, Object> event, String status, Handled disposition) {
    }

    /** The name is not a dead-letter topic of the catalogue. */
    public static final class UnknownTopic extends RuntimeException {
        UnknownTopic(String topic) {
            super("Not a dead-letter topic of the catalogue");
        }
    }

    /** The topic holds no record at this partition and offset (any more). */
    public static final class NoSuchRecord extends RuntimeException {
        NoSuchRecord(String id) {
            super("No dead letter " + id);
        }
    }

    private record Found(DeadLetter record, EventDecoder.Decoded decoded) {
    }

    private final DeadLetterLog log;
    private final DispositionStore dispositions;
    private final EventDecoder decoder;
    private final AuditTrail audit;
    private final Clock clock;
    private final int maxScan;

    DeadLetterDesk(DeadLetterLog log, DispositionStore dispositions, EventDecoder decoder, AuditTrail audit, Clock clock,
                   int maxScan) {
        this.log = log;
        this.dispositions = dispositions;
        this.decoder = decoder;
        this.audit = audit;
        this.clock = clock;
        this.maxScan = maxScan;
    }

    /** Every catalogue dead-letter topic with its counts; a topic not created yet counts zero. */
    public Mono<List<Summary>> summaries() {
        List<DeadLetterTopic> catalogue = DeadLetterTopic.catalogue();
        List<String> names = catalogue.stream().map(DeadLetterTopic::topic).toList();
        return blocking(() -> log.ranges(names)).zipWith(dispositions.of(names).collectList())
                .map(found -> catalogue.stream().map(dlq -> summary(dlq, found.getT1().get(dlq.topic()),
                        found.getT2().stream().filter(d -> d.topic().equals(dlq.topic())).toList())).toList());
    }

    private static Summary summary(DeadLetterTopic dlq, List<DeadLetterLog.Range> ranges, List<Disposition> handled) {
        long total = ranges.stream().mapToLong(DeadLetterLog.Range::size).sum();
        // Only dispositions of records the topic still holds count.
        List<Disposition> held = handled.stream().filter(d -> ranges.stream()
                .anyMatch(r -> r.partition() == d.partition() && r.holds(d.offset()))).toList();
        long redriven = held.stream().filter(d -> d.action() == Disposition.Action.REDRIVEN).count();
        long discarded = held.size() - redriven;
        return new Summary(dlq.topic(), dlq.sourceTopic(), dlq.consumerGroup(), total - held.size(), redriven,
                discarded, total);
    }

    /** Up to {@code limit} records of this status, from each partition's earliest offset. */
    public Mono<List<Entry>> list(String topic, Status status, int limit) {
        DeadLetterTopic dlq = known(topic);
        return dispositions.of(List.of(topic)).collectMap(Disposition::id).flatMap(handled -> blocking(() -> {
            List<DeadLetterLog.Range> ranges = log.ranges(List.of(topic)).get(topic);
            return log.read(topic, ranges, r -> status.accepts(handled.get(r.id())), limit, maxScan).stream()
                    .map(r -> entry(dlq, r, decoder.decode(dlq.sourceTopic(), r.value()), handled.get(r.id())))
                    .toList();
        }));
    }

    /**
     * Re-drives one record to its source topic (the catalogue's, never one a header names): audited, sent and
     * acknowledged, then its disposition stored.
     */
    public Mono<Entry> redrive(String topic, int partition, long offset, OpsUser operator, String clientAddress) {
        DeadLetterTopic dlq = known(topic);
        String id = Disposition.id(topic, partition, offset);
        return waiting(dlq, partition, offset).flatMap(found -> {
            Map<String, String> details = details(dlq, found.decoded());
            details.put("redrivenTo", dlq.sourceTopic());
            return audit.record(OpsAction.DEAD_LETTER_REDRIVEN, operator, id, null, clientAddress, details,
                            concerning(found.decoded()))
                    .then(blocking(() -> {
                        log.redrive(found.record(), dlq.sourceTopic());
                        return true;
                    }))
                    .then(dispositions.record(new Disposition(topic, partition, offset, Disposition.Action.REDRIVEN,
                            operator.username(), clock.instant(), null)))
                    .map(d -> entry(dlq, found.record(), found.decoded(), d));
        });
    }

    /** Discards one record, with the operator's reason: audited, then its disposition stored. */
    public Mono<Entry> discard(String topic, int partition, long offset, String reason, OpsUser operator,
                               String clientAddress) {
        DeadLetterTopic dlq = known(topic);
        String id = Disposition.id(topic, partition, offset);
        return waiting(dlq, partition, offset).flatMap(found -> audit.record(OpsAction.DEAD_LETTER_DISCARDED,
                        operator, id, reason, clientAddress, details(dlq, found.decoded()),
                        concerning(found.decoded()))
                .then(dispositions.record(new Disposition(topic, partition, offset, Disposition.Action.DISCARDED,
                        operator.username(), clock.instant(), reason)))
                .map(d -> entry(dlq, found.record(), found.decoded(), d)));
    }

    /** The record, decoded, if it has no disposition yet; AlreadyHandled or NoSuchRecord otherwise. */
    private Mono<Found> waiting(DeadLetterTopic dlq, int partition, long offset) {
        String id = Disposition.id(dlq.topic(), partition, offset);
        return dispositions.find(dlq.topic(), partition, offset)
                .flatMap(d -> Mono.<Found>error(new DispositionStore.AlreadyHandled(id)))
                .switchIfEmpty(blocking(() -> log.fetch(dlq.topic(), partition, offset)
                        .map(r -> new Found(r, decoder.decode(dlq.sourceTopic(), r.value())))
                        .orElseThrow(() -> new NoSuchRecord(id))));
    }

    private static Map<String, String> details(DeadLetterTopic dlq, EventDecoder.Decoded decoded) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("sourceTopic", dlq.sourceTopic());
        details.put("consumerGroup", dlq.consumerGroup());
        if (decoded.eventType() != null) {
            details.put("eventType", decoded.eventType());
        }
        return details;
    }

    private static DeadLetterTopic known(String topic) {
        return DeadLetterTopic.named(topic).orElseThrow(() -> new UnknownTopic(topic));
    }

    private static Entry entry(DeadLetterTopic dlq, DeadLetter r, EventDecoder.Decoded decoded, Disposition d) {
        DeadLetter.Failure failure = r.failure();
        Cause cause = failure.exceptionClass() == null && failure.exceptionMessage() == null ? null
                : new Cause(failure.exceptionClass(), failure.exceptionMessage());
        return new Entry(r.partition() + "-" + r.offset(), r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.timestamp(),
                failure.originalTopic() == null ? dlq.sourceTopic() : failure.originalTopic(),
                failure.originalPartition(), failure.originalOffset(), cause, decoded.eventType(), decoded.event(),
                d == null ? Status.WAITING.name() : d.action().name(),
                d == null ? null : new Handled(d.action().name(), d.by(), d.at(), d.reason()));
    }

    /** Kafka's and the registry's clients block: off the event loop. */
    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }

    /** The order a dead letter's event names, when it decodes and names one, for the audit entry's envelope. */
    private static AuditEntry.Concerning concerning(EventDecoder.Decoded decoded) {
        return decoded.orderId() == null && decoded.merchantId() == null ? null
                : new AuditEntry.Concerning(decoded.orderId(), decoded.merchantId(), null);
    }
}
