package com.vendstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import com.vendstream.ops.user.OpsUsers;
import com.vendstream.ops.vend.UnresolvedVendStore;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.guard.GuardMetrics;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.ScriptedConnector;
import com.vendstream.testkit.StopPartsAfterSpring;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;

/**
 * The live view on real parts: consumer lag and dead letters from the embedded KRaft broker's offsets (a real
 * consumer group that committed part of a topic), dead letters as the dead-letter desk counts them, provider health from a real HTTP server answering the Prometheus
 * text of a real meter registry whose guard's breaker opened (what a service's /actuator/prometheus shows), and a
 * service that does not answer shown as unreachable without failing the view.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = OpsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ops-service",
                "vendstream.ops.login.guard-key=a test key of thirty-two characters or more",
                "vendstream.ops.live.source-timeout=PT1S", "vendstream.ops.live.cache-for=PT2S"})
class LiveViewTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String OUTCOMES = Topics.VEND_OUTCOMES.topic();
    static final String DEAD_LETTERS = Topics.VEND_OUTCOMES.deadLetter("status-poller");

    static EmbeddedParts parts;
    /** Plays order-service's management port: the text a real registry scrapes, as a real HTTP server serves it. */
    static HttpServer orderService;
    static final AtomicInteger scrapes = new AtomicInteger();
    static PrometheusMeterRegistry serviceMeters;
    /** Held as the service holds its guard (a bean): Micrometer's gauges only keep weak references to breakers. */
    static GuardedConnectors guards;
    static int closedPort;

    @BeforeAll
    static void infrastructure() throws IOException {
        String[] topics = Stream.concat(Arrays.stream(Topics.values()).filter(t -> t != Topics.SCHEMAS)
                .map(Topics::topic), Stream.of(DEAD_LETTERS)).toArray(String[]::new);
        parts = EmbeddedParts.start(EmbeddedBroker.withTopics(2, topics), EmbeddedStore.restartable());

        serviceMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        guards = new GuardedConnectors(List.of(
                new ScriptedConnector("vtpass").onRequery((c, n) -> ScriptedConnector.serverError()),
                new ScriptedConnector("pagamio").onRequery((c, n) -> ScriptedConnector.timedOut())),
                new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(5), 50, 4),
                GuardMetrics.of(serviceMeters, "requery"));
        RequeryCommand requery = new RequeryCommand("r-1", ServiceType.AIRTIME, "MTN", null, null);
        for (int i = 0; i < 4; i++) {
            guards.requery("vtpass", requery);
        }
        for (int i = 0; i < 3; i++) {
            guards.requery("pagamio", requery);
        }
        Map<String, Integer> states = Map.of("VENDING", 3, "UNRESOLVED", 1, "COMPLETED", 40);
        states.forEach((state, n) -> Gauge.builder("vendstream.order.state", () -> n).tag("state", state)
                .register(serviceMeters));
        Gauge.builder("vendstream.order.stuck", () -> 2).tag("state", "VENDING").register(serviceMeters);

        orderService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        orderService.createContext("/actuator/prometheus", exchange -> {
            scrapes.incrementAndGet();
            byte[] body = serviceMeters.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        orderService.start();
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
    }

    @AfterAll
    static void stopService() {
        orderService.stop(0);
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "opslive" + EmbeddedStore.FAIL_FAST);
        props.add("vendstream.ops.users[0].username", () -> "reader");
        props.add("vendstream.ops.users[0].password-hash", () -> OpsUsers.hash(PASSWORD));
        props.add("vendstream.ops.users[0].roles", () -> "READ_ONLY");
        props.add("vendstream.ops.sources.order-service",
                () -> "http://127.0.0.1:" + orderService.getAddress().getPort());
        // Nothing listens there: the service is down.
        props.add("vendstream.ops.sources.vend-service", () -> "http://127.0.0.1:" + closedPort);
    }

    @LocalServerPort
    int port;

    @Autowired
    ReactiveMongoTemplate mongo;

    @Test
    void theLiveViewShowsOrdersProvidersLagAndDeadLettersFromTheirSources() {
        // status-poller's group read the outcomes topic's first partition up to offset 6 of 10, all 3 of the second.
        produce(OUTCOMES, 0, 10);
        produce(OUTCOMES, 1, 3);
        commitAsAGroupMember("status-poller", OUTCOMES, Map.of(0, 6L, 1, 3L));
        // Three dead letters waiting at the desk (none re-driven or discarded there).
        produce(DEAD_LETTERS, 0, 3);

        // The back office's queue: one vend waiting, one proposed, one settled, one resolution never escalated.
        mongo.getCollection(UnresolvedVendStore.COLLECTION).flatMap(c -> Mono.from(c.insertMany(List.of(
                new Document("_id", "o-open").append("escalated", true).append("state", "OPEN"),
                new Document("_id", "o-proposed").append("escalated", true).append("state", "PROPOSED"),
                new Document("_id", "o-settled").append("escalated", true).append("state", "SETTLED"),
                new Document("_id", "o-marker").append("escalated", false).append("state", "SETTLED")))))
                .block(Duration.ofSeconds(10));

        Browser reader = new Browser(port);
        assertThat(reader.get("/ops/v1/live").status()).as("anonymous").isEqualTo(401);
        assertThat(reader.login("reader", PASSWORD).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String view = reader.get("/ops/v1/live").body();
            assertThat(JsonPath.<List<Integer>>read(view, "$.lag[?(@.group=='status-poller' && @.topic=='"
                    + OUTCOMES + "')].lag")).containsExactly(4);
            assertThat(JsonPath.<Integer>read(view, "$.deadLetters")).isEqualTo(3);
            assertThat(JsonPath.<Integer>read(view, "$.unresolvedVends")).isEqualTo(2);
        });
        Browser.Response live = reader.get("/ops/v1/live");
        assertThat(live.status()).isEqualTo(200);
        String view = live.body();

        assertThat(JsonPath.<Map<String, String>>read(view, "$.sources")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "order-service", "ok", "vend-service", "unreachable", "kafka", "ok"));
        assertThat(JsonPath.<Integer>read(view, "$.orders.VENDING")).isEqualTo(3);
        assertThat(JsonPath.<Integer>read(view, "$.orders.COMPLETED")).isEqualTo(40);
        assertThat(JsonPath.<Integer>read(view, "$.orders.UNRESOLVED")).isEqualTo(1);
        assertThat(JsonPath.<Integer>read(view, "$.stuck.orders.VENDING")).isEqualTo(2);
        assertThat(JsonPath.<String>read(view, "$.at")).isNotBlank();

        // vtpass answered 5xx four times: its breaker opened at a 100 % failure rate.
        assertThat(JsonPath.<List<String>>read(view, "$.providers[?(@.provider=='vtpass')].breaker"))
                .containsExactly("OPEN");
        assertThat(JsonPath.<List<Double>>read(view, "$.providers[?(@.provider=='vtpass')].errorRate"))
                .containsExactly(1.0);
        assertThat(JsonPath.<List<Integer>>read(view, "$.providers[?(@.provider=='vtpass')].calls"))
                .containsExactly(4);
        assertThat(JsonPath.<List<String>>read(view, "$.providers[?(@.provider=='vtpass')].breakers[0].guard"))
                .containsExactly("requery");
        // pagamio answered (a requery's timeout is the transaction's, not the provider's): closed, with latencies,
        // and no rate before its breaker saw its minimum of calls.
        assertThat(JsonPath.<List<String>>read(view, "$.providers[?(@.provider=='pagamio')].breaker"))
                .containsExactly("CLOSED");
        assertThat(JsonPath.<List<Object>>read(view, "$.providers[?(@.provider=='pagamio')].errorRate"))
                .containsExactly((Object) null);
        assertThat(JsonPath.<List<Double>>read(view, "$.providers[?(@.provider=='pagamio')].latencyMs.p95"))
                .singleElement().satisfies(p95 -> assertThat(((Number) p95).doubleValue()).isGreaterThanOrEqualTo(0));

        // Groups that never committed are behind by everything the topic holds.
        assertThat(JsonPath.<List<Integer>>read(view, "$.lag[?(@.group=='order-service' && @.topic=='"
                + OUTCOMES + "')].lag")).containsExactly(13);
        assertThat(JsonPath.<List<String>>read(view, "$.lag[*].group")).contains("vend-service",
                "reconciliation-service");
    }

    @Test
    void consolesPollingTogetherCostTheSourcesOneRound() {
        Browser reader = new Browser(port);
        assertThat(reader.login("reader", PASSWORD).status()).isEqualTo(200);
        assertThat(reader.get("/ops/v1/live").status()).isEqualTo(200);
        int before = scrapes.get();
        String first = reader.get("/ops/v1/live").json("$.at");
        for (int i = 0; i < 4; i++) {
            reader.get("/ops/v1/live");
        }
        // Five views within the cache's two seconds: at most one more round (should the cache expire between them).
        assertThat(scrapes.get() - before).isLessThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !first.equals(reader.get("/ops/v1/live").json("$.at")));
    }

    private static void produce(String topic, int partition, int records) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "o-" + i, new byte[] {1}));
            }
            producer.flush();
        }
    }

    /** A member of {@code group} that reads the topic and commits these offsets, as a consumer that read part of it. */
    private static void commitAsAGroupMember(String group, String topic, Map<Integer, Long> offsets) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200));
                return !consumer.assignment().isEmpty();
            });
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            offsets.forEach((partition, offset) -> commit.put(new TopicPartition(topic, partition),
                    new OffsetAndMetadata(offset)));
            consumer.commitSync(commit);
        }
    }
}
