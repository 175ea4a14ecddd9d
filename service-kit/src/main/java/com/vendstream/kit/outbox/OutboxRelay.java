package com.vendstream.kit.outbox;

import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.logging.LogSafe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.scheduling.annotation.Scheduled;
import reactor.core.publisher.Flux;

/**
 * Publishes the events waiting in documents' outboxes, oldest first, then removes each one. Runs
 * right after a state change ({@link #relay}) and, for anything a crash left behind, on a slow
 * sweep. Publishing is at-least-once; consumers deduplicate by event id.
 *
 * <p>The sweep walks every document with a non-empty outbox, a page at a time by {@code _id}, so
 * documents whose events cannot be published (a binding that refuses them, a broker down) never hide
 * the ones behind them. Those it could not drain are counted in the gauge
 * {@code vendstream.outbox.stuck{collection}} until a sweep drains them.
 */
public class OutboxRelay implements OutboxTrigger {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final int PAGE = 500;

    /** Sends one event on an output binding; false when the binding refused it. */
    @FunctionalInterface
    public interface Publisher {
        boolean send(String binding, Message<?> message);
    }

    private final ReactiveMongoTemplate mongo;
    private final Publisher publisher;
    private final Set<String> collections;
    private final ExecutorService executor;
    private final Set<Object> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong published = new AtomicLong();
    private final Map<String, AtomicLong> stuck = new ConcurrentHashMap<>();
    private final Duration timeout = Duration.ofSeconds(30);

    public OutboxRelay(ReactiveMongoTemplate mongo, StreamBridge bridge, Set<String> collections,
                       MeterRegistry meters, int threads) {
        this(mongo, bridge::send, collections, meters, threads);
    }

    public OutboxRelay(ReactiveMongoTemplate mongo, Publisher publisher, Set<String> collections,
                       MeterRegistry meters, int threads) {
        this.mongo = mongo;
        this.publisher = publisher;
        this.collections = Set.copyOf(collections);
        for (String collection : this.collections) {
            AtomicLong count = new AtomicLong();
            stuck.put(collection, count);
            Gauge.builder("vendstream.outbox.stuck", count, AtomicLong::get).tag("collection", collection)
                    .description("Documents whose outbox the last sweep could not publish").register(meters);
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
        executor.execute(() -> drain(collection, id));
    }

    /** Publish one document's outbox on the caller's thread; returns how many events went out. */
    public int drain(String collection, Object id) {
        return Math.max(0, tryDrain(collection, id));
    }

    /** As {@link #drain}, but -1 when publishing failed and events were left for the next sweep. */
    private int tryDrain(String collection, Object id) {
        String lockKey = collection + "/" + id;
        if (!inFlight.add(lockKey)) {
            // Another thread is draining this document; it will publish in order.
            return 0;
        }
        try {
            int sent = 0;
            while (true) {
                Document doc = mongo.getCollection(collection)
                        .flatMap(c -> reactor.core.publisher.Mono.from(c.find(new Document("_id", id))
                                .projection(new Document(Outbox.FIELD, new Document("$slice", 1))).first()))
                        .block(timeout);
                if (doc == null) {
                    return sent;
                }
                List<Document> outbox = doc.getList(Outbox.FIELD, Document.class);
                if (outbox == null || outbox.isEmpty()) {
                    return sent;
                }
                Document entry = outbox.get(0);
                publish(entry);
                mongo.getCollection(collection)
                        .flatMap(c -> reactor.core.publisher.Mono.from(c.updateOne(new Document("_id", id),
                                new Document("$pull", new Document(Outbox.FIELD,
                                        new Document("eventId", entry.getString("eventId")))))))
                        .block(timeout);
                sent++;
                published.incrementAndGet();
            }
        } catch (RuntimeException e) {
            // Left in the outbox; the sweep retries it. A failed send's exception prints the event: not logged.
            log.warn("Outbox relay of {} failed, will retry: {}", lockKey, LogSafe.summary(e));
            return -1;
        } finally {
            inFlight.remove(lockKey);
        }
    }

    private void publish(Document entry) {
        SpecificRecord event = EventCodec.decode(entry.getString("type"), entry.get("payload", Binary.class).getData());
        Message<SpecificRecord> message = MessageBuilder.withPayload(event)
                .setHeader(KafkaHeaders.KEY, entry.getString("key"))
                .setHeader("vendstream_event_id", entry.getString("eventId"))
                .build();
        if (!publisher.send(entry.getString("binding"), message)) {
            throw new IllegalStateException("Binding " + entry.getString("binding") + " refused the event");
        }
    }

    /**
     * Catches what a crash between the state change and the publish left behind: every document of
     * every outbox collection with events waiting, however many cannot be published.
     */
    @Scheduled(fixedDelayString = "${vendstream.outbox.sweep-interval:PT2S}")
    public void sweep() {
        for (String collection : collections) {
            long failed = 0;
            Object after = null;
            List<Object> ids;
            do {
                ids = waiting(collection, after);
                for (Object id : ids) {
                    if (tryDrain(collection, id) < 0) {
                        failed++;
                    }
                }
                if (!ids.isEmpty()) {
                    after = ids.get(ids.size() - 1);
                }
            } while (ids.size() == PAGE);
            stuck.get(collection).set(failed);
        }
    }

    /** One page of ids of documents with events waiting, in {@code _id} order after {@code after}. */
    private List<Object> waiting(String collection, Object after) {
        Document filter = new Document(Outbox.FIELD + ".0", new Document("$exists", true));
        if (after != null) {
            filter.append("_id", new Document("$gt", after));
        }
        return mongo.getCollection(collection)
                .flatMapMany(c -> Flux.from(c.find(filter).projection(new Document("_id", 1))
                        .sort(new Document("_id", 1)).limit(PAGE)))
                .map(d -> d.get("_id"))
                .collectList()
                .block(timeout);
    }

    public void shutdown() {
        executor.shutdown();
    }
}
