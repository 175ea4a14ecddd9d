package com.vendstream.kit.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Mono;

/**
 * Events per second relayed for 2,000 documents of 3 events each, against the broker and the store: the documents
 * are written (not timed), then each is relayed as a state change would ({@code relay(collection, id)}); the clock
 * stops when no outbox holds an event, i.e. every event was acknowledged and removed. Not a test: run with
 * {@code -Dtest=OutboxRelayBenchmark -Doutbox.benchmark=true}; figures go to the log as "relay-bench".
 */
@EnabledIfSystemProperty(named = "outbox.benchmark", matches = "true")
class OutboxRelayBenchmark extends RelayKafkaSupport {

    private static final int DOCUMENTS = 2_000;
    private static final int EVENTS = 3;

    @Autowired
    OutboxTrigger relay;

    @Test
    void relayThroughput() {
        for (int round = 0; round < 6; round++) {
            String prefix = "bench-" + round + "-";
            List<Document> docs = IntStream.range(0, DOCUMENTS).mapToObj(i -> prefix + i)
                    .map(id -> new Document("_id", id).append(Outbox.FIELD, IntStream.range(0, EVENTS)
                            .mapToObj(j -> Outbox.entry(BINDING, id, id + "/" + j, event(id, "08011111111"))).toList()))
                    .toList();
            Mono.from(things().insertMany(docs)).block();

            long start = System.nanoTime();
            docs.forEach(d -> relay.relay(COLLECTION, d.get("_id")));
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> waiting() == 0);
            long nanos = System.nanoTime() - start;

            double seconds = nanos / 1e9;
            System.out.printf("relay-bench round %d: %d documents x %d events in %.2f s = %.0f events/s%n",
                    round, DOCUMENTS, EVENTS, seconds, DOCUMENTS * EVENTS / seconds);
        }
        assertThat(waiting()).isZero();
    }
}
