package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The vend lifecycle on real parts (embedded KRaft broker, registry, wire-protocol store, the sandbox
 * over HTTP, every service): uncertain vends resolved by requery with the original reference, and a
 * VendRequested delivered again after vend-service restarts. The sandbox's books are the witness:
 * one vend per order, always.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VendLifecycleEndToEndTest {

    private static final String VEND_REQUESTS = "vendstream.vend.requests";

    private RealParts system;

    @BeforeAll
    void startSystem() {
        // Pending vends settle at the sandbox after 2 s, so requeries resolve them quickly.
        system = new RealParts(Map.of("vendstream.sandbox.defaults.pending-after", "2s"));
    }

    @AfterAll
    void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void pendingAndATimeoutAfterProcessingAreResolvedByRequeryWithOneVendEach() throws Exception {
        // VTpass answers "initiated" for 2010..., and holds its reply to 3000... past our read timeout
        // after it has vended: both become VendPending and are settled by requery, never by a resend.
        String pending = place("AIRTIME", "AIRTEL", null, "201000000000", 10_000);
        String timedOut = place("ELECTRICITY", "EKEDC", "prepaid", "3000000000000", 100_000);

        JsonNode first = awaitState(pending, "COMPLETED");
        JsonNode second = awaitState(timedOut, "COMPLETED");
        assertThat(second.path("vend").path("token").asString()).isNotBlank();

        for (JsonNode order : List.of(first, second)) {
            JsonNode record = referenceVends(order.path("vend").path("providerReference").asString());
            // One vend, and one vend request: the doubt was settled by requery, not by sending again.
            assertThat(record.path("vends").asInt()).as(order.toString()).isEqualTo(1);
            assertThat(record.path("vendRequests").asInt()).as(order.toString()).isEqualTo(1);
        }
        assertThat(accountVends("3000000000000")).isEqualTo(1);
        assertThat(accountVends("201000000000")).isEqualTo(1);
    }

    @Test
    void aVendRequestDeliveredAgainAfterVendServiceRestartsVendsNothing() throws Exception {
        String orderId = place("AIRTIME", "MTN", null, "08017777777", 20_000);
        String reference = awaitState(orderId, "COMPLETED").path("vend").path("providerReference").asString();
        ConsumerRecord<String, byte[]> original = vendRequestOf(orderId);

        system.stack.restart("vend-service");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(VEND_REQUESTS, original.key(), original.value())).get();
        }
        // The restarted vend-service has read everything on its topic, the duplicate included ...
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> lag("vend-service", VEND_REQUESTS) == 0);
        // ... and the provider saw one vend for the account, and the order did not move.
        assertThat(accountVends("08017777777")).isEqualTo(1);
        assertThat(referenceVends(reference).path("vendRequests").asInt()).isEqualTo(1);
        assertThat(system.get("/orders/" + orderId).path("state").asString()).isEqualTo("COMPLETED");
    }

    private String place(String service, String biller, String item, String account, long amountMinor)
            throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("clientReference", "life-" + UUID.randomUUID(),
                "service", service, "billerId", biller, "account", account,
                "amount", Map.of("minor", amountMinor, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        if (item != null) {
            body.put("itemId", item);
        }
        return system.place(body);
    }

    private JsonNode awaitState(String orderId, String state) {
        return system.awaitState(orderId, state, Duration.ofSeconds(90));
    }

    private JsonNode referenceVends(String reference) throws Exception {
        return system.sandboxAdmin("/vends?provider=vtpass&reference=" + reference);
    }

    private int accountVends(String account) throws Exception {
        return system.sandboxAdmin("/vends?provider=vtpass&account=" + account).path("vends").asInt();
    }

    private ConsumerRecord<String, byte[]> vendRequestOf(String orderId) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "lifecycle-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.subscribe(List.of(VEND_REQUESTS));
            java.util.concurrent.atomic.AtomicReference<ConsumerRecord<String, byte[]>> found =
                    new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (orderId.equals(r.key())) {
                        found.set(r);
                    }
                });
                return found.get() != null;
            });
            return found.get();
        }
    }

    private long lag(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", system.bootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            committed.keySet().stream().filter(tp -> tp.topic().equals(topic))
                    .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            long lag = 0;
            for (var e : latest.keySet()) {
                lag += ends.get(e).offset() - committed.get(e).offset();
            }
            return latest.isEmpty() ? Long.MAX_VALUE : lag;
        }
    }
}
