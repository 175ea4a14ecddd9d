package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import com.vendstream.kit.deadletter.Redrive;
import com.vendstream.order.checkout.CheckoutIntake;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.wallet.WalletStore;
import com.vendstream.schemas.contract.EventContracts;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.StopPartsAfterSpring;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What order-service's consumers do with records they cannot take (issue 12, item 5), on a real broker,
 * registry and store: records that can never be processed go to {@code <topic>.order-service.dlq} as
 * their original bytes with the cause in headers and the partition moves on; a store outage is waited out
 * however long it lasts and dead-letters nothing; a dead letter is re-driven once its cause is fixed; and
 * no failing consumer writes the customer's data to the log.
 */
@ExtendWith({StopPartsAfterSpring.class, OutputCaptureExtension.class})
@DirtiesContext
@SpringBootTest(classes = {OrderServiceApplication.class, ConsumerFailuresKafkaTest.Poison.class},
        properties = {"spring.config.name=order-service", "vendstream.order.recovery-interval=PT1H",
                "vendstream.kafka.consumer.backoff-initial=PT0.1S", "vendstream.kafka.consumer.backoff-max=PT1S",
                "vendstream.kafka.consumer.defect-attempts=3"})
class ConsumerFailuresKafkaTest {

    static EmbeddedParts parts;

    /** Client references whose checkout events fail in the intake until removed (a bug, then its fix). */
    static final Set<String> POISONED = ConcurrentHashMap.newKeySet();

    @TestConfiguration
    static class Poison {
        @Bean
        @Primary
        CheckoutIntake poisonedIntake(OrderPlacement placement) {
            return new CheckoutIntake(placement) {
                @Override
                public OrderPlacement.Result accept(OrderPlaced event) {
                    if (POISONED.contains(event.getClientReference())) {
                        throw new IllegalStateException("a bug in the intake for this order");
                    }
                    return super.accept(event);
                }
            };
        }
    }

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(EmbeddedBroker.withServiceTopics(6), EmbeddedStore.restartable());
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        // A short server selection: each attempt against a stopped store fails in a second, not thirty.
        parts.endpoints(props, "failures" + EmbeddedStore.FAIL_FAST);
        TestCheckoutKeys.register(props);
    }

    @Autowired
    WalletStore wallets;
    @Autowired
    MeterRegistry meters;
    @Autowired
    OrderStore orders;

    static String digits(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(ThreadLocalRandom.current().nextInt(10));
        }
        return out.toString();
    }

    static Envelope envelope(Class<?> type, String orderId) {
        return Envelopes.create(UUID.randomUUID().toString(), type, orderId, Instant.now(), LocalDate.now(),
                "demo-merchant", "checkout", orderId, null);
    }

    static OrderLine line(String account, String phone) {
        return OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount(account)
                .setCustomerPhone(phone).setAmount(new Money(10_000L, "NGN")).build();
    }

    static OrderPlaced placed(String clientReference, String account, String phone) {
        return OrderPlaced.newBuilder().setEnvelope(envelope(OrderPlaced.class, UUID.randomUUID().toString()))
                .setClientReference(clientReference).setLine(line(account, phone)).setPaymentMethod(PaymentMethod.WALLET)
                .setWalletId("demo-float-ngn").build();
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
            // Checkout events are signed by the merchant's checkout system; other topics carry no signature.
            return producer.send(topic.equals(Topics.CHECKOUT_ORDERS.topic()) && value != null
                    ? TestCheckoutKeys.signed(topic, key, value, TestCheckoutKeys.DEMO)
                    : new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static KafkaConsumer<String, byte[]> rawConsumer(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(parts.bytesConsumerSettings("test"));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Reads a topic until the records with the given keys are there, and returns them by key. */
    static Map<String, ConsumerRecord<String, byte[]>> awaitKeys(String topic, Set<String> keys, Duration atMost) {
        Map<String, ConsumerRecord<String, byte[]>> found = new ConcurrentHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = rawConsumer(topic)) {
            await().atMost(atMost).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key() != null && keys.contains(r.key())) {
                        found.put(r.key(), r);
                    }
                });
                return found.keySet().containsAll(keys);
            });
        }
        return found;
    }

    /**
     * The events order-service published for the order placed under a client reference: its OrderAccepted
     * (found by the reference) and everything else keyed by the order id it was given.
     */
    static List<SpecificRecord> orderEvents(String clientReference, Duration within) {
        List<ConsumerRecord<String, Object>> seen = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            consumer.subscribe(List.of(Topics.ORDERS.topic(), Topics.VEND_REQUESTS.topic()));
            await().atMost(within).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                String orderId = orderIdOf(seen, clientReference);
                return orderId != null && seen.stream().anyMatch(r -> r.value() instanceof VendRequested
                        && orderId.equals(r.key()));
            });
            // Long enough for a duplicate to show up behind them, if there were one.
            consumer.poll(Duration.ofSeconds(2)).forEach(seen::add);
        }
        String orderId = orderIdOf(seen, clientReference);
        return seen.stream().filter(r -> orderId.equals(r.key())).map(r -> (SpecificRecord) r.value()).toList();
    }

    private static String orderIdOf(List<ConsumerRecord<String, Object>> seen, String clientReference) {
        return seen.stream().filter(r -> r.value() instanceof OrderAccepted a
                        && a.getClientReference().equals(clientReference))
                .map(ConsumerRecord::key).findFirst().orElse(null);
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Item 5: a null value, valid Avro records of other types (one carrying a token), bytes that are not Avro
     * and an order the intake fails on every time, all on the checkout topic ahead of a good order on the same
     * partition, and a wrong-typed and a null record on another consumed topic. Each lands in its topic's
     * dead-letter topic as the bytes that were produced, with the cause and origin in headers; the good order
     * behind them is accepted; the metric counts them; and the log holds none of the customers' accounts,
     * phones, names or tokens.
     */
    @Test
    void recordsThatCanNeverBeProcessedAreDeadLetteredAsTheyWereAndTheRestFlows(CapturedOutput output)
            throws Exception {
        String checkout = Topics.CHECKOUT_ORDERS.topic();
        String resolutions = Topics.VEND_RESOLUTIONS.topic();
        String partitionKey = "same-partition-" + UUID.randomUUID();
        String account = "0803" + digits(7);
        String phone = "23480" + digits(8);
        String name = "Chiamaka Obi-" + digits(6);
        String poisonAccount = "0701" + digits(7);
        String poisonPhone = "23470" + digits(8);
        String token = digits(20);

        OrderAccepted wrongType = OrderAccepted.newBuilder()
                .setEnvelope(envelope(OrderAccepted.class, UUID.randomUUID().toString()))
                .setClientReference("wrong-type-" + UUID.randomUUID()).setLine(line(account, phone))
                .setPaymentMethod(PaymentMethod.WALLET).setWalletId("demo-float-ngn").setCustomerName(name).build();
        String poisonReference = "poison-" + UUID.randomUUID();
        POISONED.add(poisonReference);
        OrderPlaced poison = placed(poisonReference, poisonAccount, poisonPhone);
        OrderPlaced good = placed("good-" + UUID.randomUUID(), "08011111111", null);
        VendRequested wrongTypeElsewhere = VendRequested.newBuilder()
                .setEnvelope(envelope(VendRequested.class, UUID.randomUUID().toString()))
                .setLine(line(account, phone)).setCustomerName(name).build();

        byte[] wrongTypeBytes = wire(checkout, wrongType);
        // A vend outcome with its electricity token, where only orders belong.
        byte[] tokenBytes = wire(checkout, ApiTestSupport.succeeded(UUID.randomUUID().toString(),
                "ref-" + UUID.randomUUID(), 10_000L, token));
        byte[] junk = {0, 0, 0, 9, 9, 1, 2, 3};
        byte[] poisonBytes = wire(checkout, poison);
        byte[] elsewhereBytes = wire(resolutions, wrongTypeElsewhere);
        // One key for all of them: one partition, so the good order is behind every bad record.
        Map<String, byte[]> checkoutRecords = new java.util.LinkedHashMap<>();
        checkoutRecords.put("null", null);
        checkoutRecords.put("wrong-type", wrongTypeBytes);
        checkoutRecords.put("token", tokenBytes);
        checkoutRecords.put("junk", junk);
        checkoutRecords.put("poison", poisonBytes);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (Map.Entry<String, byte[]> r : checkoutRecords.entrySet()) {
                // Signed as the merchant's checkout system signs: each is refused for what it is, not its signature.
                ProducerRecord<String, byte[]> record = r.getValue() == null
                        ? new ProducerRecord<>(checkout, partitionKey, null)
                        : TestCheckoutKeys.signed(checkout, partitionKey, r.getValue(), TestCheckoutKeys.DEMO);
                record.headers().add("case", r.getKey().getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
            producer.send(TestCheckoutKeys.signed(checkout, partitionKey, wire(checkout, good), TestCheckoutKeys.DEMO))
                    .get();
            producer.send(new ProducerRecord<>(resolutions, "elsewhere-null-" + partitionKey, null)).get();
            producer.send(new ProducerRecord<>(resolutions, "elsewhere-wrong-" + partitionKey, elsewhereBytes)).get();
        }

        // The good order behind them all is accepted: the partition moved on.
        List<SpecificRecord> goodEvents = orderEvents(good.getClientReference(), Duration.ofSeconds(60));
        assertThat(goodEvents).filteredOn(e -> e instanceof OrderAccepted).hasSize(1);

        String checkoutDlq = Topics.deadLetter(checkout, "order-service");
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = rawConsumer(checkoutDlq)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (partitionKey.equals(r.key())) {
                        dead.add(r);
                    }
                });
                return dead.size() >= checkoutRecords.size();
            });
        }
        Map<String, ConsumerRecord<String, byte[]>> byCase = new java.util.HashMap<>();
        dead.forEach(r -> byCase.put(header(r, "case"), r));
        assertThat(byCase).containsOnlyKeys(checkoutRecords.keySet());
        checkoutRecords.forEach((kase, bytes) -> {
            ConsumerRecord<String, byte[]> r = byCase.get(kase);
            assertThat(r.value()).as(kase).isEqualTo(bytes);
            assertThat(header(r, "kafka_dlt-original-topic")).as(kase).isEqualTo(checkout);
            assertThat(header(r, "kafka_dlt-original-consumer-group")).as(kase).isEqualTo("order-service");
            assertThat(header(r, "kafka_dlt-exception-fqcn")).as(kase).isNotBlank();
            assertThat(header(r, "kafka_dlt-exception-stacktrace")).as(kase).isNotBlank()
                    .doesNotContain(account, phone, name, poisonAccount, poisonPhone, token);
        });
        // The published contract (docs/asyncapi.yaml, generated) documents every header a dead letter adds (the
        // original record's own headers, "case" and a signature, travel with it unchanged).
        dead.forEach(r -> assertThat(EventContracts.DEAD_LETTER_HEADERS.keySet()).as(header(r, "case"))
                .containsAll(Arrays.stream(r.headers().toArray()).map(Header::key)
                        .filter(k -> k.startsWith("kafka_dlt-") || k.startsWith("vendstream-dlt-")).toList()));
        assertThat(header(byCase.get("junk"), "kafka_dlt-exception-stacktrace")).contains("Unknown schema id");
        assertThat(header(byCase.get("wrong-type"), "vendstream-dlt-reason")).isEqualTo("UNPROCESSABLE");
        assertThat(header(byCase.get("token"), "vendstream-dlt-reason")).isEqualTo("UNPROCESSABLE");
        assertThat(header(byCase.get("null"), "vendstream-dlt-reason")).isEqualTo("UNPROCESSABLE");
        assertThat(header(byCase.get("poison"), "vendstream-dlt-reason")).isEqualTo("DEFECT");
        // Kept until a person re-drives or discards them, not for the broker's default week.
        assertThat(topicConfig(checkoutDlq, TopicConfig.RETENTION_MS_CONFIG)).isEqualTo("-1");
        assertThat(topicConfig(checkoutDlq, TopicConfig.RETENTION_BYTES_CONFIG)).isEqualTo("-1");
        assertThat(header(byCase.get("poison"), "kafka_dlt-exception-stacktrace"))
                .contains("a bug in the intake for this order");

        String resolutionsDlq = Topics.deadLetter(resolutions, "order-service");
        Map<String, ConsumerRecord<String, byte[]>> elsewhere = awaitKeys(resolutionsDlq,
                Set.of("elsewhere-null-" + partitionKey, "elsewhere-wrong-" + partitionKey), Duration.ofSeconds(30));
        assertThat(elsewhere.get("elsewhere-null-" + partitionKey).value()).isNull();
        assertThat(elsewhere.get("elsewhere-wrong-" + partitionKey).value()).isEqualTo(elsewhereBytes);
        assertThat(header(elsewhere.get("elsewhere-wrong-" + partitionKey), "kafka_dlt-original-topic"))
                .isEqualTo(resolutions);

        assertThat(meters.get("vendstream.kafka.dead_letters").tag("topic", checkout).tag("dlq", checkoutDlq)
                .counters()).extracting(c -> c.count()).asList().isNotEmpty();
        assertThat(meters.get("vendstream.kafka.dead_letters").tag("dlq", checkoutDlq).counters().stream()
                .mapToDouble(c -> c.count()).sum()).isGreaterThanOrEqualTo(checkoutRecords.size());
        assertThat(meters.get("vendstream.kafka.dead_letters").tag("dlq", resolutionsDlq).counters().stream()
                .mapToDouble(c -> c.count()).sum()).isGreaterThanOrEqualTo(2);

        // The failures were logged with the event's type and ids (so an empty capture cannot pass) ...
        assertThat(output.getAll()).contains("OrderPlaced[eventId=" + poison.getEnvelope().getEventId(),
                poison.getEnvelope().getOrderId(), wrongType.getEnvelope().getOrderId());
        // ... and never with what the customers typed.
        assertThat(output.getAll()).doesNotContain(account, phone, name, poisonAccount, poisonPhone, token);
    }

    /**
     * Item 5: the store is down while an order is consumed and comes back a while later. The intake keeps
     * trying the same record without committing past it; once the store answers the order is accepted and
     * charged exactly once, and nothing was dead-lettered.
     */
    @Test
    void aStoreOutageIsWaitedOutAndTheOrderIsTakenExactlyOnce(CapturedOutput output) throws Exception {
        long before = wallets.find("demo-float-ngn").orElseThrow().balanceMinor();
        OrderPlaced order = placed("outage-" + UUID.randomUUID(), "08011111111", null);
        String key = order.getEnvelope().getOrderId();
        String checkout = Topics.CHECKOUT_ORDERS.topic();
        parts.store.stop();
        try {
            RecordMetadata sent = send(checkout, key, wire(checkout, order));
            TopicPartition partition = new TopicPartition(checkout, sent.partition());
            // Several failed attempts, or (what used to happen) the consumer gave up and moved past the record.
            await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().lines()
                    .filter(l -> l.contains(order.getEnvelope().getEventId()) && l.contains("TRANSIENT")).count() >= 3
                    || committed(partition) > sent.offset());
            assertThat(committed(partition)).as("offset committed while the store was down")
                    .isLessThanOrEqualTo(sent.offset());
        } finally {
            parts.store.start();
        }
        List<SpecificRecord> events = orderEvents(order.getClientReference(), Duration.ofSeconds(90));
        assertThat(events).filteredOn(e -> e instanceof OrderAccepted).hasSize(1);
        assertThat(events).filteredOn(e -> e instanceof VendRequested).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(wallets.find("demo-float-ngn").orElseThrow().balanceMinor())
                        .isEqualTo(before - 10_000L));
        assertThat(withKey(Topics.deadLetter(checkout, "order-service"), key)).isEmpty();
    }

    /** Places an order through a checkout event and returns its id once it is VENDING (VendRequested out). */
    private String vendingOrder(String reference) throws Exception {
        String checkout = Topics.CHECKOUT_ORDERS.topic();
        OrderPlaced order = placed(reference, "08011111111", null);
        send(checkout, order.getEnvelope().getOrderId(), wire(checkout, order));
        return orderEvents(reference, Duration.ofSeconds(60)).stream().filter(e -> e instanceof OrderAccepted)
                .map(e -> ((OrderAccepted) e).getEnvelope().getOrderId()).findFirst().orElseThrow();
    }

    /**
     * Issue 13, item 3: vend outcomes are consumed a batch at a time, with the same failure handling. On one
     * partition, a null, an event the outcomes topic does not carry and bytes that are not Avro sit between an
     * order's VendPending and its VendSucceeded: each is dead-lettered with its cause, and both outcomes are
     * folded, in order (the order went through VEND_PENDING and completed once).
     */
    @Test
    void anOutcomeBatchDeadLettersWhatCanNeverBeFoldedAndFoldsTheRestInOrder() throws Exception {
        String outcomes = Topics.VEND_OUTCOMES.topic();
        String reference = "batch-poison-" + UUID.randomUUID();
        String orderId = vendingOrder(reference);
        Map<String, byte[]> poison = new java.util.LinkedHashMap<>();
        poison.put("null", null);
        poison.put("wrong-type", wire(outcomes, placed("elsewhere-" + UUID.randomUUID(), "08011111111", null)));
        poison.put("junk", new byte[] {0, 0, 0, 9, 9, 1, 2, 3});
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(outcomes, orderId,
                    wire(outcomes, ApiTestSupport.pending(orderId, "r1", 10_000L)))).get();
            for (Map.Entry<String, byte[]> r : poison.entrySet()) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(outcomes, orderId, r.getValue());
                record.headers().add("case", r.getKey().getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.send(new ProducerRecord<>(outcomes, orderId,
                    wire(outcomes, ApiTestSupport.succeeded(orderId, "r1", 10_000L, "1234")))).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> orders.find(orderId).orElseThrow().state()
                == OrderState.COMPLETED);
        assertThat(orders.enteredAt(orderId, OrderState.VEND_PENDING)).isNotNull();
        List<ConsumerRecord<String, byte[]>> dead = withKey(Topics.deadLetter(outcomes, "order-service"), orderId);
        assertThat(dead).extracting(r -> header(r, "case")).containsExactlyElementsOf(poison.keySet());
        dead.forEach(r -> {
            assertThat(r.value()).isEqualTo(poison.get(header(r, "case")));
            assertThat(header(r, "vendstream-dlt-reason")).isEqualTo("UNPROCESSABLE");
            assertThat(header(r, "kafka_dlt-original-topic")).isEqualTo(outcomes);
            assertThat(header(r, "kafka_dlt-exception-stacktrace")).isNotBlank();
        });
        assertThat(orderEvents(reference, Duration.ofSeconds(30))).filteredOn(e -> e instanceof OrderCompleted)
                .hasSize(1);
    }

    /**
     * Issue 13, item 3: the store is down while a batch of outcomes is consumed. The batch is tried again
     * without its offsets being committed and nothing is dead-lettered; once the store is back the outcome is
     * folded, once.
     */
    @Test
    void aStoreOutageUnderAnOutcomeBatchIsWaitedOutAndTheOutcomeFoldedOnce(CapturedOutput output) throws Exception {
        String outcomes = Topics.VEND_OUTCOMES.topic();
        String reference = "batch-outage-" + UUID.randomUUID();
        String orderId = vendingOrder(reference);
        SpecificRecord success = ApiTestSupport.succeeded(orderId, "r1", 10_000L, "1234");
        String eventId = com.vendstream.kit.events.Events.envelope(success).getEventId();
        parts.store.stop();
        try {
            RecordMetadata sent = send(outcomes, orderId, wire(outcomes, success));
            TopicPartition partition = new TopicPartition(outcomes, sent.partition());
            await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().lines()
                    .filter(l -> l.contains(eventId) && l.contains("TRANSIENT")).count() >= 3
                    || committed(partition) > sent.offset());
            assertThat(committed(partition)).as("offset committed while the store was down")
                    .isLessThanOrEqualTo(sent.offset());
        } finally {
            parts.store.start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> orders.find(orderId).orElseThrow().state()
                == OrderState.COMPLETED);
        assertThat(withKey(Topics.deadLetter(outcomes, "order-service"), orderId)).isEmpty();
        assertThat(orderEvents(reference, Duration.ofSeconds(30))).filteredOn(e -> e instanceof OrderCompleted)
                .hasSize(1);
    }

    /**
     * Item 5: a record dead-lettered for a bug is re-driven once the bug is fixed, and processed; the re-drive
     * commits its offsets, so running it again does not send the record twice. A dry run sends nothing.
     */
    @Test
    void aDeadLetterIsReDrivenOnceItsCauseIsFixed() throws Exception {
        String checkout = Topics.CHECKOUT_ORDERS.topic();
        String dlq = Topics.deadLetter(checkout, "order-service");
        String reference = "redrive-" + UUID.randomUUID();
        POISONED.add(reference);
        OrderPlaced order = placed(reference, "08011111111", null);
        String key = order.getEnvelope().getOrderId();
        byte[] bytes = wire(checkout, order);
        send(checkout, key, bytes);
        await().atMost(Duration.ofSeconds(60)).until(() -> !withKey(dlq, key).isEmpty());

        POISONED.remove(reference);
        String[] args = {dlq, "--bootstrap-servers", parts.bootstrap()};
        java.io.ByteArrayOutputStream dry = new java.io.ByteArrayOutputStream();
        assertThat(Redrive.run(append(args, "--dry-run"), new java.io.PrintStream(dry, true), System.err)).isZero();
        assertThat(dry.toString()).contains("would re-drive " + dlq, "(key " + key + ", ", "DEFECT) to " + checkout);

        java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
        assertThat(Redrive.run(args, new java.io.PrintStream(first, true), System.err)).isZero();
        assertThat(first.toString()).contains("re-drove " + dlq, "(key " + key + ", ");
        List<SpecificRecord> events = orderEvents(reference, Duration.ofSeconds(60));
        assertThat(events).filteredOn(e -> e instanceof OrderAccepted).hasSize(1);

        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        assertThat(Redrive.run(args, new java.io.PrintStream(again, true), System.err)).isZero();
        assertThat(again.toString()).doesNotContain("(key " + key + ", ");
        // The record went back as it was produced, without the dead-letter headers.
        List<ConsumerRecord<String, byte[]>> onCheckout = withKey(checkout, key);
        assertThat(onCheckout).hasSize(2);
        assertThat(onCheckout.get(1).value()).isEqualTo(onCheckout.get(0).value()).isEqualTo(bytes);
        assertThat(onCheckout.get(1).headers()).noneMatch(h -> h.key().startsWith("kafka_dlt-")
                || h.key().startsWith("vendstream-dlt-"));
    }

    private static String[] append(String[] args, String more) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    static String topicConfig(String topic, String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
        }
    }

    static long committed(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets("order-service").partitionsToOffsetAndMetadata()
                    .get().get(partition);
            return offset == null ? -1 : offset.offset();
        }
    }

    /** The records with this key in a topic, read to its end. */
    static List<ConsumerRecord<String, byte[]>> withKey(String topic, String key) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = rawConsumer(topic)) {
            for (int emptyPolls = 0; emptyPolls < 5; ) {
                var records = consumer.poll(Duration.ofMillis(300));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }
}
