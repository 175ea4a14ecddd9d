package com.vendstream.recon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.DailyLedger;
import com.vendstream.events.ReconDiscrepancy;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendUnresolved;
import com.vendstream.recon.access.FinanceUsers;
import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.recon.day.DayStore;
import com.vendstream.recon.discrepancy.Discrepancy;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import com.vendstream.recon.providerreport.ProviderRecords;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The service on a real broker, the in-process schema registry and the MongoDB wire protocol:
 * order and vend events published in Confluent wire format become a ledger visible over HTTP;
 * the close publishes DailyLedger and ReconDiscrepancy events through the outbox.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = {ReconciliationApplication.class, ReconServiceKafkaTest.Providers.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=reconciliation-service", "vendstream.recon.auto-close.enabled=false",
                "vendstream.kafka.consumer.backoff-initial=PT0.2S", "vendstream.kafka.consumer.defect-attempts=2",
                "vendstream.recon.rematch.enabled=false", "vendstream.outbox.sweep-interval=PT0.5S"})
class ReconServiceKafkaTest {

    static final String MERCHANT = "demo-merchant";
    static final String FINANCE_TOKEN = "finance-token-for-tests-" + UUID.randomUUID();
    static final String AUDITOR_TOKEN = "auditor-token-for-tests-" + UUID.randomUUID();
    /** The back office's credential: the one allowed to name the user it acts for. */
    static final String BACK_OFFICE_TOKEN = "back-office-token-for-tests-" + UUID.randomUUID();
    static final LocalDate DAY = LocalDate.of(2026, 1, 15);

    static EmbeddedParts parts;

    @TestConfiguration
    static class Providers {
        /** VTpass says it delivered k2, which we recorded as failed and refunded. */
        @Bean
        @Primary
        ProviderRecords fakeProviders() {
            return new FakeProvider().record("vtpass", "ref-k1", ProviderStatus.SUCCEEDED, null, null)
                    .record("vtpass", "ref-k2", ProviderStatus.SUCCEEDED, null, null)
                    .record("vtpass", "ref-k3", ProviderStatus.FAILED, null, null);
        }
    }

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(3);
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "recon");
        props.add("vendstream.recon.users[0].name", () -> "test-finance");
        props.add("vendstream.recon.users[0].token-sha256", () -> FinanceUsers.sha256(FINANCE_TOKEN));
        props.add("vendstream.recon.users[0].roles", () -> "FINANCE");
        props.add("vendstream.recon.users[1].name", () -> "test-auditor");
        props.add("vendstream.recon.users[1].token-sha256", () -> FinanceUsers.sha256(AUDITOR_TOKEN));
        props.add("vendstream.recon.users[1].roles", () -> "READ_ONLY");
        props.add("vendstream.recon.users[2].name", () -> "test-back-office");
        props.add("vendstream.recon.users[2].token-sha256", () -> FinanceUsers.sha256(BACK_OFFICE_TOKEN));
        props.add("vendstream.recon.users[2].roles", () -> "FINANCE");
        props.add("vendstream.recon.users[2].acts-for-others", () -> "true");
    }

    @LocalServerPort
    int port;

    @Autowired
    DayStore dayStore;

    @Autowired
    DiscrepancyStore discrepancyStore;

    /** As the finance user. */
    WebTestClient client() {
        return client("Bearer " + FINANCE_TOKEN);
    }

    /** The path exactly as written: no template expansion or encoding (%2B stays %2B, + stays +). */
    URI raw(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    WebTestClient client(String authorization) {
        WebTestClient.Builder builder = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30));
        if (authorization != null) {
            builder.defaultHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        return builder.build();
    }

    static java.time.Instant lagos(int hour, int minute) {
        return DAY.atTime(hour, minute).atZone(Traffic.LAGOS).toInstant();
    }

    static String topicOf(SpecificRecord event) {
        String type = event.getClass().getSimpleName();
        if (type.startsWith("Order")) {
            return Topics.ORDERS.topic();
        }
        return event instanceof VendUnresolved ? Topics.VEND_RESOLUTIONS.topic() : Topics.VEND_OUTCOMES.topic();
    }

    @Test
    void eventsBecomeALedgerOverHttpAndTheClosePublishesIt() throws Exception {
        Traffic t = new Traffic(MERCHANT, Traffic.LAGOS);
        t.order("k1", lagos(9, 0), 50_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-k1")
                .succeeded(lagos(9, 1), 48_000L).completed(lagos(9, 1));
        t.order("k2", lagos(10, 0), 20_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-k2")
                .failed(lagos(10, 1)).refunded(lagos(10, 2));
        t.order("k3", lagos(11, 0), 30_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-k3")
                .pending(lagos(11, 1)).unresolved(lagos(12, 1));
        List<SpecificRecord> events = new ArrayList<>(t.events);
        // Redeliveries must not count twice.
        events.add(t.events.get(0));
        events.add(t.events.get(1));

        // An undecodable record ahead of k1's events on the same partition: dead-lettered, and
        // it must not block them.
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            raw.send(new ProducerRecord<>(Topics.ORDERS.topic(), "k1",
                    "not Avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class.getName(),
                "schema.registry.url", parts.registryUrl()))) {
            for (SpecificRecord e : events) {
                String orderId = com.vendstream.kit.events.Events.envelope(e).getOrderId();
                producer.send(new ProducerRecord<>(topicOf(e), orderId, e)).get();
            }
            // A readable event on a topic that does not carry its type: dead-lettered at once from its batch,
            // its neighbours taken in.
            Traffic stray = new Traffic(MERCHANT, Traffic.LAGOS);
            stray.order("k9", lagos(13, 0), 1_000, "NGN", ServiceCategory.AIRTIME).via("vtpass", "ref-k9")
                    .succeeded(lagos(13, 1), null);
            producer.send(new ProducerRecord<>(Topics.ORDERS.topic(), "k9", stray.events.get(0))).get();
        }

        String ledgers = "/v1/recon/ledgers?day=" + DAY + "&merchant=" + MERCHANT;
        // Before the close: a provisional ledger (version 0) computed from the facts so far; waited for
        // until every event is in, so the close below cannot race a straggler into a version 2.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> client().get().uri(ledgers).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].version").isEqualTo(0)
                .jsonPath("$[0].provisional").isEqualTo(true)
                .jsonPath("$[0].ordersAccepted").isEqualTo(3)
                .jsonPath("$[0].ordersVended").isEqualTo(1)
                .jsonPath("$[0].ordersFailed").isEqualTo(1)
                .jsonPath("$[0].ordersUnresolved").isEqualTo(1)
                .jsonPath("$[0].keptMinor").isEqualTo(50_000)
                .jsonPath("$[0].refundsMinor").isEqualTo(20_000)
                .jsonPath("$[0].heldMinor").isEqualTo(30_000)
                .jsonPath("$[0].providerCostMinor").isEqualTo(48_000));

        client().post().uri("/v1/recon/days/" + DAY + "/close").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.alreadyClosed").isEqualTo(false)
                .jsonPath("$.ledgers[0].version").isEqualTo(1);
        client().post().uri("/v1/recon/days/" + DAY + "/close").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.alreadyClosed").isEqualTo(true)
                .jsonPath("$.ledgers[0].version").isEqualTo(1);
        // Rematching a closed day with nothing new changes no ledger.
        client().post().uri("/v1/recon/days/" + DAY + "/rematch").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.businessDay").isEqualTo(DAY.toString());

        client().get().uri(ledgers).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$[0].ledgerId").isEqualTo(MERCHANT + "|" + DAY + "|vtpass|AIRTIME|NGN")
                .jsonPath("$[0].version").isEqualTo(1)
                .jsonPath("$[0].provisional").isEqualTo(false)
                .jsonPath("$[0].ordersAccepted").isEqualTo(3)
                .jsonPath("$[0].ordersVended").isEqualTo(1)
                .jsonPath("$[0].ordersFailed").isEqualTo(1)
                .jsonPath("$[0].ordersRefunded").isEqualTo(1)
                .jsonPath("$[0].ordersUnresolved").isEqualTo(1)
                .jsonPath("$[0].grossValueMinor").isEqualTo(50_000)
                .jsonPath("$[0].providerCostMinor").isEqualTo(48_000)
                .jsonPath("$[0].commissionMinor").isEqualTo(2_000)
                .jsonPath("$[0].debitsMinor").isEqualTo(100_000)
                .jsonPath("$[0].keptMinor").isEqualTo(50_000)
                .jsonPath("$[0].refundsMinor").isEqualTo(20_000)
                .jsonPath("$[0].heldMinor").isEqualTo(30_000)
                .jsonPath("$[0].balanced").isEqualTo(true);

        client().get().uri("/v1/recon/discrepancies?day=" + DAY + "&status=open").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].kind").isEqualTo("VENDED_AT_PROVIDER_NOT_HERE")
                .jsonPath("$[0].orderId").isEqualTo("k2")
                .jsonPath("$[0].evidence['wallet.refundMinor']").isEqualTo("20000");

        String csv = client().get().uri("/v1/recon/days/" + DAY + "/ledger.csv").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
                .expectHeader().valueMatches("Content-Disposition", "attachment; filename=\"ledger-2026-01-15.csv\"")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(csv.split("\r\n")).hasSize(2);
        assertThat(csv.split("\r\n")[0]).startsWith("businessDay,merchantId,provider,service,currency,currencyExponent,");
        // NGN's exponent (2) beside the currency: 50000 is 500.00.
        assertThat(csv.split("\r\n")[1]).startsWith("2026-01-15,demo-merchant,vtpass,AIRTIME,NGN,2,1,3,1,1,1,1,0,"
                + "50000,48000,2000,100000,50000,20000,30000,true,");

        // The merchant filter (issue 16 item 6): this merchant's ledger, none of another's.
        client().get().uri(ledgers.replace("&merchant=", "&merchantId=")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(1);
        client().get().uri("/v1/recon/ledgers?day=" + DAY + "&merchantId=second-merchant").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(0);
        assertThat(client().get().uri("/v1/recon/days/" + DAY + "/ledger.csv?merchantId=second-merchant").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Content-Disposition", "attachment; filename=\"ledger-2026-01-15-second-merchant.csv\"")
                .expectBody(String.class).returnResult().getResponseBody().split("\r\n")).hasSize(1);
        assertThat(client().get().uri("/v1/recon/days/" + DAY + "/ledger.csv?merchantId=" + MERCHANT).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody().split("\r\n"))
                .hasSize(2);

        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            consumer.subscribe(List.of(Topics.RECON_LEDGERS.topic(), Topics.RECON_DISCREPANCIES.topic()));
            List<ConsumerRecord<String, Object>> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.stream().anyMatch(r -> r.value() instanceof DailyLedger)
                        && received.stream().anyMatch(r -> isOfDay(r.value()));
            });
            ConsumerRecord<String, Object> ledger = received.stream().filter(r -> r.value() instanceof DailyLedger)
                    .findFirst().orElseThrow();
            assertThat(ledger.key()).isEqualTo(MERCHANT + "|" + DAY + "|vtpass|AIRTIME|NGN");
            DailyLedger l = (DailyLedger) ledger.value();
            assertThat(l.getVersion()).isEqualTo(1);
            assertThat(l.getHeldMinor()).isEqualTo(30_000);
            assertThat(l.getBalanced()).isTrue();
            // The day's own: financeAcknowledgesAndResolvesDiscrepanciesOverHttp publishes another day's.
            ReconDiscrepancy d = (ReconDiscrepancy) received.stream()
                    .filter(r -> isOfDay(r.value())).findFirst().orElseThrow().value();
            assertThat(d.getEnvelope().getOrderId()).isEqualTo("k2");
        }

        try (KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(parts.bytesConsumerSettings("dlq"))) {
            dlq.subscribe(List.of(Topics.ORDERS.deadLetter("reconciliation-service")));
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.size() >= 2;
            });
            assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k1", "k9");
            ConsumerRecord<String, byte[]> undecodable = dead.stream().filter(r -> r.key().equals("k1")).findFirst()
                    .orElseThrow();
            assertThat(new String(undecodable.value(), StandardCharsets.UTF_8)).isEqualTo("not Avro");
            assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader("kafka_dlt-exception-message"))
                    .isNotNull());
        }
    }

    private static boolean isOfDay(Object event) {
        return event instanceof ReconDiscrepancy d && d.getBusinessDay().equals(DAY);
    }

    @Test
    void badRequestsGetProblemDetails() {
        client().get().uri("/v1/recon/ledgers?day=yesterday").exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody()
                .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/invalid-request")
                .jsonPath("$.detail").isEqualTo("day must be an ISO date such as 2026-03-01");
        client().get().uri("/v1/recon/discrepancies?day=2026-01-15&status=maybe").exchange().expectStatus()
                .isBadRequest().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        client().get().uri("/v1/recon/ledgers").exchange().expectStatus().isBadRequest();
        // The date furthest ahead on earth has not ended in UTC (the zone of merchants not listed).
        LocalDate today = LocalDate.now(ZoneOffset.ofHours(14));
        client().post().uri("/v1/recon/days/" + today + "/close").exchange().expectStatus().isEqualTo(409)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody()
                .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/day-not-over")
                .jsonPath("$.cutoff").isEqualTo(today.plusDays(1) + "T00:00:00Z");
        client().post().uri("/v1/recon/days/" + today + "/rematch").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/day-not-closed");
        // Early closes are off unless the deployment allows them.
        client().post().uri("/v1/recon/days/" + today + "/close?early=true").exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/early-close-not-allowed");
        client().post().uri("/v1/recon/days/" + today + "/close?early=maybe").exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    /** Issue 11 items 22 and 28: absurd days are 400 problem details, never a close of year 0 or a 500. */
    @Test
    void daysOutsideTheSaneRangeAre400() {
        for (String path : List.of("/v1/recon/days/0000-01-01/close", "/v1/recon/days/+999999999-12-31/close",
                "/v1/recon/days/-999999999-01-01/close", "/v1/recon/days/2999-01-01/close?early=true",
                "/v1/recon/days/+999999999-12-31/rematch", "/v1/recon/days/2019-12-31/rematch")) {
            expectOutOfRange(client().post().uri(raw(path)));
        }
        for (String path : List.of("/v1/recon/ledgers?day=%2B999999999-12-31", "/v1/recon/ledgers?day=0000-01-01",
                "/v1/recon/discrepancies?day=%2B999999999-12-31", "/v1/recon/discrepancies?day=-999999999-01-01",
                "/v1/recon/days/+999999999-12-31/ledger.csv", "/v1/recon/days/0001-01-01/ledger.csv")) {
            expectOutOfRange(client().get().uri(raw(path)));
        }
        client().get().uri(raw("/v1/recon/ledgers?day=%2B1000000000-01-01")).exchange().expectStatus()
                .isBadRequest().expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/invalid-request");
        assertThat(dayStore.isClosed(LocalDate.of(0, 1, 1))).isFalse();
        assertThat(dayStore.isClosed(LocalDate.of(2999, 1, 1))).isFalse();
    }

    static void expectOutOfRange(WebTestClient.RequestHeadersSpec<?> request) {
        request.exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody()
                .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/day-out-of-range");
    }

    /**
     * Issue 11 item 22: every API call needs a finance user's token; merchants' API keys are no
     * credential here; READ_ONLY reads but may not close or rematch; the probes stay open.
     */
    @Test
    void theApiNeedsAFinanceUsersToken() {
        String ledgers = "/v1/recon/ledgers?day=" + DAY;
        // A day without trade: a finance user could close it at once; nobody else may.
        LocalDate quiet = DAY.minusDays(1);
        for (String authorization : java.util.Arrays.asList(null, "Bearer ", "Bearer wrong-token",
                "Bearer demo-merchant-key", "Basic " + FINANCE_TOKEN, FINANCE_TOKEN, "Bearer " + AUDITOR_TOKEN + "x")) {
            WebTestClient anonymous = client(authorization);
            for (String path : List.of(ledgers, "/v1/recon/discrepancies?day=" + DAY, "/v1/recon/days/" + DAY
                    + "/ledger.csv", "/v1;x/recon/ledgers?day=" + DAY, "/actuator/metrics", "/actuator/health;x",
                    "/actuator/health/../metrics", "/anything")) {
                anonymous.get().uri(raw(path)).exchange().expectStatus().isUnauthorized()
                        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vendstream-recon\"")
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody()
                        .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/unauthenticated")
                        .jsonPath("$.status").isEqualTo(401);
            }
            for (String path : List.of("/v1/recon/days/0000-01-01/close", "/v1/recon/days/" + quiet + "/close",
                    "/v1/recon/days/" + quiet + "/rematch", "/actuator/health")) {
                anonymous.post().uri(raw(path)).exchange().expectStatus().isUnauthorized();
            }
        }

        WebTestClient auditor = client("Bearer " + AUDITOR_TOKEN);
        auditor.get().uri(ledgers).exchange().expectStatus().isOk();
        auditor.get().uri("/v1/recon/discrepancies?day=" + DAY).exchange().expectStatus().isOk();
        auditor.get().uri("/v1/recon/days/" + DAY + "/ledger.csv").exchange().expectStatus().isOk();
        for (String path : List.of("/v1/recon/days/" + quiet + "/close", "/v1/recon/days/" + quiet
                + "/close?early=true", "/v1/recon/days/" + quiet + "/rematch")) {
            auditor.post().uri(path).exchange().expectStatus().isForbidden()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody()
                    .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/forbidden");
        }
        assertThat(dayStore.isClosed(quiet)).isFalse();
        assertThat(dayStore.isClosed(LocalDate.of(0, 1, 1))).isFalse();
        client().post().uri("/v1/recon/days/" + quiet + "/close").exchange().expectStatus().isOk();
        assertThat(dayStore.find(quiet).orElseThrow().closedBy()).isEqualTo("api:test-finance");

        // The probes and the metrics scrape need no credential.
        WebTestClient probe = client(null);
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/info", "/actuator/prometheus")) {
            probe.get().uri(path).exchange().expectStatus().value(status -> assertThat(status).as(path)
                    .isNotIn(401, 403, 404));
        }
    }

    /**
     * Issue 16 item 6: the discrepancy listing and CSV filter by merchant; a merchant id that is no id is a 400. A
     * discrepancy of no merchant (a provider line we never sent) is in the unfiltered listing and CSV only.
     */
    @Test
    void discrepanciesFilterByMerchant() {
        LocalDate day = DAY.minusDays(5);
        Discrepancy ours = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.AMOUNT_MISMATCH, day, "vtpass", "ref-f1"),
                day, DiscrepancyKind.AMOUNT_MISMATCH, "vtpass", "ref-f1", "f1", MERCHANT, 10_000L, 12_000L, "NGN",
                Map.of(), "Claim the difference", "provider:vtpass", DiscrepancyStatus.OPEN);
        Discrepancy theirs = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.AMOUNT_MISMATCH, day, "vtpass",
                "ref-f2"), day, DiscrepancyKind.AMOUNT_MISMATCH, "vtpass", "ref-f2", "f2", "second-merchant", 5_000L,
                6_000L, "KES", Map.of(), "Claim the difference", "provider:vtpass", DiscrepancyStatus.OPEN);
        // A provider statement line we never sent: no order of ours, so no merchant.
        Discrepancy providerOnly = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, day,
                "vtpass", "ref-f3"), day, DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, "vtpass", "ref-f3", null, null,
                null, 7_000L, "NGN", Map.of(), "Ask the provider", "provider:vtpass", DiscrepancyStatus.OPEN);
        discrepancyStore.sync(day, "provider:vtpass", List.of(ours, theirs, providerOnly), java.util.Set.of(),
                java.time.Instant.now());

        // Finance's unfiltered view has it; a merchant's view cannot (README: it is in no merchant's CSV).
        client().get().uri("/v1/recon/discrepancies?day=" + day).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(3)
                .jsonPath("$[2].discrepancyId").isEqualTo(providerOnly.discrepancyId());
        assertThat(client().get().uri("/v1/recon/discrepancies.csv?day=" + day).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody()).contains(providerOnly.discrepancyId());
        for (String merchant : List.of(MERCHANT, "second-merchant")) {
            assertThat(client().get().uri("/v1/recon/discrepancies?day=" + day + "&merchantId=" + merchant)
                    .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody())
                    .as(merchant).doesNotContain(providerOnly.discrepancyId());
        }
        client().get().uri("/v1/recon/discrepancies?day=" + day + "&merchantId=second-merchant").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].discrepancyId").isEqualTo(theirs.discrepancyId());
        String[] rows = client().get().uri("/v1/recon/discrepancies.csv?day=" + day + "&merchantId=" + MERCHANT)
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals("Content-Disposition", "attachment; filename=\"discrepancies-" + day
                        + "-demo-merchant.csv\"")
                .expectBody(String.class).returnResult().getResponseBody().split("\r\n");
        assertThat(rows).hasSize(2);
        assertThat(rows[1]).startsWith(ours.discrepancyId() + "," + day + ",demo-merchant,vtpass,AMOUNT_MISMATCH,OPEN,"
                + "f1,ref-f1,NGN,2,10000,12000,");
        for (String bad : List.of("%3Dcmd", "a%20b", "x".repeat(65))) {
            for (String path : List.of("/v1/recon/discrepancies?day=" + day + "&merchantId=" + bad,
                    "/v1/recon/discrepancies.csv?day=" + day + "&merchantId=" + bad,
                    "/v1/recon/ledgers?day=" + day + "&merchantId=" + bad,
                    "/v1/recon/days/" + day + "/ledger.csv?merchantId=" + bad)) {
                client().get().uri(raw(path)).exchange().expectStatus().isBadRequest()
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
            }
        }
        client().get().uri("/v1/recon/ledgers?day=" + day + "&merchantId=" + MERCHANT + "&merchant=second-merchant")
                .exchange().expectStatus().isBadRequest();
    }

    /**
     * Issue 16 item 5: every endpoint of the API, found from the application's own mappings (an endpoint added
     * later without a row here fails this test), answers 401 without a credential, 403 to a READ_ONLY user for a
     * change, and works for the role it needs; all refusals are problem details.
     */
    @Test
    void everyEndpointNeedsAFinanceCredentialWithTheRightRole() {
        LocalDate day = DAY.minusDays(10);
        Discrepancy d = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.AMOUNT_MISMATCH, day, "vtpass", "ref-a1"), day,
                DiscrepancyKind.AMOUNT_MISMATCH, "vtpass", "ref-a1", "a1", MERCHANT, 10_000L, 11_000L, "NGN", Map.of(),
                "Claim the difference", "provider:vtpass", DiscrepancyStatus.OPEN);
        discrepancyStore.sync(day, "provider:vtpass", List.of(d), java.util.Set.of(), java.time.Instant.now());
        record Call(String method, String template, String path, boolean change, String body) {
        }
        String resolution = "{\"resolution\":\"RECOVERED\",\"note\":\"credit note 12\"}";
        // In order: the day is closed before it is rematched, acknowledged before it is resolved.
        List<Call> calls = List.of(
                new Call("GET", "/v1/recon/ledgers", "/v1/recon/ledgers?day=" + day + "&merchantId=" + MERCHANT,
                        false, null),
                new Call("GET", "/v1/recon/days/{day}/ledger.csv", "/v1/recon/days/" + day + "/ledger.csv", false, null),
                new Call("GET", "/v1/recon/discrepancies", "/v1/recon/discrepancies?day=" + day, false, null),
                new Call("GET", "/v1/recon/discrepancies.csv", "/v1/recon/discrepancies.csv?day=" + day, false, null),
                new Call("POST", "/v1/recon/days/{day}/close", "/v1/recon/days/" + day + "/close", true, null),
                new Call("POST", "/v1/recon/days/{day}/rematch", "/v1/recon/days/" + day + "/rematch", true, null),
                new Call("POST", "/v1/recon/discrepancies/{id}/acknowledge", "/v1/recon/discrepancies/"
                        + d.discrepancyId() + "/acknowledge", true, "{}"),
                new Call("POST", "/v1/recon/discrepancies/{id}/resolve", "/v1/recon/discrepancies/"
                        + d.discrepancyId() + "/resolve", true, resolution));
        assertThat(calls).extracting(c -> c.method() + " " + c.template())
                .containsExactlyInAnyOrderElementsOf(apiEndpoints());

        WebTestClient anonymous = client(null);
        WebTestClient auditor = client("Bearer " + AUDITOR_TOKEN);
        for (Call c : calls) {
            expectProblem(request(anonymous, c.method(), c.path(), c.body()), 401, "unauthenticated");
            if (c.change()) {
                expectProblem(request(auditor, c.method(), c.path(), c.body()), 403, "forbidden");
            } else {
                request(auditor, c.method(), c.path(), c.body()).exchange().expectStatus().isOk();
            }
            request(client(), c.method(), c.path(), c.body()).exchange().expectStatus().isOk();
        }
        assertThat(dayStore.find(day).orElseThrow().closedBy()).isEqualTo("api:test-finance");
        client().get().uri("/v1/recon/discrepancies?day=" + day).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$[0].status").isEqualTo("RESOLVED")
                .jsonPath("$[0].resolvedBy").isEqualTo("api:test-finance");
    }

    /** The application's own controllers (not actuator's controller endpoints). */
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
    org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping mappings;

    /** "METHOD pattern" of every endpoint of the API (/v1/...) the application maps. */
    private List<String> apiEndpoints() {
        List<String> out = new ArrayList<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternsCondition().getPatterns().stream()
                .filter(pattern -> pattern.getPatternString().startsWith("/v1/"))
                .forEach(pattern -> info.getMethodsCondition().getMethods()
                        .forEach(m -> out.add(m.name() + " " + pattern.getPatternString()))));
        return out;
    }

    private WebTestClient.RequestHeadersSpec<?> request(WebTestClient client, String method, String path,
                                                        String body) {
        URI uri = raw(path);
        if (method.equals("GET")) {
            return client.get().uri(uri);
        }
        WebTestClient.RequestBodySpec post = client.post().uri(uri);
        return body == null ? post : post.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    private static void expectProblem(WebTestClient.RequestHeadersSpec<?> request, int status, String type) {
        request.exchange().expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody()
                .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/" + type);
    }

    /**
     * Finance acknowledges and resolves discrepancies over HTTP on behalf of a back-office user (the header ops-service
     * sends): the list filters by day, provider and status, a repeat is answered with the first change, another
     * resolution is 409, READ_ONLY may not change anything, the CSV carries the currency's exponent, and each
     * change reaches the topic as the updated ReconDiscrepancy.
     */
    @Test
    void financeAcknowledgesAndResolvesDiscrepanciesOverHttp() {
        LocalDate day = DAY.minusDays(3);
        Discrepancy vtpass = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, day,
                "vtpass", "ref-h1"), day, DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, "vtpass", "ref-h1", "h1",
                MERCHANT, 30_000L, null, "NGN", Map.of("provider.status", "SUCCEEDED", "wallet.refundMinor", "30000"),
                "=Recover or write off", "provider:vtpass", DiscrepancyStatus.OPEN);
        Discrepancy pagamio = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.AMOUNT_MISMATCH, day, "pagamio",
                "ref-h2"), day, DiscrepancyKind.AMOUNT_MISMATCH, "pagamio", "ref-h2", "h2", MERCHANT, 10_000L, 12_000L,
                "ZAR", Map.of(), "Claim the difference", "provider:pagamio", DiscrepancyStatus.OPEN);
        discrepancyStore.sync(day, "provider:vtpass", List.of(vtpass), java.util.Set.of(), java.time.Instant.now());
        discrepancyStore.sync(day, "provider:pagamio", List.of(pagamio), java.util.Set.of(), java.time.Instant.now());
        String list = "/v1/recon/discrepancies?day=" + day;

        client().get().uri(list + "&provider=vtpass").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].discrepancyId").isEqualTo(vtpass.discrepancyId())
                .jsonPath("$[0].ourAmount.minor").isEqualTo(30_000)
                .jsonPath("$[0].ourAmount.currency").isEqualTo("NGN")
                .jsonPath("$[0].evidence['provider.status']").isEqualTo("SUCCEEDED");
        client().get().uri(list + "&status=OPEN").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(2);

        String acknowledge = "/v1/recon/discrepancies/" + vtpass.discrepancyId() + "/acknowledge";
        WebTestClient auditor = client("Bearer " + AUDITOR_TOKEN);
        auditor.post().uri(acknowledge).contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isForbidden();
        // Any other finance credential naming someone else is refused: it could record a change as anyone.
        client().post().uri(acknowledge).header("X-Vendstream-Acting-User", "fatima")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange().expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type")
                .isEqualTo("https://vendstream.dev/problems/acting-for-others-not-allowed");
        client().get().uri(list + "&status=OPEN").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(2);
        WebTestClient backOffice = client("Bearer " + BACK_OFFICE_TOKEN);
        backOffice.post().uri(acknowledge).header("X-Vendstream-Acting-User", "fatima one")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/invalid-request");
        String first = new String(backOffice.post().uri(acknowledge).header("X-Vendstream-Acting-User", "fatima")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"note\":\"asking VTpass\"}").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("ACKNOWLEDGED")
                .jsonPath("$.acknowledgedBy").isEqualTo("fatima via test-back-office")
                .jsonPath("$.note").isEqualTo("asking VTpass")
                .jsonPath("$.acknowledgedAt").isNotEmpty()
                .returnResult().getResponseBody(), StandardCharsets.UTF_8);
        // Acknowledging twice is once: the first acknowledgement is the answer.
        backOffice.post().uri(acknowledge).header("X-Vendstream-Acting-User", "kofi")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"note\":\"me too\"}").exchange()
                .expectStatus().isOk().expectBody(String.class).isEqualTo(first);
        client().get().uri(list + "&status=ACKNOWLEDGED").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].acknowledgedBy").isEqualTo("fatima via test-back-office");

        String resolve = "/v1/recon/discrepancies/" + vtpass.discrepancyId() + "/resolve";
        for (String bad : List.of("{\"resolution\":\"WRITTEN_OFF\"}", "{\"resolution\":\"LOST\",\"note\":\"x\"}",
                "{\"resolution\":\"OTHER\",\"note\":\"x\"}", "not json", "[]")) {
            client().post().uri(resolve).contentType(MediaType.APPLICATION_JSON).bodyValue(bad).exchange()
                    .expectStatus().isBadRequest().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        String written = "{\"resolution\":\"WRITTEN_OFF\",\"note\":\"below the claim limit\"}";
        backOffice.post().uri(resolve).header("X-Vendstream-Acting-User", "amaka")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(written).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("RESOLVED")
                .jsonPath("$.resolution").isEqualTo("WRITTEN_OFF")
                .jsonPath("$.resolvedBy").isEqualTo("amaka via test-back-office")
                .jsonPath("$.acknowledgedBy").isEqualTo("fatima via test-back-office")
                .jsonPath("$.note").isEqualTo("below the claim limit");
        backOffice.post().uri(resolve).header("X-Vendstream-Acting-User", "amaka")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(written).exchange().expectStatus().isOk();
        client().post().uri(resolve).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"resolution\":\"REFUNDED\",\"note\":\"refund instead\"}").exchange()
                .expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/already-resolved");
        client().post().uri("/v1/recon/discrepancies/no-such-id/acknowledge").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/no-such-discrepancy");
        // Without a back-office user, the finance API user is recorded.
        client().post().uri("/v1/recon/discrepancies/" + pagamio.discrepancyId() + "/acknowledge").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.acknowledgedBy").isEqualTo("api:test-finance");

        String csv = client().get().uri("/v1/recon/discrepancies.csv?day=" + day + "&status=RESOLVED").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
                .expectHeader().valueEquals("Content-Disposition", "attachment; filename=\"discrepancies-" + day + ".csv\"")
                .expectBody(String.class).returnResult().getResponseBody();
        String[] rows = csv.split("\r\n");
        assertThat(rows).hasSize(2);
        assertThat(rows[0]).isEqualTo("discrepancyId,businessDay,merchantId,provider,kind,status,orderId,"
                + "providerReference,currency,currencyExponent,ourAmountMinor,providerAmountMinor,suggestedAction,"
                + "evidence,acknowledgedBy,acknowledgedAt,acknowledgeNote,resolution,resolvedBy,resolvedAt,resolutionNote");
        assertThat(rows[1]).startsWith(vtpass.discrepancyId() + "," + day + ",demo-merchant,vtpass,"
                + "VENDED_AT_PROVIDER_NOT_HERE,RESOLVED,h1,ref-h1,NGN,2,30000,,'=Recover or write off,"
                + "provider.status=SUCCEEDED; wallet.refundMinor=30000,fatima via test-back-office,")
                .contains(",asking VTpass,WRITTEN_OFF,amaka via test-back-office,").endsWith(",below the claim limit");

        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            consumer.subscribe(List.of(Topics.RECON_DISCREPANCIES.topic()));
            List<ReconDiscrepancy> changes = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key().equals(vtpass.discrepancyId())) {
                        changes.add((ReconDiscrepancy) r.value());
                    }
                });
                return changes.size() >= 3;
            });
            assertThat(changes).extracting(ReconDiscrepancy::getStatus).containsExactly(DiscrepancyStatus.OPEN,
                    DiscrepancyStatus.ACKNOWLEDGED, DiscrepancyStatus.RESOLVED);
            assertThat(changes.get(2).getResolution()).isEqualTo(DiscrepancyResolution.WRITTEN_OFF);
            assertThat(changes.get(2).getResolvedBy()).isEqualTo("amaka via test-back-office");
            assertThat(changes.get(2).getAcknowledgedBy()).isEqualTo("fatima via test-back-office");
            // Three changes, three events: none is a redelivery of another.
            assertThat(changes).extracting(c -> c.getEnvelope().getEventId()).doesNotHaveDuplicates();
            // The notes stay in this service: none reaches the compacted topic.
            assertThat(changes).allSatisfy(c -> assertThat(c.toString()).doesNotContain("asking VTpass",
                    "below the claim limit"));
        }
    }
}
