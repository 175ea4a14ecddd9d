package com.vendstream.vend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.ScriptedConnector;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * vend-service on a real broker: batch intake vends different orders in parallel, a redelivered
 * request does not vend twice, and an undecodable record is dead-lettered with its cause while the
 * partition moves on. The provider is a slow test double that counts calls.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = {VendServiceApplication.class, VendServiceKafkaTest.Provider.class},
        properties = {"spring.config.name=vend-service", "vendstream.kafka.consumer.backoff-initial=PT0.2S",
                "vendstream.kafka.consumer.defect-attempts=2"})
class VendServiceKafkaTest {

    static EmbeddedParts parts;
    static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();
    /** Answers success after 300 ms and records how many vends were in flight at once. */
    static final ScriptedConnector PROVIDER = new ScriptedConnector("vtpass").onVend((command, call) -> {
        MAX_IN_FLIGHT.accumulateAndGet(IN_FLIGHT.incrementAndGet(), Math::max);
        try {
            // A provider's latency, not test synchronisation.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        } finally {
            IN_FLIGHT.decrementAndGet();
        }
        return new VendOutcome.Succeeded("000", "tx", "1234", "5 kWh", List.of(), Map.of(), null);
    });

    @TestConfiguration
    static class Provider {
        @Bean
        VendConnector slowProvider() {
            return PROVIDER;
        }
    }

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(6);
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "vend");
    }

    static VendRequested request(String orderId, String account) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendRequested", null), VendRequested.class, orderId,
                Instant.now(), LocalDate.now(), "m1", "order-service", orderId, null);
        return VendRequested.newBuilder().setEnvelope(e).setLine(OrderLine.newBuilder()
                .setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount(account)
                .setAmount(new Money(50_000L, "NGN")).build()).build();
    }

    @Test
    void vendsOncePerOrderInParallelAndDeadLettersWhatCannotBeRead() throws Exception {
        List<String> orders = new ArrayList<>();
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(parts.avroProducerSettings());
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            raw.send(new ProducerRecord<>(Topics.VEND_REQUESTS.topic(), "garbage-order",
                    "this is not Avro".getBytes(StandardCharsets.UTF_8))).get();
            for (int i = 0; i < 24; i++) {
                String orderId = "order-" + i;
                orders.add(orderId);
                producer.send(new ProducerRecord<>(Topics.VEND_REQUESTS.topic(), orderId,
                        request(orderId, "080" + String.format("%08d", i)))).get();
            }
            // A redelivered request for an order already sent.
            producer.send(new ProducerRecord<>(Topics.VEND_REQUESTS.topic(), "order-0",
                    request("order-0", "08000000000"))).get();
        }

        // A repeated request for a settled attempt gets its kept outcome again, the same event (same id), so
        // an order whose outcome was lost downstream is settled; what must hold is one outcome per order.
        Map<String, Set<String>> succeeded = new ConcurrentHashMap<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            consumer.subscribe(List.of(Topics.VEND_OUTCOMES.topic()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() instanceof VendSucceeded s) {
                        succeeded.computeIfAbsent(s.getEnvelope().getOrderId(), o -> new HashSet<>())
                                .add(s.getEnvelope().getEventId());
                    }
                }
                return succeeded.size() >= orders.size();
            });
        }
        assertThat(succeeded.keySet()).containsExactlyInAnyOrderElementsOf(orders);
        assertThat(succeeded.values()).as("one VendSucceeded event id per order").allSatisfy(ids -> assertThat(ids).hasSize(1));
        assertThat(PROVIDER.vended).extracting(VendCommand::account).as("one vend per account").doesNotHaveDuplicates();
        assertThat(MAX_IN_FLIGHT.get()).as("vends in flight at once").isGreaterThan(1);

        try (KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(parts.bytesConsumerSettings("dlq"))) {
            dlq.subscribe(List.of(Topics.deadLetter(Topics.VEND_REQUESTS.topic(), "vend-service")));
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
                return !dead.isEmpty();
            });
            ConsumerRecord<String, byte[]> record = dead.get(0);
            assertThat(record.key()).isEqualTo("garbage-order");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("this is not Avro");
            assertThat(record.headers().lastHeader("kafka_dlt-exception-message")).isNotNull();
            assertThat(new String(record.headers().lastHeader("kafka_dlt-original-topic").value(), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.VEND_REQUESTS.topic());
        }
    }
}
