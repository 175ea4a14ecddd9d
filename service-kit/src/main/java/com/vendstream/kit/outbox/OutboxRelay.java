package com.vendstream.kit.outbox;

import com.mongodb.client.model.IndexOptions;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.logging.LogSafe;
import com.vendstream.kit.tracing.Traces;
import io.opentelemetry.context.Scope;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.scheduling.annotation.Scheduled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes the events waiting in documents' outboxes, in outbox order, and removes them once the broker has
 * acknowledged them. Publishing is at-least-once; consumers deduplicate by event id.
 *
 * <p>A drain of one document is one read of its whole outbox, an asynchronous send of every event, a wait for
 * all acknowledgements, then one update that pulls the acknowledged ones. Only the events acknowledged before
 * the first failure are removed, so nothing unacknowledged is ever removed and what is left stays in order.
 * One document is drained by one drain at a time in this process; a {@link #relay} that arrives while it runs
 * makes it read again before it lets go. Many documents' drains are in flight at once.
 *
 * <p>Drains are driven by writes ({@link #relay} right after the state change). A document whose drain failed
 * is remembered and retried every {@code vendstream.outbox.sweep-interval}; the gauge
 * {@code vendstream.outbox.stuck{collection}} counts those documents. What a crash left behind (state written,
 * relay never ran) is found by the full sweep, at start and every {@code vendstream.outbox.full-sweep-interval},
 * which reads documents with events waiting through the partial index {@value #INDEX}.
 */
public class OutboxRelay implements OutboxTrigger {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final int PAGE = 500;
    /** Partial index of the documents with events waiting: the full sweep's query on MongoDB. */
    static final String INDEX = "outbox_waiting";
    static final Document WAITING = new Document(Outbox.FIELD + ".eventId", new Document("$exists", true));
    /** Longer than the producer's delivery.timeout.ms (2 min): a send's future always completes before. */
    private static final Duration ACK_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

    /** Sends one event on an output binding. */
    @FunctionalInterface
    public interface Publisher {
        /**
         * Hands the event to the binding without waiting. The future completes when the broker acknowledged
         * it and exceptionally when it was refused; sends on one binding with one key are delivered in the
         * order of the calls.
         */
        CompletableFuture<?> send(String binding, Message<?> message);
    }

    private record Key(String collection, Object id) {
        @Override
        public String toString() {
            return collection + "/" + id;
        }
    }

    /** The acknowledged prefix of one drain's sends, and the failure that ended it, if any. */
    private record Outcome(List<String> acknowledged, Throwable failure) {
    }

    private final ReactiveMongoTemplate mongo;
    private final Publisher publisher;
    private final Set<String> collections;
    private final ExecutorService executor;
    /** Documents being drained; the value says whether a relay arrived meanwhile (read again). */
    private final Map<Key, Boolean> draining = new ConcurrentHashMap<>();
    /** Per collection, the documents whose last drain failed: retried by {@link #retryFailed}. */
    private final Map<String, Set<Object>> failed = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicBoolean indexed = new AtomicBoolean();

    public OutboxRelay(ReactiveMongoTemplate mongo, Publisher publisher, Set<String> collections,
                       MeterRegistry meters, int threads) {
        this.mongo = mongo;
        this.publisher = publisher;
        this.collections = Set.copyOf(collections);
        for (String collection : this.collections) {
            Set<Object> ids = ConcurrentHashMap.newKeySet();
            failed.put(collection, ids);
            Gauge.builder("vendstream.outbox.stuck", ids, Set::size).tag("collection", collection)
                    .description("Documents whose outbox could not be published; retried every sweep-interval")
                    .register(meters);
        }
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "outbox-relay");
            t.setDaemon(true);
            return t;
        });
        meters.gauge("vendstream.outbox.published", published);
    }

    /** Publish one document's outbox now, off the caller's thread. */
    @Override
    public void relay(String collection, Object id) {
        drainAsync(collection, id);
    }

    /** Publish one document's outbox and wait; returns how many events went out (0 if it failed). */
    public int drain(String collection, Object id) {
        return Math.max(0, drainAsync(collection, id).join());
    }

    /**
     * Drains one document; completes with the number of events published, 0 if another drain of the document
     * was running (it reads again before it ends), or -1 if publishing failed and events were left for a retry.
     */
    CompletableFuture<Integer> drainAsync(String collection, Object id) {
        Key key = new Key(collection, id);
        if (draining.compute(key, (k, again) -> again != null)) {
            return CompletableFuture.completedFuture(0);
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        pass(key, 0, result);
        return result;
    }

    /** One read, send and removal of the document's outbox, repeated while relays arrived during it. */
    private void pass(Key key, int sentBefore, CompletableFuture<Integer> result) {
        CompletableFuture<Outcome> pass;
        try {
            pass = waiting(key)
                    .thenApplyAsync(this::publishAll, executor)
                    .thenCompose(OutboxRelay::acknowledged)
                    .thenComposeAsync(outcome -> remove(key, outcome.acknowledged()).thenApply(v -> outcome), executor);
        } catch (RuntimeException e) {
            pass = CompletableFuture.failedFuture(e);
        }
        pass.whenComplete((outcome, error) -> {
            Throwable failure = error != null ? error : outcome.failure();
            int sent = sentBefore + (outcome != null && error == null ? outcome.acknowledged().size() : 0);
            published.addAndGet(sent - sentBefore);
            if (failure != null) {
                draining.remove(key);
                failedIn(key.collection()).add(key.id());
                // A failed send's exception prints the event: only its summary is logged.
                log.warn("Outbox relay of {} failed after {} event(s), will retry: {}", key, sent,
                        LogSafe.summary(failure));
                result.complete(-1);
                return;
            }
            failedIn(key.collection()).remove(key.id());
            if (draining.compute(key, (k, again) -> again ? Boolean.FALSE : null) == null) {
                result.complete(sent);
            } else {
                pass(key, sent, result);
            }
        });
    }

    /** A relay may name a collection the settings do not list: it is retried all the same, without a gauge. */
    private Set<Object> failedIn(String collection) {
        return failed.computeIfAbsent(collection, c -> ConcurrentHashMap.newKeySet());
    }

    /** The document's whole outbox, in order (empty when the document or its outbox is gone). */
    private CompletableFuture<List<Document>> waiting(Key key) {
        return mongo.getCollection(key.collection())
                .flatMap(c -> Mono.from(c.find(new Document("_id", key.id()))
                        .projection(new Document(Outbox.FIELD, 1)).first()))
                .map(doc -> {
                    List<Document> outbox = doc.getList(Outbox.FIELD, Document.class);
                    return outbox == null ? List.<Document>of() : outbox;
                })
                .defaultIfEmpty(List.of())
                .timeout(STORE_TIMEOUT)
                .toFuture();
    }

    /**
     * Hands every entry to its binding, in order, without waiting. A send refused at once (the binding or the
     * producer said no) ends the batch: what follows it would only be sent again after it.
     */
    private List<Sent> publishAll(List<Document> entries) {
        List<Sent> sends = new ArrayList<>(entries.size());
        for (Document entry : entries) {
            CompletableFuture<?> ack;
            // In the trace of the request that wrote the entry: the binder's producer span is its child, and the
            // record carries it on.
            try (Scope trace = Traces.resume(entry.get(Outbox.TRACE, Document.class))) {
                ack = publisher.send(entry.getString("binding"), message(entry));
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            sends.add(new Sent(entry.getString("eventId"), ack));
            if (ack.isCompletedExceptionally()) {
                break;
            }
        }
        return sends;
    }

    private record Sent(String eventId, CompletableFuture<?> ack) {
    }

    private static Message<SpecificRecord> message(Document entry) {
        SpecificRecord event = EventCodec.decode(entry.getString("type"), entry.get("payload", Binary.class).getData());
        MessageBuilder<SpecificRecord> message = MessageBuilder.withPayload(event)
                .setHeader(KafkaHeaders.KEY, entry.getString("key"))
                .setHeader("vendstream_event_id", entry.getString("eventId"));
        // As bytes, which the binder's header mapper writes as they are (a string would go out JSON-quoted); the
        // binder's producer observation, when on, puts its own span's context after them.
        Document trace = entry.get(Outbox.TRACE, Document.class);
        if (trace != null) {
            trace.forEach((name, value) -> message.setHeader(name,
                    String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return message.build();
    }

    /** Waits for every send to end, then takes the event ids acknowledged before the first failure. */
    private static CompletableFuture<Outcome> acknowledged(List<Sent> sends) {
        CompletableFuture<?>[] acks = sends.stream().map(Sent::ack).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(acks)
                .orTimeout(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((v, error) -> {
                    List<String> acknowledged = new ArrayList<>();
                    for (Sent sent : sends) {
                        if (!sent.ack().isDone()) {
                            return new Outcome(acknowledged, error);
                        }
                        try {
                            sent.ack().join();
                        } catch (CompletionException | CancellationException e) {
                            return new Outcome(acknowledged, e.getCause() != null ? e.getCause() : e);
                        }
                        acknowledged.add(sent.eventId());
                    }
                    return new Outcome(acknowledged, null);
                });
    }

    /** Pulls the acknowledged events from the outbox in one update. */
    private CompletableFuture<Void> remove(Key key, List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Document pull = new Document("$pull", new Document(Outbox.FIELD,
                new Document("eventId", new Document("$in", eventIds))));
        return mongo.getCollection(key.collection())
                .flatMap(c -> Mono.from(c.updateOne(new Document("_id", key.id()), pull)))
                .timeout(STORE_TIMEOUT)
                .toFuture()
                .thenApply(r -> null);
    }

    /** Retries the documents whose drain failed (a binding that refused them, a broker down). */
    @Scheduled(fixedDelayString = "${vendstream.outbox.sweep-interval:PT2S}")
    public void retryFailed() {
        for (String collection : failed.keySet()) {
            List<Object> ids = List.copyOf(failedIn(collection));
            for (int from = 0; from < ids.size(); from += PAGE) {
                drainAll(collection, ids.subList(from, Math.min(ids.size(), from + PAGE)));
            }
        }
    }

    /**
     * Catches what a crash between the state change and the relay left behind: every document of every outbox
     * collection with events waiting, a page at a time by {@code _id}, so documents whose events cannot be
     * published never hide those behind them. Runs at start and on a slow interval.
     */
    @Scheduled(fixedDelayString = "${vendstream.outbox.full-sweep-interval:PT5M}")
    public void fullSweep() {
        ensureIndexes();
        for (String collection : collections) {
            Object after = null;
            List<Object> ids;
            do {
                ids = waitingIds(collection, after);
                drainAll(collection, ids);
                if (!ids.isEmpty()) {
                    after = ids.get(ids.size() - 1);
                }
            } while (ids.size() == PAGE);
        }
    }

    private void drainAll(String collection, List<Object> ids) {
        CompletableFuture.allOf(ids.stream().map(id -> drainAsync(collection, id)).toArray(CompletableFuture[]::new))
                .join();
    }

    /** One page of ids of documents with events waiting, in {@code _id} order after {@code after}. */
    private List<Object> waitingIds(String collection, Object after) {
        Document filter = new Document(WAITING);
        if (after != null) {
            filter.append("_id", new Document("$gt", after));
        }
        return mongo.getCollection(collection)
                .flatMapMany(c -> Flux.from(c.find(filter).projection(new Document("_id", 1))
                        .sort(new Document("_id", 1)).limit(PAGE)))
                .map(d -> d.get("_id"))
                .collectList()
                .block(STORE_TIMEOUT);
    }

    /**
     * On MongoDB, a partial index holding only the documents with events waiting, keyed by {@code _id}: the
     * full sweep's query and its order come from it, so its cost follows what waits, not the collection's
     * history. ({@code _id} alone cannot be a partial index: the second key only makes it a different index.)
     * The embedded store accepts the definition and keeps no such index (it ignores partial filters, and
     * keeps no index led by {@code _id} besides the {@code _id} index); there the sweep scans, which is why
     * it runs only at start and every few minutes.
     */
    void ensureIndexes() {
        if (indexed.get()) {
            return;
        }
        boolean all = true;
        for (String collection : collections) {
            try {
                mongo.getCollection(collection)
                        .flatMap(c -> Mono.from(c.createIndex(
                                new Document("_id", 1).append(Outbox.FIELD + ".eventId", 1),
                                new IndexOptions().name(INDEX).partialFilterExpression(WAITING))))
                        .block(STORE_TIMEOUT);
            } catch (RuntimeException e) {
                all = false;
                log.warn("Could not create the outbox index on {}, the sweep will scan: {}", collection,
                        LogSafe.summary(e));
            }
        }
        indexed.set(all);
    }

    public void shutdown() {
        executor.shutdown();
    }
}
