package com.vendstream.kit.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.VendRequested;
import com.vendstream.testkit.EmbeddedStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The relay against the MongoDB wire store, with a publisher the test controls: what is read and written per
 * document, which events are removed when sends fail or are acknowledged out of order, how many documents are
 * in flight, and which sweep finds what. The same relay against a real broker: {@code OutboxRelayKafkaTest}.
 */
class OutboxRelayTest {

    private static final String COLLECTION = "things";

    private final EmbeddedStore store = EmbeddedStore.inMemory();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final MongoClient client = MongoClients.create(MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(store.uri()))
            .addCommandListener(new CommandListener() {
                @Override
                public void commandStarted(CommandStartedEvent event) {
                    if (COLLECTION.equals(event.getCommand().get(event.getCommandName()) instanceof
                            org.bson.BsonString name ? name.getValue() : null)) {
                        commands.add(event.getCommandName());
                    }
                }
            }).build());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "kit");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Message<?>> sent = new CopyOnWriteArrayList<>();
    /** Acknowledgements the test completes itself, by event id; events not listed are acknowledged at once. */
    private final Map<String, CompletableFuture<Object>> held = new ConcurrentHashMap<>();
    private final AtomicBoolean brokenWorks = new AtomicBoolean();
    /** The trace current on the sending thread while each event was handed to its binding, by event id. */
    private final Map<String, String> tracesAtSend = new ConcurrentHashMap<>();
    private OutboxRelay relay = relay(1);

    private OutboxRelay relay(int threads) {
        return new OutboxRelay(mongo, (binding, message) -> {
            if (binding.equals("broken") && !brokenWorks.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("Binding broken refused the event"));
            }
            sent.add(message);
            tracesAtSend.put(eventId(message), io.opentelemetry.api.trace.Span.current().getSpanContext().getTraceId());
            CompletableFuture<Object> ack = held.get(eventId(message));
            return ack != null ? ack : CompletableFuture.completedFuture("acknowledged");
        }, Set.of(COLLECTION), meters, threads);
    }

    @AfterEach
    void close() {
        relay.shutdown();
        client.close();
        store.close();
    }

    @Test
    void aCrashBeforeTheRelayIsCaughtByTheFullSweepBehindMoreThanAPageThatCannotBePublished() {
        int cannot = OutboxRelay.PAGE + 10;
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < cannot + 90; i++) {
            String id = String.format("doc-%04d", i);
            // What a crash right after the state change leaves: the event is in the document, never published.
            docs.add(new Document("_id", id).append(Outbox.FIELD,
                    List.of(Outbox.entry(i < cannot ? "broken" : "ok", id, "event-" + id, event(id)))));
        }
        Mono.from(things().insertMany(docs)).block();

        relay.fullSweep();

        assertThat(sent).hasSize(90);
        assertThat(sent).extracting(m -> m.getHeaders().get(KafkaHeaders.KEY))
                .containsExactlyInAnyOrderElementsOf(docs.subList(cannot, docs.size()).stream()
                        .map(d -> d.getString("_id")).toList());
        assertThat(waiting()).hasSize(cannot);
        assertThat(stuck()).isEqualTo(cannot);

        // The binding comes back: the quick retry publishes the rest, each event once, and the gauge clears.
        brokenWorks.set(true);
        relay.retryFailed();
        assertThat(sent).hasSize(cannot + 90);
        assertThat(sent).extracting(m -> m.getHeaders().get("vendstream_event_id")).doesNotHaveDuplicates();
        assertThat(waiting()).isEmpty();
        assertThat(stuck()).isZero();
    }

    /** Before: one read and one removal per event, and a last read (11 commands for 5 events). */
    @Test
    void aDocumentsWholeOutboxIsReadOnceAndRemovedInOneUpdate() {
        Mono.from(things().insertOne(new Document("_id", "order-1").append(Outbox.FIELD, entries("order-1", 5))))
                .block();
        commands.clear();

        assertThat(relay.drain(COLLECTION, "order-1")).isEqualTo(5);

        assertThat(commands).containsExactly("find", "update");
        assertThat(sent).extracting(OutboxRelayTest::eventId)
                .containsExactly("order-1/0", "order-1/1", "order-1/2", "order-1/3", "order-1/4");
        assertThat(waiting()).isEmpty();
    }

    @Test
    void onlyTheEventsAcknowledgedBeforeTheFirstFailureAreRemovedTheRestStayInOrder() {
        Mono.from(things().insertOne(new Document("_id", "order-1").append(Outbox.FIELD, entries("order-1", 5))))
                .block();
        CompletableFuture<Object> second = new CompletableFuture<>();
        held.put("order-1/1", second);
        CompletableFuture<Integer> drain = relay.drainAsync(COLLECTION, "order-1");
        // The broker acknowledges the events after the second one, then refuses the second.
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 5);
        second.completeExceptionally(new IllegalStateException("not leader"));

        assertThat(drain.join()).isEqualTo(-1);
        assertThat(outbox("order-1")).containsExactly("order-1/1", "order-1/2", "order-1/3", "order-1/4");
        assertThat(stuck()).isEqualTo(1);

        held.clear();
        relay.retryFailed();
        assertThat(outbox("order-1")).isEmpty();
        assertThat(sent).extracting(OutboxRelayTest::eventId).containsExactly(
                "order-1/0", "order-1/1", "order-1/2", "order-1/3", "order-1/4",
                "order-1/1", "order-1/2", "order-1/3", "order-1/4");
        assertThat(stuck()).isZero();
    }

    @Test
    void aSendRefusedAtOnceEndsTheBatchNothingAfterItIsSent() {
        List<Document> outbox = new ArrayList<>(entries("order-1", 2));
        outbox.add(Outbox.entry("broken", "order-1", "order-1/broken", event("order-1")));
        outbox.addAll(entries("order-1", 2).stream().map(e -> new Document(e).append("eventId",
                e.getString("eventId") + "-after")).toList());
        Mono.from(things().insertOne(new Document("_id", "order-1").append(Outbox.FIELD, outbox))).block();

        assertThat(relay.drainAsync(COLLECTION, "order-1").join()).isEqualTo(-1);

        assertThat(sent).extracting(OutboxRelayTest::eventId).containsExactly("order-1/0", "order-1/1");
        assertThat(outbox("order-1")).containsExactly("order-1/broken", "order-1/0-after", "order-1/1-after");
    }

    /** Before: a drain held its thread until each send was acknowledged, so one thread drained one document. */
    @Test
    void manyDocumentsAreInFlightAtOnceOnOneThread() {
        int documents = 20;
        List<Document> docs = IntStream.range(0, documents).mapToObj(i -> "order-" + i)
                .map(id -> new Document("_id", id).append(Outbox.FIELD, entries(id, 3))).toList();
        Mono.from(things().insertMany(docs)).block();
        CompletableFuture<Object> broker = new CompletableFuture<>();
        docs.forEach(d -> IntStream.range(0, 3).forEach(j -> held.put(d.getString("_id") + "/" + j, broker)));

        docs.forEach(d -> relay.relay(COLLECTION, d.get("_id")));
        // Every document's events are out before the broker has acknowledged any of them.
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == documents * 3);
        assertThat(waiting()).hasSize(documents);

        broker.complete("acknowledged");
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting().isEmpty());
    }

    @Test
    void aRelayDuringADrainIsNotLostTheDrainReadsAgain() {
        Mono.from(things().insertOne(new Document("_id", "order-1").append(Outbox.FIELD, entries("order-1", 1))))
                .block();
        CompletableFuture<Object> first = new CompletableFuture<>();
        held.put("order-1/0", first);
        CompletableFuture<Integer> drain = relay.drainAsync(COLLECTION, "order-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1);

        // A state change appends an event and relays while the first drain waits for its acknowledgement.
        Mono.from(things().updateOne(new Document("_id", "order-1"), new Document("$push",
                Outbox.push(List.of(Outbox.entry("ok", "order-1", "order-1/next", event("order-1"))))))).block();
        assertThat(relay.drainAsync(COLLECTION, "order-1").join()).isZero();
        first.complete("acknowledged");

        assertThat(drain.join()).isEqualTo(2);
        assertThat(sent).extracting(OutboxRelayTest::eventId).containsExactly("order-1/0", "order-1/next");
        assertThat(waiting()).isEmpty();
    }

    /** Before: the 2-second sweep scanned every document of every outbox collection. */
    @Test
    void theQuickRetryTakesOnlyFailedDocumentsTheFullSweepFindsWhatACrashLeft() {
        Mono.from(things().insertMany(List.of(
                new Document("_id", "failed").append(Outbox.FIELD,
                        List.of(Outbox.entry("broken", "failed", "failed/0", event("failed")))),
                new Document("_id", "crashed").append(Outbox.FIELD, entries("crashed", 2))))).block();
        relay.relay(COLLECTION, "failed");
        await().atMost(Duration.ofSeconds(10)).until(() -> stuck() == 1);
        brokenWorks.set(true);
        commands.clear();

        relay.retryFailed();

        assertThat(sent).extracting(OutboxRelayTest::eventId).containsExactly("failed/0");
        assertThat(commands).containsExactly("find", "update");
        assertThat(outbox("crashed")).hasSize(2);

        relay.fullSweep();
        assertThat(sent).extracting(OutboxRelayTest::eventId).containsExactly("failed/0", "crashed/0", "crashed/1");
        assertThat(waiting()).isEmpty();
    }

    /** Before: no index; on MongoDB the sweep's query scanned the collection. */
    @Test
    void theFullSweepDeclaresAPartialIndexOfTheDocumentsWithEventsWaiting() {
        relay.fullSweep();

        List<Document> indexes = Flux.from(things().listIndexes()).collectList().block();
        assertThat(indexes).anySatisfy(index -> {
            assertThat(index.getString("name")).isEqualTo(OutboxRelay.INDEX);
            assertThat(index.get("key", Document.class)).containsOnlyKeys("_id", "outbox.eventId");
        });
    }

    private double stuck() {
        return meters.get("vendstream.outbox.stuck").tag("collection", COLLECTION).gauge().value();
    }

    private static String eventId(Message<?> message) {
        return (String) message.getHeaders().get("vendstream_event_id");
    }

    private static List<Document> entries(String key, int count) {
        return IntStream.range(0, count).mapToObj(j -> Outbox.entry("ok", key, key + "/" + j, event(key))).toList();
    }

    private MongoCollection<Document> things() {
        return mongo.getCollection(COLLECTION).block();
    }

    /**
     * An entry keeps the trace of the request that wrote it: sent with its W3C traceparent as a header (bytes, as
     * the binder's header mapper writes them unchanged) and with that trace current, so the binder's producer span
     * joins it. An entry written outside any trace goes out with none, whatever the relay's thread had.
     */
    @Test
    void anEntryIsSentInTheTraceThatWroteIt() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        io.opentelemetry.api.trace.SpanContext request = io.opentelemetry.api.trace.SpanContext.create(traceId,
                "00f067aa0ba902b7", io.opentelemetry.api.trace.TraceFlags.getSampled(),
                io.opentelemetry.api.trace.TraceState.getDefault());
        Document traced;
        try (io.opentelemetry.context.Scope scope = io.opentelemetry.context.Context.root()
                .with(io.opentelemetry.api.trace.Span.wrap(request)).makeCurrent()) {
            traced = Outbox.entry("ok", "order-1", "order-1/traced", event("order-1"));
        }
        Document untraced = Outbox.entry("ok", "order-1", "order-1/untraced", event("order-1"));
        Mono.from(things().insertOne(new Document("_id", "order-1").append(Outbox.FIELD, List.of(traced, untraced))))
                .block();

        assertThat(relay.drain(COLLECTION, "order-1")).isEqualTo(2);

        Message<?> first = sent.get(0);
        assertThat(first.getHeaders().get("traceparent")).isInstanceOf(byte[].class);
        assertThat(new String((byte[]) first.getHeaders().get("traceparent"), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(tracesAtSend.get("order-1/traced")).isEqualTo(traceId);
        assertThat(sent.get(1).getHeaders()).doesNotContainKey("traceparent");
        assertThat(tracesAtSend.get("order-1/untraced")).isEqualTo(io.opentelemetry.api.trace.TraceId.getInvalid());
    }

    private List<String> outbox(String id) {
        Document doc = Mono.from(things().find(new Document("_id", id)).first()).block();
        return doc.getList(Outbox.FIELD, Document.class).stream().map(e -> e.getString("eventId")).toList();
    }

    private List<Document> waiting() {
        return Flux.from(things().find(new Document(Outbox.FIELD + ".0", new Document("$exists", true))))
                .collectList().block();
    }

    private static VendRequested event(String orderId) {
        return RelayKafkaSupport.event(orderId, "08011111111");
    }
}
