package com.vendstream.vend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.providers.VendCommand;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12, item 5, for the batch listener: what cannot be a vend request is dead-lettered as it was produced
 * and the requests behind it are vended; a vend request consumed while the store is down waits for the store
 * and is vended exactly once, with nothing dead-lettered; and the log holds none of the customer's data.
 */
@ExtendWith({StopPartsAfterSpring.class, OutputCaptureExtension.class})
@DirtiesContext
@SpringBootTest(classes = {VendServiceApplication.class, VendServiceKafkaTest.Provider.class},
        properties = {"spring.config.name=vend-service", "vendstream.kafka.consumer.backoff-initial=PT0.1S",
                "vendstream.kafka.consumer.backoff-max=PT1S", "vendstream.kafka.consumer.defect-attempts=3"})
class VendRequestFailuresKafkaTest {

    static EmbeddedParts parts;

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(EmbeddedBroker.withServiceTopics(6), EmbeddedStore.restartable());
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "vend" + EmbeddedStore.FAIL_FAST);
    }

    static String digits(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(ThreadLocalRandom.current().nextInt(10));
        }
        return out.toString();
    }

    /**
     * The Confluent wire bytes of an event, as a foreign producer's serializer writes them: with
     * TopicRecordNameStrategy, since our default ({@code <topic>-value} on a single-type topic) would have the
     * registry refuse the wrong types these tests put on such a topic, and a producer configured that way is how
     * a wrong type can still arrive.
     */
    static byte[] wire(String topic, SpecificRecord event) {
        try (ConfluentAvroSerializer serializer = new ConfluentAvroSerializer()) {
            serializer.configure(Map.of("schema.registry.url", parts.registryUrl(),
                    "value.subject.name.strategy", "com.vendstream.schemas.serde.TopicRecordNameStrategy"), false);
            return serializer.serialize(topic, event);
        }
    }

    static RecordMetadata send(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** The records of a topic with one of these keys, read to its end, in offset order per key. */
    static List<ConsumerRecord<String, byte[]>> withKeys(String topic, List<String> keys) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(parts.bytesConsumerSettings("test"))) {
            consumer.subscribe(List.of(topic));
            for (int emptyPolls = 0; emptyPolls < 5; ) {
                var records = consumer.poll(Duration.ofMillis(300));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(r -> {
                    if (keys.contains(r.key())) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }

    /** The order ids of the VendSucceeded events on the outcomes topic, one entry per event. */
    static List<String> succeeded() {
        List<String> orders = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName(),
                "schema.registry.url", parts.registryUrl(),
                "specific.avro.reader", "true"))) {
            consumer.subscribe(List.of(Topics.VEND_OUTCOMES.topic()));
            for (int emptyPolls = 0; emptyPolls < 5; ) {
                var records = consumer.poll(Duration.ofMillis(300));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(r -> {
                    if (r.value() instanceof VendSucceeded s) {
                        orders.add(s.getEnvelope().getOrderId());
                    }
                });
            }
        }
        return orders;
    }

    static VendRequested request(String orderId, String account) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendRequested", null), VendRequested.class, orderId,
                Instant.now(), LocalDate.now(), "m1", "order-service", orderId, null);
        return VendRequested.newBuilder().setEnvelope(e).setLine(OrderLine.newBuilder()
                .setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount(account)
                .setAmount(new Money(50_000L, "NGN")).build()).build();
    }

    static long committed(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets("vend-service").partitionsToOffsetAndMetadata()
                    .get().get(partition);
            return offset == null ? -1 : offset.offset();
        }
    }

    @Test
    void whatCannotBeAVendRequestIsDeadLetteredAsItWasAndTheRequestsBehindItAreVended(CapturedOutput output)
            throws Exception {
        String topic = Topics.VEND_REQUESTS.topic();
        String account = "0803" + digits(7);
        String phone = "23480" + digits(8);
        String orderId = "order-" + UUID.randomUUID();
        String wrongOrderId = UUID.randomUUID().toString();
        OrderPlaced wrongType = OrderPlaced.newBuilder()
                .setEnvelope(Envelopes.create(UUID.randomUUID().toString(), OrderPlaced.class, wrongOrderId,
                        Instant.now(), LocalDate.now(), "m1", "checkout", wrongOrderId, null))
                .setClientReference("c-1").setLine(OrderLine.newBuilder().setService(ServiceCategory.AIRTIME)
                        .setBillerId("MTN").setAccount(account).setCustomerPhone(phone)
                        .setAmount(new Money(50_000L, "NGN")).build())
                .setPaymentMethod(PaymentMethod.WALLET).setWalletId("w").build();
        // All on the order's key, so on one partition, ahead of its good request.
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("null", null);
        bad.put("wrong-type", wire(topic, wrongType));
        bad.put("junk", "this is not Avro".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (Map.Entry<String, byte[]> r : bad.entrySet()) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, orderId, r.getValue());
                record.headers().add("case", r.getKey().getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
            producer.send(new ProducerRecord<>(topic, orderId, wire(topic, request(orderId, "080" + digits(8))))).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> succeeded().contains(orderId));
        List<ConsumerRecord<String, byte[]>> dead = withKeys(Topics.deadLetter(topic, "vend-service"), List.of(orderId));
        Map<String, ConsumerRecord<String, byte[]>> byCase = new HashMap<>();
        dead.forEach(r -> byCase.put(new String(r.headers().lastHeader("case").value(), StandardCharsets.UTF_8), r));
        assertThat(byCase).containsOnlyKeys(bad.keySet());
        bad.forEach((kase, bytes) -> {
            assertThat(byCase.get(kase).value()).as(kase).isEqualTo(bytes);
            assertThat(new String(byCase.get(kase).headers().lastHeader("vendstream-dlt-reason").value(),
                    StandardCharsets.UTF_8)).as(kase).isEqualTo("UNPROCESSABLE");
        });
        assertThat(output.getAll()).contains(wrongOrderId).doesNotContain(account, phone);
    }

    @Test
    void aVendRequestConsumedWhileTheStoreIsDownIsVendedOnceItIsBack(CapturedOutput output) throws Exception {
        String topic = Topics.VEND_REQUESTS.topic();
        String orderId = "outage-" + UUID.randomUUID();
        String account = "080" + digits(8);
        VendRequested request = request(orderId, account);
        parts.store.stop();
        try {
            RecordMetadata sent = send(topic, orderId, wire(topic, request));
            TopicPartition partition = new TopicPartition(topic, sent.partition());
            await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().lines()
                    .filter(l -> l.contains(request.getEnvelope().getEventId()) && l.contains("TRANSIENT")).count() >= 3
                    || committed(partition) > sent.offset());
            assertThat(committed(partition)).as("offset committed while the store was down")
                    .isLessThanOrEqualTo(sent.offset());
        } finally {
            parts.store.start();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> succeeded().contains(orderId));
        assertThat(succeeded()).filteredOn(orderId::equals).hasSize(1);
        assertThat(VendServiceKafkaTest.PROVIDER.vended).extracting(VendCommand::account).containsOnlyOnce(account);
        assertThat(withKeys(Topics.deadLetter(topic, "vend-service"), List.of(orderId))).isEmpty();
    }
}
