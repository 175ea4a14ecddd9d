package com.vendstream.ops.deadletter;

import com.vendstream.events.OpsAction;
import com.vendstream.ops.audit.AuditEntry;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.ops.user.OpsUser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The back office's dead letters: what each catalogue dead-letter topic holds and what was done with it, and the
 * two things an operator may do with a record, re-drive it to its source topic or discard it with a reason.
 *
 * <p>Each action is audited first ({@code DEAD_LETTER_REDRIVEN}, {@code DEAD_LETTER_DISCARDED}, subject
 * {@code <dlq>/<partition>/<offset>}), then done, its disposition stored. A re-drive claims the record first (a
 * {@code REDRIVING} disposition, exclusive through the store's unique id: of two re-drives, or a re-drive and a
 * discard, one wins and the other is refused before anything is sent), then sends the record's original key and
 * value bytes and its own headers (service-kit's {@code DeadLetterRecords}, as {@code redrive.sh} does), waits for
 * the broker's ack and marks it {@code REDRIVEN}. A failed send drops the claim, so the record waits again. A crash
 * between claim and ack leaves a {@code REDRIVING} record, listed as such; once its claim is older than
 * {@link #STALE_CLAIM} it may be re-driven again. That may put a second copy on the source topic (the first send
 * may have reached the broker), which is safe: the consumers are idempotent by event id and take it as one delivery.
 */
public class DeadLetterDesk {

    /** Which records a listing shows. */
    public enum Status {
        WAITING, REDRIVING, REDRIVEN, DISCARDED, ALL;

        boolean accepts(Disposition d) {
            return this == ALL || (d == null ? this == WAITING : d.action().name().equals(name()));
        }
    }

    public record Summary(String topic, String sourceTopic, String consumerGroup, long waiting, long redriving,
                          long redriven, long discarded, long total) {
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

    /**
     * How old a re-drive's claim must be before another re-drive may take it over: far longer than a send waits for
     * the broker's ack, so a claim this old belongs to a re-drive that crashed, not to one still under way.
     */
    static final Duration STALE_CLAIM = Duration.ofMinutes(1);

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
        return blocking(() -> log.ranges(catalogue.stream().map(DeadLetterTopic::topic).toList()))
                .flatMap(ranges -> Flux.fromIterable(catalogue).concatMap(dlq -> {
                    List<DeadLetterLog.Range> held = ranges.get(dlq.topic());
                    return dispositions.held(dlq.topic(), held).collectList().map(d -> summary(dlq, held, d));
                }).collectList());
    }

    /** {@code handled}: the dispositions of records the topic still holds ({@link DispositionStore#held}). */
    private static Summary summary(DeadLetterTopic dlq, List<DeadLetterLog.Range> ranges, List<Disposition> handled) {
        long total = ranges.stream().mapToLong(DeadLetterLog.Range::size).sum();
        Map<Disposition.Action, Long> counts = handled.stream()
                .collect(Collectors.groupingBy(Disposition::action, Collectors.counting()));
        return new Summary(dlq.topic(), dlq.sourceTopic(), dlq.consumerGroup(), total - handled.size(),
                counts.getOrDefault(Disposition.Action.REDRIVING, 0L),
                counts.getOrDefault(Disposition.Action.REDRIVEN, 0L),
                counts.getOrDefault(Disposition.Action.DISCARDED, 0L), total);
    }

    /**
     * Up to {@code limit} records of this status, partition by partition, reading at most max-scan records. Waiting
     * records are read from each partition's first offset without a disposition: the handled run before it (the
     * usual shape, records being handled oldest first) is skipped, not scanned, so waiting records are not hidden
     * behind max-scan handled ones, and the listing shows what the summary counts as waiting.
     */
    public Mono<List<Entry>> list(String topic, Status status, int limit) {
        DeadLetterTopic dlq = known(topic);
        return blocking(() -> log.ranges(List.of(topic)).get(topic)).flatMap(ranges -> dispositions
                .held(topic, ranges).collectMap(Disposition::id).flatMap(handled -> blocking(() -> {
                    List<DeadLetterLog.Range> scanned = status == Status.WAITING
                            ? ranges.stream().map(r -> afterHandledRun(topic, r, handled.keySet())).toList() : ranges;
                    return log.read(topic, scanned, r -> status.accepts(handled.get(r.id())), limit, maxScan)
                            .stream()
                            .map(r -> entry(dlq, r, decoder.decode(dlq.sourceTopic(), r.value()), handled.get(r.id())))
                            .toList();
                })));
    }

    /** The partition's range from its first offset that has no disposition. */
    private static DeadLetterLog.Range afterHandledRun(String topic, DeadLetterLog.Range range, Set<String> handled) {
        long start = range.start();
        while (start < range.end() && handled.contains(Disposition.id(topic, range.partition(), start))) {
            start++;
        }
        return new DeadLetterLog.Range(range.partition(), start, range.end());
    }

    /**
     * Re-drives one record to its source topic (the catalogue's, never one a header names): audited, claimed, sent
     * and acknowledged, then marked re-driven. Refused ({@link DispositionStore.AlreadyHandled}) when the record has
     * a disposition, unless it is a re-drive's claim older than {@link #STALE_CLAIM}.
     */
    public Mono<Entry> redrive(String topic, int partition, long offset, OpsUser operator, String clientAddress) {
        DeadLetterTopic dlq = known(topic);
        String id = Disposition.id(topic, partition, offset);
        return waiting(dlq, partition, offset, true).flatMap(found -> {
            Map<String, String> details = details(dlq, found.decoded());
            details.put("redrivenTo", dlq.sourceTopic());
            Instant now = clock.instant();
            Disposition claim = new Disposition(topic, partition, offset, Disposition.Action.REDRIVING,
                    operator.username(), now, null);
            return audit.record(OpsAction.DEAD_LETTER_REDRIVEN, operator, id, null, clientAddress, details,
                            concerning(found.decoded()))
                    .then(dispositions.claim(claim, now.minus(STALE_CLAIM)))
                    .flatMap(claimed -> blocking(() -> {
                        log.redrive(found.record(), dlq.sourceTopic());
                        return claimed;
                    }).onErrorResume(failed -> dispositions.release(claimed).then(Mono.error(failed))))
                    .flatMap(claimed -> dispositions.redriven(claimed, clock.instant()))
                    .map(d -> entry(dlq, found.record(), found.decoded(), d));
        });
    }

    /** Discards one record, with the operator's reason: audited, then its disposition stored. */
    public Mono<Entry> discard(String topic, int partition, long offset, String reason, OpsUser operator,
                               String clientAddress) {
        DeadLetterTopic dlq = known(topic);
        String id = Disposition.id(topic, partition, offset);
        return waiting(dlq, partition, offset, false).flatMap(found -> audit.record(OpsAction.DEAD_LETTER_DISCARDED,
                        operator, id, reason, clientAddress, details(dlq, found.decoded()),
                        concerning(found.decoded()))
                .then(dispositions.record(new Disposition(topic, partition, offset, Disposition.Action.DISCARDED,
                        operator.username(), clock.instant(), reason)))
                .map(d -> entry(dlq, found.record(), found.decoded(), d)));
    }

    /**
     * The record, decoded, if it has no disposition yet (or, when {@code staleClaimTaken}, only a stale re-drive
     * claim); AlreadyHandled or NoSuchRecord otherwise. The store decides again when the disposition is written.
     */
    private Mono<Found> waiting(DeadLetterTopic dlq, int partition, long offset, boolean staleClaimTaken) {
        String id = Disposition.id(dlq.topic(), partition, offset);
        Mono<Found> fetched = blocking(() -> log.fetch(dlq.topic(), partition, offset)
                .map(r -> new Found(r, decoder.decode(dlq.sourceTopic(), r.value())))
                .orElseThrow(() -> new NoSuchRecord(id)));
        return dispositions.find(dlq.topic(), partition, offset)
                .flatMap(d -> staleClaimTaken && d.action() == Disposition.Action.REDRIVING
                        && d.at().isBefore(clock.instant().minus(STALE_CLAIM))
                        ? fetched : Mono.<Found>error(new DispositionStore.AlreadyHandled(id)))
                .switchIfEmpty(Mono.defer(() -> fetched));
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
