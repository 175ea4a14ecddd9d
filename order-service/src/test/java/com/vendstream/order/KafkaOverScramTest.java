package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.deadletter.BinderClients;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.LocalRegistry;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 16: order-service on a cluster that takes SCRAM-SHA-512 only (Strimzi's KafkaUser), given nothing but
 * the SCRAM listener and vendstream.kafka.security.protocol / sasl.*: it consumes checkout events, publishes
 * through its outbox and dead-letters a poison record, all over SCRAM, and the schema registry keeps its log there
 * too. With a wrong password it does not get in. The test's own clients use the broker's PLAINTEXT listener.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = OrderServiceApplication.class,
        properties = {"spring.config.name=order-service", "vendstream.order.recovery-interval=PT1H",
                "vendstream.kafka.consumer.backoff-initial=PT0.2S", "vendstream.kafka.consumer.defect-attempts=1"})
class KafkaOverScramTest {

    static final String USER = "order-service";
    static final String PASSWORD = "scram-" + UUID.randomUUID();
    static final String BOOTSTRAP = "vendstream.kafka.bootstrap-servers";

    static EmbeddedBroker broker;
    static EmbeddedParts parts;

    static Map<String, String> scram(String user, String password) {
        return Map.of("vendstream.kafka.security.protocol", "SASL_PLAINTEXT",
                "vendstream.kafka.sasl.mechanism", "SCRAM-SHA-512",
                "vendstream.kafka.sasl.username", user, "vendstream.kafka.sasl.password", password);
    }

    @BeforeAll
    static void infrastructure() {
        broker = EmbeddedBroker.withScramListener(6);
        broker.addScramUser(USER, PASSWORD);
        String registryPassword = "registry-" + UUID.randomUUID();
        broker.addScramUser("schema-registry", registryPassword);
        parts = EmbeddedParts.start(broker, EmbeddedStore.inMemory(),
                LocalRegistry.start(broker.scramBootstrap(), scram("schema-registry", registryPassword)));
    }

    /** The service's settings: its parts, the SCRAM listener as the only bootstrap, and how to log in there. */
    static Map<String, String> settings(String database, String password) {
        Map<String, String> settings = new LinkedHashMap<>(parts.endpoints(database));
        settings.put(BOOTSTRAP, broker.scramBootstrap());
        settings.putAll(scram(USER, password));
        return settings;
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        settings("scram", PASSWORD).forEach((name, value) -> props.add(name, () -> value));
    }

    @Autowired
    Environment environment;

    static OrderPlaced placed(String clientReference) {
        String id = UUID.randomUUID().toString();
        Envelope e = Envelopes.create(UUID.randomUUID().toString(), OrderPlaced.class, id, Instant.now(),
                LocalDate.now(), "demo-merchant", "checkout", id, null);
        OrderLine line = OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId("MTN")
                .setAccount("08011111111").setAmount(new Money(10_000L, "NGN")).build();
        return OrderPlaced.newBuilder().setEnvelope(e).setClientReference(clientReference).setLine(line)
                .setPaymentMethod(PaymentMethod.WALLET).setWalletId("demo-float-ngn").build();
    }

    @Test
    void consumesPublishesThroughTheOutboxAndDeadLettersOverScram() throws Exception {
        assertThat(environment.getProperty(BOOTSTRAP)).isEqualTo(broker.scramBootstrap())
                .isNotEqualTo(broker.bootstrap());
        String reference = "scram-" + UUID.randomUUID();
        String poisonKey = "poison-" + UUID.randomUUID();
        OrderPlaced order = placed(reference);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(parts.avroProducerSettings())) {
            producer.send(new ProducerRecord<>(Topics.CHECKOUT_ORDERS.topic(), order.getEnvelope().getOrderId(),
                    order)).get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(Topics.CHECKOUT_ORDERS.topic(), poisonKey,
                    "not an event".getBytes(StandardCharsets.UTF_8))).get();
        }

        // Consumed (binder consumer) and answered through the outbox (binder producer), over SCRAM.
        List<Object> events = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            consumer.subscribe(List.of(Topics.ORDERS.topic()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
                return events.stream().anyMatch(e -> e instanceof OrderAccepted a
                        && a.getClientReference().equals(reference));
            });
        }
        // Dead-lettered by service-kit's own producer, over SCRAM.
        String deadLetters = Topics.deadLetter(Topics.CHECKOUT_ORDERS.topic(), "order-service");
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(parts.bytesConsumerSettings("scram"))) {
            consumer.subscribe(List.of(deadLetters));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> poisonKey.equals(r.key()));
            });
        }
        assertThat(dead.stream().filter(r -> poisonKey.equals(r.key())).findFirst().orElseThrow().value())
                .asString(StandardCharsets.UTF_8).isEqualTo("not an event");
    }

    /**
     * The same service with a wrong password starts (the binder retries a broker it cannot reach) but gets nowhere:
     * the broker refuses the client settings it connects with (service-kit's BinderClients, from which its
     * dead-letter producer is made), which with the right password reach the cluster.
     */
    @Test
    void aWrongPasswordDoesNotGetIn() throws Exception {
        SpringApplication app = new SpringApplication(OrderServiceApplication.class);
        Map<String, String> settings = settings("scram-wrong", "not-" + PASSWORD);
        settings.put("spring.config.name", OrderServiceApplication.CONFIG_NAME);
        settings.put("server.port", "0");
        settings.put("vendstream.order.recovery-interval", "PT1H");
        // Its own group: the service above keeps the partitions of order-service.
        settings.put("spring.cloud.stream.bindings.checkout-in-0.group", "order-service-wrong-password");

        assertThat(clusterId(environment)).isNotBlank();
        try (ConfigurableApplicationContext wrong = app.run(settings.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new))) {
            assertThatThrownBy(() -> clusterId(wrong.getEnvironment()))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                    .rootCause().hasMessageContaining("SCRAM-SHA-512");
        }
    }

    /** The cluster's id, asked with the service's own client settings. */
    static String clusterId(Environment environment) throws Exception {
        Map<String, Object> config = new LinkedHashMap<>(BinderClients.from(environment,
                new DefaultListableBeanFactory().getBeanProvider(KafkaConnectionDetails.class)).admin());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        try (Admin admin = Admin.create(config)) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }
}
