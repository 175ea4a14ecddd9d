package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import java.nio.file.Path;
import java.time.Duration;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.mongodb.health.MongoReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * The embedded store answers what Spring Boot's MongoDB health indicator asks ({@code listDatabases},
 * then {@code hello}), so a service's /actuator/health says UP while the store is up and DOWN when it
 * is not, through the real reactive driver.
 */
class MongoStoreHealthTest {

    @Test
    void healthIsUpWhileTheFileBackedStoreRunsAndDownOnceItStops(@TempDir Path data) {
        MongoStore store = MongoStore.start(data, 0);
        try (MongoClient client = MongoClients.create(store.uri() + "?serverSelectionTimeoutMS=1500")) {
            Mono.from(client.getDatabase("vendstream").getCollection("probe").insertOne(new Document("_id", 1)))
                    .block(Duration.ofSeconds(10));
            MongoReactiveHealthIndicator indicator = new MongoReactiveHealthIndicator(client);

            Health up = indicator.health().block(Duration.ofSeconds(10));
            assertThat(up.getStatus()).as(String.valueOf(up.getDetails())).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsKey("maxWireVersion");

            store.close();
            Health down = indicator.health().block(Duration.ofSeconds(10));
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        } finally {
            store.close();
        }
    }

    @Test
    void theInMemoryStoreOfTheTestsAnswersHelloToo() {
        try (MongoStore store = MongoStore.inMemory();
             MongoClient client = MongoClients.create(store.uri())) {
            Document hello = Mono.from(client.getDatabase("admin").runCommand(new Document("hello", 1)))
                    .block(Duration.ofSeconds(10));
            assertThat(hello.getBoolean("isWritablePrimary")).isTrue();
            assertThat(((Number) hello.get("ok")).doubleValue()).isEqualTo(1.0);
            assertThat(new MongoReactiveHealthIndicator(client).health().block(Duration.ofSeconds(10)).getStatus())
                    .isEqualTo(Status.UP);
        }
    }
}
