package com.vendstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OpsAction;
import com.vendstream.events.OpsAudit;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * The dead-letter desk on a real broker, the in-process registry and a restartable MongoDB wire store: dead
 * letters put on a dead-letter topic as service-kit's publisher puts them (the original bytes and headers plus
 * the {@code kafka_dlt-*} ones), listed decoded with personal data masked, counted, re-driven once to their
 * source topic as the same bytes and key, discarded with a reason, audited, and remembered across a store restart.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = OpsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ops-service", "vendstream.outbox.sweep-interval=PT0.5S",
                "vendstream.ops.login.guard-key=a test key of thirty-two characters or more",
                "vendstream.ops.dead-letters.max-scan=" + DeadLettersTest.MAX_SCAN})
class DeadLettersTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String SOURCE = Topics.CHECKOUT_ORDERS.topic();
    static final String DLQ = Topics.CHECKOUT_ORDERS.deadLetter("order-service");
    static final String PHONE = "2348031234567";
    static final String METER = "45061234567";
    /** Small, so a handled run longer than it is cheap to make. */
    static final int MAX_SCAN = 4;
    /** Re-driven to by the race tests: nothing in ops-service consumes it, so their bytes need not decode. */
    static final String RACED_SOURCE = Topics.ORDERS.topic();
    static final String RACED_DLQ = Topics.ORDERS.deadLetter("reconciliation-service");
    static final String LONG_DLQ = Topics.PAYMENTS.deadLetter("status-poller");

    static EmbeddedParts parts;

    @BeforeAll
    static void infrastructure() throws Exception {
        parts = EmbeddedParts.start(EmbeddedBroker.withServiceTopics(1), EmbeddedStore.restartable());
        createDeadLetterTopic(parts);
    }

    /** The dead-letter topic as service-kit creates it on the first dead letter. */
    static void createDeadLetterTopic(EmbeddedParts parts) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap()))) {
            admin.createTopics(Stream.of(DLQ, RACED_DLQ, LONG_DLQ)
                    .map(t -> new NewTopic(t, 1, (short) 1).configs(Topics.deadLetterConfigs())).toList()).all().get();
        }
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "deadletters" + EmbeddedStore.FAIL_FAST);
        Browser.users(props, PASSWORD, new String[][] {{"olu", "OPERATOR"}, {"fatima", "FINANCE"},
            {"reader", "READ_ONLY"}});
    }

    @LocalServerPort
    int port;

    @Autowired
    ReactiveMongoTemplate mongo;

    Browser login(String user) {
        Browser session = new Browser(port);
        assertThat(session.login(user, PASSWORD).status()).isEqualTo(200);
        return session;
    }

    @Test
    void deadLettersAreListedMaskedCountedRedrivenOnceAndDiscardedWithAReason() throws Exception {
        String orderId = UUID.randomUUID().toString();
        byte[] placed = wireFormat(placed(orderId));
        byte[] undecodable = "{\"order\":\"not avro\"}".getBytes(StandardCharsets.UTF_8);
        String otherOrder = UUID.randomUUID().toString();
        List<Long> offsets = deadLetter(
                new ProducerRecord<>(DLQ, null, orderId.getBytes(StandardCharsets.UTF_8), placed, dltHeaders(41)),
                new ProducerRecord<>(DLQ, null, "k-2".getBytes(StandardCharsets.UTF_8), undecodable, dltHeaders(42)),
                new ProducerRecord<>(DLQ, null, otherOrder.getBytes(StandardCharsets.UTF_8),
                        wireFormat(placed(otherOrder)), dltHeaders(43)));
        Browser olu = login("olu");

        // Counts: end minus start offsets, all waiting.
        assertThat(summary(olu)).containsEntry("total", 3).containsEntry("waiting", 3)
                .containsEntry("redriven", 0).containsEntry("discarded", 0)
                .containsEntry("sourceTopic", SOURCE).containsEntry("consumerGroup", "order-service");

        Browser.Response listing = olu.get("/ops/v1/dead-letters/" + DLQ + "?status=ALL");
        assertThat(listing.status()).isEqualTo(200);
        List<Map<String, Object>> entries = JsonPath.read(listing.body(), "$");
        assertThat(entries).hasSize(3);
        Map<String, Object> first = entries.get(0);
        assertThat(first).containsEntry("id", "0-" + offsets.get(0)).containsEntry("partition", 0)
                .containsEntry("key", orderId).containsEntry("sourceTopic", SOURCE).containsEntry("sourcePartition", 2)
                .containsEntry("sourceOffset", 41).containsEntry("eventType", "OrderPlaced")
                .containsEntry("status", "WAITING").containsEntry("disposition", null);
        assertThat(first.get("recordedAt")).isNotNull();
        assertThat(JsonPath.<String>read(listing.body(), "$[0].cause.exception"))
                .isEqualTo("java.lang.IllegalStateException");
        assertThat(JsonPath.<String>read(listing.body(), "$[0].cause.message")).isEqualTo("a defect in the handler");
        assertThat(JsonPath.<String>read(listing.body(), "$[0].event.envelope.orderId")).isEqualTo(orderId);
        assertThat(JsonPath.<String>read(listing.body(), "$[0].event.payerPhone")).isEqualTo("****4567");
        assertThat(JsonPath.<String>read(listing.body(), "$[0].event.line.account")).isEqualTo("****4567");
        assertThat(JsonPath.<Integer>read(listing.body(), "$[0].event.line.amount.amountMinor")).isEqualTo(500_000);
        // No customer's number anywhere in what a back-office user sees, nor the DLQ's stack trace.
        assertThat(listing.body()).doesNotContain(PHONE, METER, "at com.vendstream");
        // The poison itself: shown as bytes that do not decode, not a 500.
        assertThat(JsonPath.<Boolean>read(listing.body(), "$[1].event.undecodable")).isTrue();
        assertThat(JsonPath.<Integer>read(listing.body(), "$[1].event.size")).isEqualTo(undecodable.length);
        assertThat(JsonPath.<String>read(listing.body(), "$[1].event.firstBytes"))
                .isEqualTo("7b226f72646572223a226e6f74206176");
        assertThat(JsonPath.<String>read(listing.body(), "$[1].event.error")).contains("magic byte");
        assertThat(JsonPath.<String>read(listing.body(), "$[1].eventType")).isNull();

        // Re-drive: 200 with the record, then the source topic has the original bytes and key, and the record's
        // own headers without the dead-letter ones.
        String redrivePath = "/ops/v1/dead-letters/" + DLQ + "/0/" + offsets.get(0) + "/redrive";
        Browser.Response redriven = olu.change(HttpMethod.POST, redrivePath, null);
        assertThat(redriven.status()).isEqualTo(200);
        assertThat(redriven.json("$.status")).isEqualTo("REDRIVEN");
        assertThat(redriven.json("$.disposition.action")).isEqualTo("REDRIVEN");
        assertThat(redriven.json("$.disposition.by")).isEqualTo("olu");
        ConsumerRecord<byte[], byte[]> back = consumeFromSource(orderId);
        assertThat(back.value()).isEqualTo(placed);
        assertThat(new String(back.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo("00-trace-of-the-original");
        assertThat(back.headers())
                .noneMatch(h -> h.key().startsWith("kafka_dlt-") || h.key().startsWith("vendstream-dlt-"));

        // Twice is refused; the record was sent once.
        Browser.Response again = olu.change(HttpMethod.POST, redrivePath, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json("$.type")).isEqualTo("https://vendstream.dev/problems/already-handled");
        assertThat(copiesOnSource(SOURCE, orderId)).isEqualTo(1);

        // Discard needs a reason.
        String discardPath = "/ops/v1/dead-letters/" + DLQ + "/0/" + offsets.get(1) + "/discard";
        assertThat(olu.change(HttpMethod.POST, discardPath, "{}").status()).isEqualTo(400);
        assertThat(olu.change(HttpMethod.POST, discardPath, "{\"reason\":\"  \"}").status()).isEqualTo(400);
        assertThat(olu.change(HttpMethod.POST, discardPath, null).status()).isEqualTo(400);
        Browser.Response discarded = olu.change(HttpMethod.POST, discardPath,
                "{\"reason\":\"garbage from a test client, no order behind it\"}");
        assertThat(discarded.status()).isEqualTo(200);
        assertThat(discarded.json("$.status")).isEqualTo("DISCARDED");
        assertThat(discarded.json("$.disposition.reason")).isEqualTo("garbage from a test client, no order behind it");
        assertThat(olu.change(HttpMethod.POST, discardPath, "{\"reason\":\"again\"}").status()).isEqualTo(409);
        assertThat(olu.change(HttpMethod.POST, "/ops/v1/dead-letters/" + DLQ + "/0/" + offsets.get(0) + "/discard",
                "{\"reason\":\"after a re-drive\"}").status()).isEqualTo(409);

        assertThat(summary(olu)).containsEntry("total", 3).containsEntry("waiting", 1)
                .containsEntry("redriven", 1).containsEntry("discarded", 1);
        List<String> waiting = JsonPath.read(olu.get("/ops/v1/dead-letters/" + DLQ).body(), "$[*].key");
        assertThat(waiting).containsExactly(otherOrder);
        List<String> handled = JsonPath.read(olu.get("/ops/v1/dead-letters/" + DLQ + "?status=REDRIVEN").body(),
                "$[*].key");
        assertThat(handled).containsExactly(orderId);
        assertThat(JsonPath.<List<Object>>read(olu.get("/ops/v1/dead-letters/" + DLQ + "?status=ALL&limit=1").body(),
                "$")).hasSize(1);

        // Audited: subject <dlq>/<partition>/<offset>, the discard's reason, on the listing and on the topic
        // with the order and its merchant in the envelope.
        Browser.Response audit = olu.get("/ops/v1/audit?limit=500");
        assertThat(JsonPath.<List<Object>>read(audit.body(), "$[?(@.action == 'DEAD_LETTER_REDRIVEN' && @.subject == '"
                + DLQ + "/0/" + offsets.get(0) + "' && @.actor == 'olu')]")).hasSize(1);
        assertThat(JsonPath.<List<Object>>read(audit.body(), "$[?(@.action == 'DEAD_LETTER_DISCARDED' && @.subject == '"
                + DLQ + "/0/" + offsets.get(1) + "' && @.reason == 'garbage from a test client, no order behind it')]"))
                .hasSize(1);
        assertThat(audit.body()).doesNotContain(PHONE, METER);
        OpsAudit event = auditEvent(OpsAction.DEAD_LETTER_REDRIVEN, DLQ + "/0/" + offsets.get(0));
        assertThat(event.getEnvelope().getOrderId()).isEqualTo(orderId);
        assertThat(event.getEnvelope().getMerchantId()).isEqualTo("demo-merchant");
        assertThat(event.getDetails()).containsEntry("redrivenTo", SOURCE).containsEntry("eventType", "OrderPlaced");
        OpsAudit discard = auditEvent(OpsAction.DEAD_LETTER_DISCARDED, DLQ + "/0/" + offsets.get(1));
        assertThat(discard.getEnvelope().getOrderId()).isNull();
        assertThat(discard.getEnvelope().getMerchantId()).isEqualTo("*");

        // Dispositions are in the store, not in memory: still there after it restarted.
        parts.store.stop();
        parts.store.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(summary(olu))
                .containsEntry("waiting", 1).containsEntry("redriven", 1).containsEntry("discarded", 1));
        assertThat(olu.change(HttpMethod.POST, redrivePath, null).status()).isEqualTo(409);
        assertThat(copiesOnSource(SOURCE, orderId)).isEqualTo(1);
        List<Document> stored = Flux.from(mongo.getCollection("ops_dead_letters").block()
                .find(new Document("topic", DLQ))).collectList().block(Duration.ofSeconds(10));
        assertThat(stored).extracting(d -> d.getString("_id")).containsExactlyInAnyOrder(
                DLQ + "/0/" + offsets.get(0), DLQ + "/0/" + offsets.get(1));
    }

    @Test
    void racingRedrivesAndADiscardPutExactlyOneCopyOnTheSourceTopic() throws Exception {
        String key = "raced-" + UUID.randomUUID();
        long offset = deadLetter(new ProducerRecord<>(RACED_DLQ, null, key.getBytes(StandardCharsets.UTF_8),
                "poison".getBytes(StandardCharsets.UTF_8), dltHeaders(7))).get(0);
        String record = "/ops/v1/dead-letters/" + RACED_DLQ + "/0/" + offset;
        List<Browser> operators = Stream.generate(() -> login("olu")).limit(4).toList();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(operators.size());
        try {
            List<Future<Browser.Response>> answers = new ArrayList<>();
            for (int i = 0; i < operators.size(); i++) {
                Browser operator = operators.get(i);
                boolean discard = i == operators.size() - 1;
                answers.add(pool.submit(() -> {
                    start.await();
                    return discard ? operator.change(HttpMethod.POST, record + "/discard", "{\"reason\":\"racing\"}")
                            : operator.change(HttpMethod.POST, record + "/redrive", null);
                }));
            }
            start.countDown();
            List<Browser.Response> done = new ArrayList<>();
            for (Future<Browser.Response> answer : answers) {
                done.add(answer.get(60, TimeUnit.SECONDS));
            }
            // One wins, re-drive or discard; the others are refused before anything is sent.
            List<Browser.Response> won = done.stream().filter(r -> r.status() == 200).toList();
            assertThat(won).hasSize(1);
            assertThat(done).filteredOn(r -> r.status() != 200).extracting(Browser.Response::status)
                    .containsOnly(409);
            String status = won.get(0).json("$.status");
            assertThat(copiesOnSource(RACED_SOURCE, key)).isEqualTo(status.equals("REDRIVEN") ? 1 : 0);
            assertThat(JsonPath.<List<String>>read(operators.get(0).get("/ops/v1/dead-letters/" + RACED_DLQ
                    + "?status=ALL&limit=500").body(), "$[?(@.key == '" + key + "')].status")).containsExactly(status);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRedriveThatCrashedBeforeItsAckIsListedAsRedrivingAndMayBeRedrivenOnceItsClaimIsStale() throws Exception {
        String fresh = "claimed-" + UUID.randomUUID();
        String stale = "crashed-" + UUID.randomUUID();
        List<Long> offsets = deadLetter(
                new ProducerRecord<>(RACED_DLQ, null, fresh.getBytes(StandardCharsets.UTF_8),
                        "poison".getBytes(StandardCharsets.UTF_8), dltHeaders(8)),
                new ProducerRecord<>(RACED_DLQ, null, stale.getBytes(StandardCharsets.UTF_8),
                        "poison".getBytes(StandardCharsets.UTF_8), dltHeaders(9)));
        // What a re-drive that crashed between its claim and the broker's ack leaves: a REDRIVING claim.
        claimed(offsets.get(0), Instant.now());
        claimed(offsets.get(1), Instant.now().minus(Duration.ofMinutes(2)));
        Browser olu = login("olu");

        List<String> redriving = JsonPath.read(olu.get("/ops/v1/dead-letters/" + RACED_DLQ
                + "?status=REDRIVING&limit=500").body(), "$[*].key");
        assertThat(redriving).contains(fresh, stale);
        String path = "/ops/v1/dead-letters/" + RACED_DLQ + "/0/";
        // A claim of a minute or less may be a re-drive still under way: refused.
        assertThat(olu.change(HttpMethod.POST, path + offsets.get(0) + "/redrive", null).status()).isEqualTo(409);
        assertThat(olu.change(HttpMethod.POST, path + offsets.get(0) + "/discard", "{\"reason\":\"x\"}").status())
                .isEqualTo(409);
        Browser.Response retried = olu.change(HttpMethod.POST, path + offsets.get(1) + "/redrive", null);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json("$.status")).isEqualTo("REDRIVEN");
        assertThat(olu.change(HttpMethod.POST, path + offsets.get(1) + "/redrive", null).status()).isEqualTo(409);
        assertThat(copiesOnSource(RACED_SOURCE, stale)).isEqualTo(1);
        assertThat(copiesOnSource(RACED_SOURCE, fresh)).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void waitingDeadLettersBehindMoreHandledOnesThanMaxScanAreListedAndCounted() throws Exception {
        List<String> keys = Stream.generate(() -> "long-" + UUID.randomUUID()).limit(MAX_SCAN + 2).toList();
        List<Long> offsets = deadLetter(keys.stream().map(k -> new ProducerRecord<>(LONG_DLQ, null,
                k.getBytes(StandardCharsets.UTF_8), "poison".getBytes(StandardCharsets.UTF_8), dltHeaders(1)))
                .toArray(ProducerRecord[]::new));
        Browser olu = login("olu");
        for (long offset : offsets.subList(0, MAX_SCAN + 1)) {
            assertThat(olu.change(HttpMethod.POST, "/ops/v1/dead-letters/" + LONG_DLQ + "/0/" + offset + "/discard",
                    "{\"reason\":\"handled oldest first\"}").status()).isEqualTo(200);
        }
        List<String> waiting = JsonPath.read(olu.get("/ops/v1/dead-letters/" + LONG_DLQ).body(), "$[*].key");
        assertThat(waiting).containsExactly(keys.get(MAX_SCAN + 1));
        // The summary counts what the listing shows.
        Map<String, Object> summary = summary(olu, LONG_DLQ);
        assertThat(summary).containsEntry("total", MAX_SCAN + 2).containsEntry("waiting", 1)
                .containsEntry("discarded", MAX_SCAN + 1).containsEntry("redriving", 0);
    }

    @Test
    void readOnlyAndFinanceUsersListButMayNotAct() {
        for (String user : List.of("reader", "fatima")) {
            Browser session = login(user);
            assertThat(session.get("/ops/v1/dead-letters").status()).isEqualTo(200);
            assertThat(session.get("/ops/v1/dead-letters/" + DLQ + "?status=ALL").status()).isEqualTo(200);
            Browser.Response redrive = session.change(HttpMethod.POST, "/ops/v1/dead-letters/" + DLQ + "/0/0/redrive",
                    null);
            assertThat(redrive.status()).as(user).isEqualTo(403);
            assertThat(redrive.json("$.type")).isEqualTo("https://vendstream.dev/problems/forbidden");
            assertThat(session.change(HttpMethod.POST, "/ops/v1/dead-letters/" + DLQ + "/0/0/discard",
                    "{\"reason\":\"no\"}").status()).as(user).isEqualTo(403);
        }
        Browser olu = login("olu");
        // A change without the session's CSRF token is refused before anything else.
        assertThat(olu.send(HttpMethod.POST, "/ops/v1/dead-letters/" + DLQ + "/0/0/redrive", null, null).status())
                .isEqualTo(403);
        assertThat(new Browser(port).get("/ops/v1/dead-letters").status()).isEqualTo(401);
    }

    @Test
    void onlyTheCataloguesDeadLetterTopicsAndRealRecordsAreTakenUp() {
        Browser olu = login("olu");
        for (String path : List.of("/ops/v1/dead-letters/" + Topics.ORDERS.topic(),
                "/ops/v1/dead-letters/" + Topics.ORDERS.topic() + ".order-service.dlq",
                "/ops/v1/dead-letters/__consumer_offsets")) {
            Browser.Response refused = olu.get(path);
            assertThat(refused.status()).as(path).isEqualTo(400);
            assertThat(refused.json("$.type")).isEqualTo("https://vendstream.dev/problems/not-a-dead-letter-topic");
        }
        assertThat(olu.change(HttpMethod.POST, "/ops/v1/dead-letters/" + SOURCE + "/0/0/redrive", null).status())
                .isEqualTo(400);
        for (String query : List.of("?limit=0", "?limit=501", "?limit=x", "?status=LOST")) {
            assertThat(olu.get("/ops/v1/dead-letters/" + DLQ + query).status()).as(query).isEqualTo(400);
        }
        for (String record : List.of("/x/0", "/0/-1", "/-1/0", "/0/9x")) {
            assertThat(olu.change(HttpMethod.POST, "/ops/v1/dead-letters/" + DLQ + record + "/redrive", null).status())
                    .as(record).isEqualTo(400);
        }
        Browser.Response missing = olu.change(HttpMethod.POST, "/ops/v1/dead-letters/" + DLQ + "/0/99999/redrive",
                null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json("$.type")).isEqualTo("https://vendstream.dev/problems/no-such-record");
        assertThat(olu.change(HttpMethod.POST, "/ops/v1/dead-letters/" + DLQ + "/7/0/discard", "{\"reason\":\"x\"}")
                .status()).isEqualTo(404);
        // A dead-letter topic nothing was dead-lettered to yet is not created by looking; it counts zero.
        String unused = Topics.VEND_REQUESTS.deadLetter("vend-service");
        assertThat(olu.get("/ops/v1/dead-letters/" + unused).body()).isEqualTo("[]");
        assertThat(olu.change(HttpMethod.POST, "/ops/v1/dead-letters/" + unused + "/0/0/redrive", null).status())
                .isEqualTo(404);
        List<Map<String, Object>> all = JsonPath.read(olu.get("/ops/v1/dead-letters").body(), "$");
        assertThat(all).extracting(m -> m.get("topic")).containsExactlyElementsOf(Topics.deadLetterTopics());
        assertThat(all).filteredOn(m -> m.get("topic").equals(unused)).singleElement()
                .satisfies(m -> assertThat(m).containsEntry("total", 0).containsEntry("waiting", 0));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(unused);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> summary(Browser session) {
        return summary(session, DLQ);
    }

    private static Map<String, Object> summary(Browser session, String dlq) {
        Browser.Response all = session.get("/ops/v1/dead-letters");
        assertThat(all.status()).isEqualTo(200);
        List<Map<String, Object>> topics = JsonPath.read(all.body(), "$[?(@.topic == '" + dlq + "')]");
        assertThat(topics).hasSize(1);
        return topics.get(0);
    }

    static OrderPlaced placed(String orderId) {
        Envelope envelope = Envelopes.create(UUID.randomUUID().toString(), OrderPlaced.class, orderId, Instant.now(),
                LocalDate.now(), "demo-merchant", "checkout", orderId, null);
        OrderLine line = OrderLine.newBuilder().setService(ServiceCategory.ELECTRICITY).setBillerId("IKEDC")
                .setAccount(METER).setAmount(new Money(500_000L, "NGN")).build();
        return OrderPlaced.newBuilder().setEnvelope(envelope).setClientReference("ref-" + orderId).setLine(line)
                .setPaymentMethod(PaymentMethod.MOBILE_MONEY).setPayerPhone(PHONE).build();
    }

    /** The event as its producer wrote it: Confluent wire format, schema registered. */
    static byte[] wireFormat(OrderPlaced event) {
        return wireFormat(parts, event);
    }

    static byte[] wireFormat(EmbeddedParts parts, OrderPlaced event) {
        try (ConfluentAvroSerializer serializer = new ConfluentAvroSerializer()) {
            serializer.configure(Map.of("schema.registry.url", parts.registryUrl()), false);
            return serializer.serialize(SOURCE, event);
        }
    }

    /** The headers of the original record, and those service-kit's DeadLetters adds. */
    static RecordHeaders dltHeaders(long sourceOffset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-trace-of-the-original".getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, SOURCE.getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(2).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(sourceOffset).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP, "order-service".getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN,
                "java.lang.IllegalStateException".getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, "a defect in the handler".getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_EXCEPTION_STACKTRACE,
                "java.lang.IllegalStateException\n\tat com.vendstream.order.X".getBytes(StandardCharsets.UTF_8));
        headers.add("vendstream-dlt-reason", "DEFECT".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    @SafeVarargs
    static List<Long> deadLetter(ProducerRecord<byte[], byte[]>... records) throws Exception {
        return deadLetter(parts, records);
    }

    @SafeVarargs
    static List<Long> deadLetter(EmbeddedParts parts, ProducerRecord<byte[], byte[]>... records) throws Exception {
        List<Long> offsets = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                offsets.add(producer.send(record).get().offset());
            }
        }
        return offsets;
    }

    static ConsumerRecord<byte[], byte[]> consumeFromSource(String key) {
        return consumeFromSource(parts, key);
    }

    /** The one record of this key on the source topic (asserted to be one). */
    static ConsumerRecord<byte[], byte[]> consumeFromSource(EmbeddedParts parts, String key) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(SOURCE));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key)) {
                        found.add(r);
                    }
                });
                assertThat(found).isNotEmpty();
            });
            // Sent once: nothing more for this key after a while of polling.
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> {
                if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key)) {
                    found.add(r);
                }
            });
        }
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** A re-drive's claim stored as the desk stores it, as if its re-drive crashed before the broker's ack. */
    void claimed(long offset, Instant at) {
        String id = RACED_DLQ + "/0/" + offset;
        mongo.getCollection("ops_dead_letters").flatMap(c -> reactor.core.publisher.Mono.from(c.insertOne(
                new Document("_id", id).append("topic", RACED_DLQ).append("partition", 0).append("offset", offset)
                        .append("action", "REDRIVING").append("by", "olu").append("at", Date.from(at))
                        .append("reason", null)))).block(Duration.ofSeconds(10));
    }

    /** How many records with this key the source topic holds, read from its start to its end now. */
    static long copiesOnSource(String topic, String key) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long[] copies = {0};
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition())) && r.key() != null
                            && new String(r.key(), StandardCharsets.UTF_8).equals(key)) {
                        copies[0]++;
                    }
                });
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
            return copies[0];
        }
    }

    static OpsAudit auditEvent(OpsAction action, String subject) {
        List<OpsAudit> found = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            consumer.subscribe(List.of(Topics.OPS_AUDIT.topic()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() instanceof OpsAudit audit && audit.getAction() == action
                            && subject.equals(audit.getSubject())) {
                        found.add(audit);
                    }
                });
                assertThat(found).isNotEmpty();
            });
        }
        return found.get(0);
    }
}
