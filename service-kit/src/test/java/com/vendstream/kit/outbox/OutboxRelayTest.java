package com.vendstream.kit.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import com.vendstream.schemas.envelope.Envelopes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Events a crash left in documents' outboxes (state changed, relay never ran) are published by the
 * sweep, all of them, however many documents ahead of them cannot be published.
 */
class OutboxRelayTest {

    private static final String COLLECTION = "things";

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://localhost:" + server.bind().getPort());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "kit");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Message<?>> sent = new CopyOnWriteArrayList<>();
    private final AtomicBoolean brokenWorks = new AtomicBoolean();
    private final OutboxRelay relay = new OutboxRelay(mongo, (binding, message) -> {
        if (binding.equals("broken") && !brokenWorks.get()) {
            return false;
        }
        sent.add(message);
        return true;
    }, Set.of(COLLECTION), meters, 1);

    @AfterEach
    void close() {
        relay.shutdown();
        client.close();
        server.shutdown();
    }

    @Test
    void aCrashBeforeTheRelayIsCaughtByTheSweepBehindMoreThanAPageThatCannotBePublished() {
        int cannot = OutboxRelay.PAGE + 10;
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < cannot + 90; i++) {
            String id = String.format("doc-%04d", i);
            // What a crash right after the state change leaves: the event is in the document, never published.
            docs.add(new Document("_id", id).append(Outbox.FIELD,
                    List.of(Outbox.entry(i < cannot ? "broken" : "ok", id, "event-" + id, event(id)))));
        }
        Mono.from(things().insertMany(docs)).block();

        relay.sweep();

        assertThat(sent).hasSize(90);
        assertThat(sent).extracting(m -> m.getHeaders().get(KafkaHeaders.KEY))
                .containsExactlyInAnyOrderElementsOf(docs.subList(cannot, docs.size()).stream()
                        .map(d -> d.getString("_id")).toList());
        assertThat(waiting()).hasSize(cannot);
        assertThat(meters.get("vendstream.outbox.stuck").tag("collection", COLLECTION).gauge().value())
                .isEqualTo(cannot);

        // The binding comes back: the next sweep publishes the rest, each event once, and the gauge clears.
        brokenWorks.set(true);
        relay.sweep();
        assertThat(sent).hasSize(cannot + 90);
        assertThat(sent).extracting(m -> m.getHeaders().get("vendstream_event_id")).doesNotHaveDuplicates();
        assertThat(waiting()).isEmpty();
        assertThat(meters.get("vendstream.outbox.stuck").tag("collection", COLLECTION).gauge().value()).isZero();
    }

    private MongoCollection<Document> things() {
        return mongo.getCollection(COLLECTION).block();
    }

    private List<Document> waiting() {
        return Flux.from(things().find(new Document(Outbox.FIELD + ".0", new Document("$exists", true))))
                .collectList().block();
    }

    private static VendRequested event(String orderId) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendRequested", null), VendRequested.class, orderId,
                Instant.now(), LocalDate.now(), "m1", "test", orderId, null);
        return VendRequested.newBuilder().setEnvelope(e).setLine(OrderLine.newBuilder()
                .setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount("08011111111")
                .setAmount(new Money(5_000L, "NGN")).build()).build();
    }
}
