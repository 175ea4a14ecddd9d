package com.vendstream.order.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.OrderRejected;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import com.vendstream.order.OrderServiceApplication;
import com.vendstream.order.TestCheckoutKeys;
import com.vendstream.schemas.checkout.CheckoutSignatures;
import com.vendstream.schemas.checkout.CheckoutSignatures.SigningKey;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.wallet.WalletStore;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Checkout events on a real broker (invariant 6): a valid OrderPlaced becomes OrderAccepted and
 * VendRequested, an invalid one OrderRejected with a reason code, a repeated one nothing new, and an
 * undecodable record goes to the dead-letter topic with its cause without blocking the partition.
 */
@ExtendWith({StopPartsAfterSpring.class, OutputCaptureExtension.class})
@DirtiesContext
@SpringBootTest(classes = OrderServiceApplication.class,
        properties = {"spring.config.name=order-service", "vendstream.order.recovery-interval=PT1H",
                "vendstream.kafka.consumer.backoff-initial=PT0.2S", "vendstream.kafka.consumer.defect-attempts=1"})
class CheckoutIntakeKafkaTest {

    static EmbeddedParts parts;

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(6);
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "checkout");
        TestCheckoutKeys.register(props);
    }

    static OrderPlaced placed(String clientReference, String billerId, long amountMinor) {
        return placed(clientReference, OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId(billerId)
                .setAccount("08011111111").setAmount(new Money(amountMinor, "NGN")).build(), "demo-float-ngn");
    }

    static OrderPlaced placed(String clientReference, OrderLine line, String walletId) {
        String id = UUID.randomUUID().toString();
        Envelope e = Envelopes.create(UUID.randomUUID().toString(), OrderPlaced.class, id, Instant.now(),
                LocalDate.now(), "demo-merchant", "checkout", id, null);
        return OrderPlaced.newBuilder().setEnvelope(e).setClientReference(clientReference).setLine(line)
                .setPaymentMethod(PaymentMethod.WALLET).setWalletId(walletId).build();
    }

    private static OrderLine.Builder airtimeLine() {
        return OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount("08011111111")
                .setAmount(new Money(10_000L, "NGN"));
    }

    /** As the merchants' checkout systems publish: each event signed with its merchant's key. */
    private static KafkaProducer<String, Object> producer() {
        return TestCheckoutKeys.signingProducer(parts.avroProducerSettings());
    }

    private static KafkaConsumer<String, Object> orderEvents() {
        KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings());
        consumer.subscribe(List.of(Topics.ORDERS.topic(), Topics.VEND_REQUESTS.topic()));
        return consumer;
    }

    @Autowired
    WalletStore wallets;
    @Autowired
    OrderStore orders;
    @Autowired
    MeterRegistry meters;

    /** The Confluent wire bytes of an event, as a checkout system's serializer writes them. */
    static byte[] wire(SpecificRecord event) {
        try (ConfluentAvroSerializer serializer = new ConfluentAvroSerializer()) {
            serializer.configure(parts.avroProducerSettings(), false);
            return serializer.serialize(Topics.CHECKOUT_ORDERS.topic(), event);
        }
    }

    static OrderPlaced forMerchant(OrderPlaced event, String merchantId) {
        return OrderPlaced.newBuilder(event)
                .setEnvelope(Envelope.newBuilder(event.getEnvelope()).setMerchantId(merchantId).build()).build();
    }

    double refused(String cause) {
        return meters.get("vendstream.order.checkout.signature.refused").tag("cause", cause).counter().count();
    }

    /**
     * Issue 16 item 5: a merchant's checkout events are taken only when signed with that merchant's key (the current
     * or the next one). Unsigned, signed with another merchant's secret (under its key id or under this merchant's),
     * changed after signing (the merchant, the amount): each is dead-lettered as it was produced with the cause
     * {@code checkout-signature-invalid}, counted by cause, logged without its content, and never becomes an order,
     * while the signed ones on the same partition behind them are accepted.
     */
    @Test
    void onlyEventsSignedByTheirMerchantBecomeOrders(CapturedOutput output) throws Exception {
        String p = "signed-" + UUID.randomUUID() + "-";
        String topic = Topics.CHECKOUT_ORDERS.topic();
        String partitionKey = "signatures-" + UUID.randomUUID();
        double missingBefore = refused("missing");
        double unknownBefore = refused("unknown-key");
        double mismatchBefore = refused("mismatch");

        OrderPlaced unsigned = placed(p + "unsigned", "MTN", 10_000);
        OrderPlaced otherSecret = placed(p + "other-merchants-secret", "MTN", 10_000);
        OrderPlaced otherSecretOurId = placed(p + "other-secret-our-key-id", "MTN", 10_000);
        OrderPlaced movedMerchant = forMerchant(placed(p + "merchant-changed", "MTN", 10_000), "second-merchant");
        OrderPlaced raisedAmount = placed(p + "amount-changed", "MTN", 10_000);
        OrderPlaced current = placed(p + "current-key", "MTN", 10_000);
        OrderPlaced next = placed(p + "next-key", "MTN", 10_000);

        byte[] raisedAmountSigned = wire(raisedAmount);
        OrderPlaced raisedAfterSigning = OrderPlaced.newBuilder(raisedAmount)
                .setLine(OrderLine.newBuilder(raisedAmount.getLine()).setAmount(new Money(5_000_000L, "NGN")).build())
                .build();
        byte[] movedMerchantSigned = wire(movedMerchant);
        Map<String, ProducerRecord<String, byte[]>> refusedRecords =
                new java.util.LinkedHashMap<>();
        refusedRecords.put("missing", new ProducerRecord<>(topic, partitionKey,
                wire(unsigned)));
        refusedRecords.put("unknown-key", TestCheckoutKeys.signed(topic, partitionKey, wire(otherSecret),
                TestCheckoutKeys.SECOND));
        refusedRecords.put("mismatch", TestCheckoutKeys.signed(topic, partitionKey, wire(otherSecretOurId),
                new SigningKey(TestCheckoutKeys.DEMO.keyId(), TestCheckoutKeys.SECOND.secret())));
        // Signed by second-merchant for its own order, then relabelled as the demo merchant's (to spend its float).
        byte[] relabelled = wire(forMerchant(movedMerchant, "demo-merchant"));
        ProducerRecord<String, byte[]> moved =
                new ProducerRecord<>(topic, partitionKey, relabelled);
        CheckoutSignatures.addTo(moved.headers(), TestCheckoutKeys.SECOND, movedMerchantSigned);
        refusedRecords.put("merchant-changed", moved);
        // Signed for 100.00, then raised to 50,000.00 keeping the signature.
        ProducerRecord<String, byte[]> raised =
                new ProducerRecord<>(topic, partitionKey, wire(raisedAfterSigning));
        CheckoutSignatures.addTo(raised.headers(), TestCheckoutKeys.DEMO, raisedAmountSigned);
        refusedRecords.put("amount-changed", raised);

        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (var r : refusedRecords.values()) {
                raw.send(r).get();
            }
            raw.send(TestCheckoutKeys.signed(topic, partitionKey, wire(current), TestCheckoutKeys.DEMO)).get();
            raw.send(TestCheckoutKeys.signed(topic, partitionKey, wire(next), TestCheckoutKeys.DEMO_NEXT)).get();
        }

        // The signed ones, behind every refused record on the same partition, are accepted.
        await().atMost(Duration.ofSeconds(60)).until(() ->
                orders.findByClientReference("demo-merchant", current.getClientReference()).isPresent()
                        && orders.findByClientReference("demo-merchant", next.getClientReference()).isPresent());
        assertThat(orders.findByClientReference("demo-merchant", next.getClientReference()).orElseThrow().state())
                .isNotEqualTo(OrderState.REJECTED);

        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(parts.bytesConsumerSettings("signatures"))) {
            dlq.subscribe(List.of(Topics.deadLetter(topic, "order-service")));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (partitionKey.equals(r.key())) {
                        dead.add(r);
                    }
                });
                return dead.size() >= refusedRecords.size();
            });
        }
        assertThat(dead).hasSize(refusedRecords.size());
        List<byte[]> produced = refusedRecords.values().stream().map(r -> r.value()).toList();
        for (int i = 0; i < dead.size(); i++) {
            ConsumerRecord<String, byte[]> r = dead.get(i);
            assertThat(r.value()).as("dead letter %d is the record as produced", i).isEqualTo(produced.get(i));
            assertThat(new String(r.headers().lastHeader("vendstream-dlt-cause").value(), StandardCharsets.UTF_8))
                    .isEqualTo("checkout-signature-invalid");
            assertThat(new String(r.headers().lastHeader("vendstream-dlt-reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("UNPROCESSABLE");
            assertThat(new String(r.headers().lastHeader("kafka_dlt-exception-message").value(),
                    StandardCharsets.UTF_8)).contains("checkout-signature-invalid");
        }
        // Nothing refused became an order, under either merchant.
        for (OrderPlaced refused : List.of(unsigned, otherSecret, otherSecretOurId, movedMerchant, raisedAmount)) {
            for (String merchant : List.of("demo-merchant", "second-merchant")) {
                assertThat(orders.findByClientReference(merchant, refused.getClientReference()))
                        .as(refused.getClientReference()).isEmpty();
            }
        }
        assertThat(refused("missing") - missingBefore).isEqualTo(1);
        // Another merchant's key, and the merchant changed (the signer's key id is not the envelope merchant's).
        assertThat(refused("unknown-key") - unknownBefore).isEqualTo(2);
        // Another merchant's secret under our key id, and the amount changed after signing.
        assertThat(refused("mismatch") - mismatchBefore).isEqualTo(2);
        // Logged as the event's type and ids with the cause, never with the account it was for.
        assertThat(output.getAll()).contains("checkout-signature-invalid",
                otherSecretOurId.getEnvelope().getEventId()).doesNotContain("08011111111");
    }

    /** The consumer's schema-by-id requests as the registry counted them. */
    static long registryLookupsById() {
        return parts.registry.context().getBean(MeterRegistry.class).find("http.server.requests").timers().stream()
                .filter(t -> String.valueOf(t.getId().getTag("uri")).startsWith("/schemas/ids/"))
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
    }

    /**
     * A record its signature headers already refuse is not decoded, so whoever writes to the topic cannot make the
     * consumer fetch schema ids of their choosing: unsigned, with a signature not of the form {@code v1=<64 hex>},
     * or naming a key id no merchant has, each carrying a schema id the registry does not have, is dead-lettered as
     * produced with the cause {@code checkout-signature-invalid} and no registry lookup. A record sent after them,
     * with well-formed headers and a known key id, is decoded: its bogus schema id is looked up (the registry's
     * count shows lookups), and it fails as undecodable.
     */
    @Test
    void recordsWithoutUsableSignatureHeadersAreRefusedBeforeAnyRegistryLookup() throws Exception {
        String topic = Topics.CHECKOUT_ORDERS.topic();
        String partitionKey = "undecoded-" + UUID.randomUUID();
        // Magic byte 0, then schema ids the registry never issued, then a few bytes of "Avro".
        byte[] bogus = {0, 0x3f, 0x6e, 0x5d, 0x4c, 2, 4, 6};
        byte[] bogusSigned = {0, 0x3f, 0x6e, 0x5d, 0x4d, 2, 4, 6};
        double missingBefore = refused("missing");
        double malformedBefore = refused("malformed");
        double unknownBefore = refused("unknown-key");
        long lookupsBefore = registryLookupsById();

        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(topic, partitionKey, bogus));
        ProducerRecord<String, byte[]> malformed = new ProducerRecord<>(topic, partitionKey, bogus);
        malformed.headers().add(CheckoutSignatures.KEY_ID_HEADER,
                TestCheckoutKeys.DEMO.keyId().getBytes(StandardCharsets.UTF_8));
        malformed.headers().add(CheckoutSignatures.SIGNATURE_HEADER,
                "v1=not-a-signature".getBytes(StandardCharsets.UTF_8));
        records.add(malformed);
        records.add(TestCheckoutKeys.signed(topic, partitionKey, bogus,
                new SigningKey("nobody-2026-01", "a-secret-no-merchant-was-given-0001")));
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
             KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(parts.bytesConsumerSettings("undecoded"))) {
            dlq.subscribe(List.of(Topics.deadLetter(topic, "order-service")));
            for (var r : records) {
                raw.send(r).get();
            }
            awaitDeadLetters(dlq, partitionKey, dead, records.size());
            List<String> verdicts = List.of("missing", "malformed", "unknown-key");
            for (int i = 0; i < verdicts.size(); i++) {
                ConsumerRecord<String, byte[]> r = dead.get(i);
                assertThat(r.value()).as("dead letter %d is the record as produced", i).isEqualTo(bogus);
                assertThat(header(r, "vendstream-dlt-cause")).isEqualTo("checkout-signature-invalid");
                assertThat(header(r, "kafka_dlt-exception-message"))
                        .contains(verdicts.get(i) + " (merchant not decoded");
                assertThat(header(r, "kafka_dlt-exception-stacktrace")).doesNotContain("schema id");
            }
            // Each would have been looked up before it was dead-lettered.
            assertThat(registryLookupsById() - lookupsBefore).isZero();

            // The control: a record the headers let through is decoded, and its bogus id is looked up.
            raw.send(TestCheckoutKeys.signed(topic, partitionKey, bogusSigned, TestCheckoutKeys.DEMO)).get();
            awaitDeadLetters(dlq, partitionKey, dead, records.size() + 1);
        }
        assertThat(dead.get(3).value()).isEqualTo(bogusSigned);
        assertThat(header(dead.get(3), "kafka_dlt-exception-stacktrace"))
                .contains("Unknown schema id " + ByteBuffer.wrap(bogusSigned, 1, 4).getInt());
        await().atMost(Duration.ofSeconds(10)).until(() -> registryLookupsById() - lookupsBefore >= 1);
        assertThat(refused("missing") - missingBefore).isEqualTo(1);
        assertThat(refused("malformed") - malformedBefore).isEqualTo(1);
        assertThat(refused("unknown-key") - unknownBefore).isEqualTo(1);
    }

    private static void awaitDeadLetters(KafkaConsumer<String, byte[]> dlq, String key,
                                         List<ConsumerRecord<String, byte[]>> dead, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                if (key.equals(r.key())) {
                    dead.add(r);
                }
            });
            return dead.size() >= count;
        });
        assertThat(dead).hasSize(count);
    }

    /** The header's text; null when absent (so an assertion names what was missing). */
    private static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Issue 11 items 3, 25 and 26: a checkout event gets every check the HTTP API applies (one validation
     * for both intakes) and is refused with OrderRejected and a reason code, charging nothing.
     */
    @Test
    void checkoutEventsGetTheSameChecksAsTheHttpApiAndChargeNothingWhenRefused() throws Exception {
        String p = "v25-" + UUID.randomUUID() + "-";
        long ngnBefore = wallets.find("demo-float-ngn").orElseThrow().balanceMinor();
        long kesBefore = wallets.find("demo-float-kes").orElseThrow().balanceMinor();
        Map<OrderPlaced, String> expected = new java.util.LinkedHashMap<>();
        expected.put(placed(p + "negative-quantity", airtimeLine().setQuantity(-5).build(), "demo-float-ngn"),
                "INVALID_REQUEST");
        expected.put(placed(p + "long-account", airtimeLine().setAccount("0".repeat(10_000)).build(), "demo-float-ngn"),
                "INVALID_REQUEST");
        expected.put(placed(p + "long-phone", airtimeLine().setCustomerPhone("1".repeat(10_000)).build(),
                "demo-float-ngn"), "INVALID_REQUEST");
        expected.put(placed(p + "bidi", airtimeLine().setAccount("\u202E08011111111\uD83D\uDE00").build(),
                "demo-float-ngn"), "INVALID_REQUEST");
        expected.put(placed(p + "mongo-operator", airtimeLine().setAccount("$where").build(), "demo-float-ngn"),
                "INVALID_ACCOUNT");
        expected.put(placed(p + "luhn", OrderLine.newBuilder().setService(ServiceCategory.ELECTRICITY)
                .setBillerId("KPLC").setItemId("prepaid").setAccount("12345678912")
                .setAmount(new Money(50_000L, "KES")).build(), "demo-float-kes"), "INVALID_ACCOUNT");
        OrderPlaced longReference = placed(p + "x".repeat(10_000), airtimeLine().build(), "demo-float-ngn");
        try (KafkaProducer<String, Object> producer = producer()) {
            for (OrderPlaced event : expected.keySet()) {
                producer.send(new ProducerRecord<>(Topics.CHECKOUT_ORDERS.topic(), event.getEnvelope().getOrderId(),
                        event)).get();
            }
            producer.send(new ProducerRecord<>(Topics.CHECKOUT_ORDERS.topic(), longReference.getEnvelope().getOrderId(),
                    longReference)).get();
        }

        List<SpecificRecord> events = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = orderEvents()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add((SpecificRecord) r.value());
                }
                return events.stream().filter(e -> e instanceof OrderRejected r
                        && (r.getClientReference().startsWith(p) || r.getReasonMessage().contains("clientReference")))
                        .count() >= expected.size() + 1;
            });
        }
        Map<String, String> reasons = new java.util.HashMap<>();
        events.stream().filter(e -> e instanceof OrderRejected).map(e -> (OrderRejected) e)
                .forEach(r -> reasons.put(r.getClientReference(), r.getReasonCode().name()));
        expected.forEach((event, reason) -> assertThat(reasons.get(event.getClientReference()))
                .as(event.getClientReference().substring(p.length())).isEqualTo(reason));
        assertThat(events).filteredOn(e -> e instanceof OrderAccepted a && a.getClientReference().startsWith(p))
                .isEmpty();
        // The unusable reference is not stored; the order is kept (rejected) under one derived from the event.
        assertThat(events).filteredOn(e -> e instanceof OrderRejected r && r.getReasonMessage().contains("clientReference"))
                .extracting(e -> ((OrderRejected) e).getClientReference())
                .allSatisfy(reference -> assertThat(reference).hasSizeLessThanOrEqualTo(64)).hasSize(1);
        for (OrderPlaced event : expected.keySet()) {
            assertThat(orders.findByClientReference("demo-merchant", event.getClientReference()).orElseThrow().state())
                    .isEqualTo(OrderState.REJECTED);
        }
        assertThat(wallets.find("demo-float-ngn").orElseThrow().balanceMinor()).isEqualTo(ngnBefore);
        assertThat(wallets.find("demo-float-kes").orElseThrow().balanceMinor()).isEqualTo(kesBefore);
    }

    @Test
    void checkoutEventsAreAcceptedRejectedOrDeadLetteredAndNeverLost() throws Exception {
        OrderPlaced good = placed("good-1", "MTN", 10_000);
        OrderPlaced unknownBiller = placed("bad-1", "NOSUCH", 10_000);
        OrderPlaced tooSmall = placed("bad-2", "MTN", 1);
        try (KafkaProducer<String, Object> producer = producer();
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            String topic = Topics.CHECKOUT_ORDERS.topic();
            // Signed (the headers alone would refuse it undecoded otherwise), so it fails where bytes fail.
            raw.send(TestCheckoutKeys.signed(topic, "junk", new byte[] {0, 0, 0, 9, 9, 1, 2, 3},
                    TestCheckoutKeys.DEMO)).get();
            producer.send(new ProducerRecord<>(topic, good.getEnvelope().getOrderId(), good)).get();
            producer.send(new ProducerRecord<>(topic, good.getEnvelope().getOrderId(), good)).get();
            producer.send(new ProducerRecord<>(topic, unknownBiller.getEnvelope().getOrderId(), unknownBiller)).get();
            producer.send(new ProducerRecord<>(topic, tooSmall.getEnvelope().getOrderId(), tooSmall)).get();
        }

        List<SpecificRecord> events = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = orderEvents()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                    events.add((SpecificRecord) r.value());
                }
                return events.stream().filter(e -> e instanceof OrderAccepted a
                        && a.getClientReference().equals("good-1")).count() >= 1 && events.stream()
                        .filter(e -> e instanceof OrderRejected r && r.getClientReference().startsWith("bad-"))
                        .count() >= 2;
            });
            // Give a duplicate acceptance the chance to show up, if there were one.
            consumer.poll(Duration.ofSeconds(2)).forEach(r -> events.add((SpecificRecord) r.value()));
        }
        // Other tests of this class publish too: only this test's orders count here.
        List<OrderAccepted> accepted = events.stream().filter(e -> e instanceof OrderAccepted).map(e -> (OrderAccepted) e)
                .filter(a -> List.of("good-1", "bad-1", "bad-2").contains(a.getClientReference())).toList();
        assertThat(accepted).singleElement().satisfies(a -> assertThat(a.getClientReference()).isEqualTo("good-1"));
        String goodOrder = accepted.get(0).getEnvelope().getOrderId();
        assertThat(events).filteredOn(e -> e instanceof VendRequested v && v.getEnvelope().getOrderId().equals(goodOrder))
                .hasSize(1);
        assertThat(events).filteredOn(e -> e instanceof OrderRejected).extracting(e -> (OrderRejected) e)
                .filteredOn(r -> List.of("good-1", "bad-1", "bad-2").contains(r.getClientReference()))
                .extracting(r -> r.getClientReference() + ":" + r.getReasonCode())
                .containsExactlyInAnyOrder("bad-1:UNKNOWN_BILLER", "bad-2:AMOUNT_OUT_OF_RANGE");

        try (KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(parts.bytesConsumerSettings("dlq"))) {
            dlq.subscribe(List.of(Topics.deadLetter(Topics.CHECKOUT_ORDERS.topic(), "order-service")));
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            // Other tests of this class dead-letter records too: only this one's counts here.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if ("junk".equals(r.key())) {
                        dead.add(r);
                    }
                });
                return !dead.isEmpty();
            });
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).headers().lastHeader("kafka_dlt-exception-stacktrace").value(),
                    StandardCharsets.UTF_8)).contains("Unknown schema id");
            assertThat(dead.get(0).value()).containsExactly(0, 0, 0, 9, 9, 1, 2, 3);
        }
    }
}
