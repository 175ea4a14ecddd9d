package com.vendstream.kit.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * Issue 13 (items 3 and 5): the batched, asynchronous relay against a real broker, through the binder's own
 * producer: per-key order with many events per document and many documents at once, a crash between the
 * acknowledgement and the removal, a send the producer refuses in the middle of an outbox, and what a crash left
 * before the relay ran.
 */
class OutboxRelayKafkaTest extends RelayKafkaSupport {

    @Autowired
    OutboxRelay relay;
    @Autowired
    OutboxRelay.Publisher publisher;
    @Autowired
    MeterRegistry meters;

    @Test
    void eachKeysEventsArriveInOutboxOrderWithManyEventsPerDocumentAndManyDocumentsAtOnce() throws Exception {
        int documents = 200;
        int half = 5;
        List<String> ids = IntStream.range(0, documents).mapToObj(i -> "order-a-" + i).toList();
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            // Each document is written twice, each write followed by its relay, from many threads at once; the
            // second write may land while the first one's drain is in flight.
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (String id : ids) {
                writes.add(CompletableFuture.runAsync(() -> {
                    Mono.from(things().insertOne(new Document("_id", id).append(Outbox.FIELD, entries(id, 0, half))))
                            .block();
                    relay.relay(COLLECTION, id);
                    Mono.from(things().updateOne(new Document("_id", id),
                            new Document("$push", Outbox.push(entries(id, half, 2 * half))))).block();
                    relay.relay(COLLECTION, id);
                }, writers));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        } finally {
            writers.shutdown();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> waiting() == 0);
        Map<String, List<String>> consumed = consumed("order-a-");
        assertThat(consumed).containsOnlyKeys(ids);
        consumed.forEach((key, events) -> assertThat(events).as(key)
                .containsExactlyElementsOf(IntStream.range(0, 2 * half).mapToObj(j -> key + "/" + j).toList()));
    }

    @Test
    void aCrashAfterTheAcknowledgementsBeforeTheRemovalSendsTheEventsAgainInOrder() {
        String id = "order-b-1";
        Mono.from(things().insertOne(new Document("_id", id).append(Outbox.FIELD, entries(id, 0, 3)))).block();
        // A second process whose store connection dies once the broker has acknowledged the whole outbox: the
        // events are on the topic, the removal never happens.
        MongoClient doomed = MongoClients.create(Infrastructure.parts.store.uri(DATABASE));
        AtomicInteger acknowledged = new AtomicInteger();
        OutboxRelay crashing = new OutboxRelay(new ReactiveMongoTemplate(doomed, DATABASE),
                (binding, message) -> publisher.send(binding, message).whenComplete((r, e) -> {
                    if (e == null && acknowledged.incrementAndGet() == 3) {
                        doomed.close();
                    }
                }), Set.of(COLLECTION), new SimpleMeterRegistry(), 1);
        try {
            assertThat(crashing.drainAsync(COLLECTION, id).join()).isEqualTo(-1);
        } finally {
            crashing.shutdown();
        }
        assertThat(outbox(id)).containsExactly(id + "/0", id + "/1", id + "/2");
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed(id).getOrDefault(id, List.of()).size() == 3);

        // The next drain (here the restarted service's) sends them again, in order; consumers drop the repeats by id.
        assertThat(relay.drain(COLLECTION, id)).isEqualTo(3);

        assertThat(outbox(id)).isEmpty();
        List<String> seen = consumed(id).get(id);
        assertThat(seen).containsExactly(id + "/0", id + "/1", id + "/2", id + "/0", id + "/1", id + "/2");
        assertThat(seen.stream().distinct()).containsExactly(id + "/0", id + "/1", id + "/2");
    }

    @Test
    void aSendRefusedInTheMiddleOfAnOutboxLeavesItAndWhatFollowsInOrder() {
        String id = "order-c-1";
        List<Document> outbox = new ArrayList<>(entries(id, 0, 2));
        // Larger than the producer's max.request.size (1 MiB): the producer refuses it.
        outbox.add(Outbox.entry(BINDING, id, id + "/too-large", event(id, "0".repeat(1_100_000))));
        outbox.addAll(entries(id, 3, 5));
        Mono.from(things().insertOne(new Document("_id", id).append(Outbox.FIELD, outbox))).block();

        assertThat(relay.drainAsync(COLLECTION, id).join()).isEqualTo(-1);

        assertThat(outbox(id)).containsExactly(id + "/too-large", id + "/3", id + "/4");
        assertThat(stuck()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed(id).getOrDefault(id, List.of()).size() == 2);

        // An operator removes the event that can never be sent; the quick retry sends the rest, in order, once.
        Mono.from(things().updateOne(new Document("_id", id), new Document("$pull",
                new Document(Outbox.FIELD, new Document("eventId", id + "/too-large"))))).block();
        relay.retryFailed();

        assertThat(outbox(id)).isEmpty();
        assertThat(stuck()).isZero();
        assertThat(consumed(id).get(id)).containsExactly(id + "/0", id + "/1", id + "/3", id + "/4");
    }

    @Test
    void anEntryForABindingTheServiceDoesNotDeclareStaysInItsOutboxAndCreatesNoTopic() throws Exception {
        String id = "order-e-1";
        // A mistyped binding name: the bridge would create a binding, and a topic, under that name.
        Document stray = Outbox.entry("thngs-out", id, id + "/stray", event(id, "08011111111"));
        Mono.from(things().insertOne(new Document("_id", id).append(Outbox.FIELD, List.of(stray)))).block();

        assertThat(relay.drainAsync(COLLECTION, id).join()).isEqualTo(-1);

        assertThat(outbox(id)).containsExactly(id + "/stray");
        assertThat(stuck()).isEqualTo(1);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                Infrastructure.parts.bootstrap()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain("thngs-out");
        }
        Mono.from(things().deleteOne(new Document("_id", id))).block();
        relay.retryFailed();
        assertThat(stuck()).isZero();
    }

    @Test
    void theFullSweepPublishesWhatACrashLeftBeforeTheRelayRan() {
        List<String> ids = List.of("order-d-1", "order-d-2");
        // State changes whose process died before relay(): nothing but the full sweep knows of them.
        Mono.from(things().insertMany(ids.stream()
                .map(id -> new Document("_id", id).append(Outbox.FIELD, entries(id, 0, 2))).toList())).block();

        relay.fullSweep();

        assertThat(outbox("order-d-1")).isEmpty();
        assertThat(outbox("order-d-2")).isEmpty();
        assertThat(consumed("order-d-")).isEqualTo(Map.of(
                "order-d-1", List.of("order-d-1/0", "order-d-1/1"), "order-d-2", List.of("order-d-2/0", "order-d-2/1")));
    }

    private double stuck() {
        return meters.get("vendstream.outbox.stuck").tag("collection", COLLECTION).gauge().value();
    }

    private List<String> outbox(String id) {
        Document doc = Mono.from(things().find(new Document("_id", id)).first()).block();
        return doc.getList(Outbox.FIELD, Document.class).stream().map(e -> e.getString("eventId")).toList();
    }

    static List<Document> entries(String key, int from, int to) {
        return IntStream.range(from, to).mapToObj(j -> Outbox.entry(BINDING, key, key + "/" + j, event(key, "08011111111")))
                .toList();
    }
}
