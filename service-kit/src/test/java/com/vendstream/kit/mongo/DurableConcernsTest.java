package com.vendstream.kit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.testkit.EmbeddedStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The MongoClient a service gets writes with {@code w:majority, j:true} and reads with
 * {@code readConcern: majority}, even when its connection string asks for less; and the embedded
 * wire-protocol store accepts both. Checked on the commands the client really sends.
 */
class DurableConcernsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private EmbeddedStore store;
    private ApplicationContextRunner runner;

    @BeforeEach
    void startStore() {
        store = EmbeddedStore.inMemory();
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                // the event's document lives in the connection's buffer: copy it
                sent.add(new Sent(event.getCommandName(), BsonDocument.parse(event.getCommand().toJson())));
            }
        };
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MongoReactiveAutoConfiguration.class, DurableConcerns.class))
                // what a deployment's connection string might say; the services' concerns must win
                .withPropertyValues("spring.mongodb.uri=" + store.uri("orders?w=1&journal=false&readConcernLevel=local"))
                .withBean(MongoClientSettingsBuilderCustomizer.class,
                        () -> settings -> settings.addCommandListener(listener));
    }

    @AfterEach
    void stopStore() {
        store.stop();
    }

    @Test
    void writesWaitForAMajorityJournalAndReadsSeeOnlyMajorityCommittedData() {
        runner.run(context -> {
            MongoCollection<Document> orders = context.getBean(MongoClient.class)
                    .getDatabase("orders").getCollection("orders");

            Mono.from(orders.insertOne(new Document("_id", "o-1").append("amountMinor", 1000L))).block(TIMEOUT);
            List<Document> found = Flux.from(orders.find(new Document("_id", "o-1"))).collectList().block(TIMEOUT);

            assertThat(found).extracting(d -> d.getLong("amountMinor")).containsExactly(1000L);
            BsonDocument insert = command("insert");
            assertThat(insert.getDocument("writeConcern")).isEqualTo(BsonDocument.parse("{w: 'majority', j: true}"));
            assertThat(command("find").getDocument("readConcern")).isEqualTo(BsonDocument.parse("{level: 'majority'}"));
        });
    }

    @Test
    void aContextWithoutMongoDbGetsNoMongoDbBean() {
        // the schema registry and the sandbox exclude Boot's MongoDB auto-configuration
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DurableConcerns.class))
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(MongoClientSettingsBuilderCustomizer.class));
    }

    private BsonDocument command(String name) {
        return sent.stream().filter(c -> c.name().equals(name)).map(Sent::command)
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " command was sent"));
    }

    private record Sent(String name, BsonDocument command) {
    }
}
