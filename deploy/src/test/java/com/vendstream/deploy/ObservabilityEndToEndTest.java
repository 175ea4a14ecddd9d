package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16, observability, on the whole system on real parts (embedded KRaft broker, in-process registry, the
 * MongoDB stand-in, the provider sandbox over HTTP), with JSON logs on and the tests' span capture: one order's trace
 * from POST /v1/orders through the outbox and the Kafka headers to vend-service's consumer span and its provider
 * call; the provider, breaker and dead-letter series on /actuator/prometheus; the JSON log lines carrying the trace
 * and none of the order's personal data; and every metric the alert rules and the dashboard name is exported.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityEndToEndTest {

    private static final String METER = "1111111111111";
    private static final String PHONE = "08011111111";
    private static final String JSON_LOGS = "logging.structured.format.console";
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

    private RealParts system;
    private String orderId;
    private String token;
    private String traceId;

    @BeforeAll
    void placeAnOrder() throws Exception {
        // One JVM hosts every context, and its logging is set up once, by the first: JSON logs for this stack, as a
        // process-wide setting, and a fresh set-up before and after it.
        LoggingSystem.get(getClass().getClassLoader()).cleanUp();
        System.setProperty(JSON_LOGS, "ecs");
        try {
            system = new RealParts(Map.of(SpanCapture.SETTING, "true"));
        } finally {
            System.clearProperty(JSON_LOGS);
        }
        orderId = system.place(Map.of("clientReference", "obs-" + UUID.randomUUID(), "service", "ELECTRICITY",
                "billerId", "IKEDC", "itemId", "prepaid", "account", METER, "customerPhone", PHONE,
                "amount", Map.of("minor", 100000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        token = system.awaitState(orderId, "COMPLETED", Duration.ofSeconds(60)).path("vend").path("token").asString();
        SpanData post = await().atMost(Duration.ofSeconds(30)).until(() -> span("order-service",
                s -> s.getKind() == SpanKind.SERVER && s.getName().contains("/v1/orders")
                        && s.getName().toLowerCase().contains("post")), java.util.Objects::nonNull);
        traceId = post.getTraceId();
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
        LoggingSystem.get(getClass().getClassLoader()).cleanUp();
    }

    private static SpanData span(String service, Predicate<SpanData> which) {
        return SpanCapture.spans().stream().filter(s -> service.equals(s.getResource().getAttribute(SERVICE)))
                .filter(which).findFirst().orElse(null);
    }

    @Test
    void thePostsTraceReachesVendServicesConsumerAndItsProviderCall() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            SpanData consumer = span("vend-service", s -> s.getTraceId().equals(traceId)
                    && s.getKind() == SpanKind.CONSUMER && s.getName().contains("vendstream.vend.requests"));
            SpanData call = span("vend-service", s -> s.getTraceId().equals(traceId)
                    && s.getKind() == SpanKind.CLIENT && s.getName().equals("vtpass vend"));
            assertThat(consumer).as("vend-service's consumer span in the POST's trace").isNotNull();
            assertThat(call).as("vend-service's provider call span in the POST's trace").isNotNull();
            assertThat(call.getAttributes().get(AttributeKey.stringKey("status"))).isEqualTo("200");
            // The Kafka producer span of the outbox relay sits between the request and the consumer.
            assertThat(span("order-service", s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.PRODUCER))
                    .isNotNull();
        });
        // No span of any service carries the order's personal data, its token or a credential.
        for (SpanData span : SpanCapture.spans()) {
            String text = span.getName() + " " + span.getAttributes() + " " + span.getEvents();
            assertThat(text).as(span.getName()).doesNotContain(METER, PHONE, token, Demo.API_KEY, "SK_sandbox",
                    "sandbox-api-key", "sandbox-password");
        }
    }

    @Test
    void providerCallsBreakersAndDeadLettersShowOnPrometheus() throws Exception {
        String vend = scrape("vend-service");
        assertThat(vend).containsPattern("vendstream_provider_http_seconds_count\\{[^}]*operation=\"vend\"[^}]*"
                + "provider=\"vtpass\"[^}]*status=\"200\"[^}]*} [1-9]");
        assertThat(vend).containsPattern("vendstream_provider_http_seconds_bucket\\{[^}]*provider=\"vtpass\"");
        for (String service : List.of("vend-service", "status-poller", "order-service")) {
            assertThat(scrape(service)).as(service)
                    .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*provider=\"vtpass\"[^}]*state=\"closed\"");
        }
        assertThat(scrape("order-service")).as("order-service guards Dollr's payments")
                .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*guard=\"payments\"[^}]*provider=\"dollr\"");

        // A record that can never be a vend request is dead-lettered, and counted by topic and reason.
        Pattern unprocessable = Pattern.compile("vendstream_kafka_dead_letters_total\\{[^}]*reason=\"UNPROCESSABLE\""
                + "[^}]*topic=\"vendstream.vend.requests\"[^}]*} ([0-9.]+)");
        double before = counted(unprocessable, scrape("vend-service"));
        Properties settings = new Properties();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrap());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("vendstream.vend.requests", "obs-dlq-" + UUID.randomUUID(),
                    "not an event".getBytes(StandardCharsets.UTF_8))).get();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(counted(unprocessable, scrape("vend-service"))).isEqualTo(before + 1));
    }

    @Test
    void jsonLogLinesCarryTheTraceAndNoPersonalData(CapturedOutput output) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.getAll().split("\\R")) {
            if (line.startsWith("{")) {
                lines.add(system.json.readTree(line));
            }
        }
        assertThat(lines).as("the services log JSON").isNotEmpty();
        // The vend's line (vend-service, on the provider call's thread) is in the POST's trace.
        List<JsonNode> vendLines = lines.stream().filter(l -> l.path("message").asString().startsWith("VTpass vend"))
                .toList();
        assertThat(vendLines).isNotEmpty().anySatisfy(l -> assertThat(traceIdOf(l)).isEqualTo(traceId));
        assertThat(output.getAll()).doesNotContain(METER, PHONE, token, token.replaceAll("[^0-9]", ""),
                Demo.API_KEY, "SK_sandbox", "sandbox-api-key", "sandbox-password", "dollr-sandbox-secret");
    }

    /**
     * Every metric the alert rules and the dashboard select is on some service's /actuator/prometheus once an order
     * went through (the dead-letter counters are there from the start, at zero), with the labels they use: a metric
     * or tag renamed in the code fails here, not silently on the dashboard.
     */
    @Test
    void everyMetricTheRulesAndTheDashboardUseIsExported() throws Exception {
        StringBuilder pages = new StringBuilder();
        for (String service : List.of("order-service", "vend-service", "status-poller", "reconciliation-service")) {
            pages.append(scrape(service));
        }
        java.util.Set<String> exported = new java.util.HashSet<>();
        for (String line : pages.toString().split("\\R")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        java.util.Set<String> used = new java.util.TreeSet<>();
        ObservabilityFiles.ruleExpressions().forEach(e -> used.addAll(ObservabilityFiles.metricNames(e)));
        ObservabilityFiles.dashboardExpressions().forEach(e -> used.addAll(ObservabilityFiles.metricNames(e)));
        assertThat(used).contains("vendstream_order_stuck", "vendstream_poller_unresolved",
                "vendstream_kafka_dead_letters_total", "resilience4j_circuitbreaker_state",
                "spring_cloud_stream_binder_kafka_offset", "vendstream_provider_http_seconds_bucket");
        assertThat(exported).containsAll(used);

        // And each carries the labels the expressions group by or match on (a tag renamed fails here too).
        Map<String, java.util.Set<String>> needed = new java.util.TreeMap<>();
        java.util.stream.Stream.concat(ObservabilityFiles.ruleExpressions().stream(),
                        ObservabilityFiles.dashboardExpressions().stream())
                .forEach(e -> ObservabilityFiles.labelsNeeded(e).forEach((metric, labels) ->
                        needed.merge(metric, labels, PrometheusRulesTest::union)));
        assertThat(needed.get("vendstream_order_stuck")).contains("state");
        assertThat(ObservabilityFiles.labelsMissing(needed, pages.toString())).isEmpty();
    }

    private static double counted(Pattern series, String page) {
        Matcher m = series.matcher(page);
        assertThat(m.find()).as(series.pattern()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** The trace id of a JSON log line, wherever the format puts it. */
    private static String traceIdOf(JsonNode line) {
        for (String field : List.of("traceId", "trace.id", "trace_id")) {
            if (line.has(field)) {
                return line.path(field).asString();
            }
        }
        return line.path("trace").path("id").asString(null);
    }

    String scrape(String service) throws Exception {
        HttpResponse<String> page = system.actuator(service, "/prometheus");
        assertThat(page.statusCode()).as(service).isEqualTo(200);
        return page.body();
    }
}
