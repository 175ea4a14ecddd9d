package com.vendstream.kit.outbox;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * A service with nothing but the outbox relay, on the real parts: an embedded KRaft broker, the in-process schema
 * registry and the MongoDB wire store, started once per JVM and stopped at its exit. Its outbox collection
 * {@value #COLLECTION} publishes on the binding {@value #BINDING} (topic {@value #TOPIC}, 6 partitions) through
 * the shared Kafka settings (vendstream-kafka.yml). The sweeps run once at start, then the tests call them.
 */
@SpringBootTest(classes = RelayKafkaSupport.RelayService.class, properties = {
        "spring.config.import=classpath:vendstream-kafka.yml",
        "spring.main.web-application-type=none",
        "spring.application.name=outbox-relay-test",
        "vendstream.outbox.collections=" + RelayKafkaSupport.COLLECTION,
        "vendstream.outbox.sweep-interval=PT1H",
        "vendstream.outbox.full-sweep-interval=PT1H",
        "spring.cloud.stream.bindings." + RelayKafkaSupport.BINDING + ".destination=" + RelayKafkaSupport.TOPIC})
abstract class RelayKafkaSupport {

    static final String COLLECTION = "things";
    static final String BINDING = "things-out";
    static final String TOPIC = "outbox.things";
    static final String DATABASE = "outbox";

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class RelayService {
    }

    /** Started on first use, stopped at JVM exit. */
    static final class Infrastructure {
        static final EmbeddedParts parts = EmbeddedParts.start(EmbeddedBroker.withTopics(6, TOPIC),
                EmbeddedStore.inMemory());

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(parts::close, "relay-test-infrastructure-stop"));
        }
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        Infrastructure.parts.endpoints(props, DATABASE);
    }

    @Autowired
    ReactiveMongoTemplate mongo;

    MongoCollection<Document> things() {
        return mongo.getCollection(COLLECTION).block();
    }

    long waiting() {
        return Flux.from(things().find(new Document(Outbox.FIELD + ".0", new Document("$exists", true)))
                .projection(new Document("_id", 1))).count().block();
    }

    /** One record as a consumer sees it: its key and the event id header, in partition order. */
    record Seen(String key, String eventId, int partition, long offset) {
    }

    /** Everything on the topic so far whose key starts with {@code prefix}, per key, in partition order. */
    static Map<String, List<String>> consumed(String prefix) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (Seen seen : records()) {
            if (seen.key().startsWith(prefix)) {
                byKey.computeIfAbsent(seen.key(), k -> new ArrayList<>()).add(seen.eventId());
            }
        }
        return byKey;
    }

    static List<Seen> records() {
        List<Seen> seen = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Infrastructure.parts.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                "schema.registry.url", Infrastructure.parts.registryUrl(), "specific.avro.reader", "true"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    Header id = record.headers().lastHeader("vendstream_event_id");
                    seen.add(new Seen(record.key(), id == null ? null : new String(id.value(), StandardCharsets.UTF_8),
                            record.partition(), record.offset()));
                }
            }
        }
        return seen;
    }

    /** A vend request to publish, as order-service would. */
    static VendRequested event(String orderId, String account) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendRequested", null), VendRequested.class, orderId,
                Instant.now(), LocalDate.now(), "m1", "test", orderId, null);
        return VendRequested.newBuilder().setEnvelope(e).setLine(OrderLine.newBuilder()
                .setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount(account)
                .setAmount(new Money(5_000L, "NGN")).build()).build();
    }
}
