package com.vendstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.ManualVendDecision;
import com.vendstream.events.ManualVendOutcome;
import com.vendstream.events.Money;
import com.vendstream.events.OpsAction;
import com.vendstream.events.OpsAudit;
import com.vendstream.events.RequeryReply;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.ops.user.OpsRole;
import com.vendstream.ops.user.OpsUser;
import com.vendstream.ops.vend.UnresolvedVendStore;
import com.vendstream.ops.vend.UnresolvedVends;
import com.vendstream.ops.vend.VendRefusal;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The unresolved-vend queue on a real broker, the in-process registry and the MongoDB wire store: status-poller's
 * VendUnresolved opens an entry with its requeries, one operator proposes, a second approves (never the proposer),
 * the approval publishes one ManualVendDecision on vendstream.ops.decisions through the outbox, each step audited
 * first, and the VendSucceeded that comes back settles the entry.
 */
@ExtendWith({StopPartsAfterSpring.class, OutputCaptureExtension.class})
@DirtiesContext
@SpringBootTest(classes = OpsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ops-service", "vendstream.outbox.sweep-interval=PT0.5S",
                "vendstream.ops.login.guard-key=a test key of thirty-two characters or more",
                "vendstream.ops.login.max-concurrent=16", "vendstream.kafka.consumer.defect-attempts=1",
                "vendstream.ops.unresolved.approval-grace=PT3S"})
class UnresolvedVendsTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String MERCHANT = "demo-merchant";
    static final String TOKEN = "12345678901234567890";
    static final String VENDS = "/ops/v1/unresolved-vends";

    static EmbeddedParts parts;
    static KafkaProducer<String, SpecificRecord> producer;

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(1);
        producer = new KafkaProducer<>(parts.avroProducerSettings());
    }

    @AfterAll
    static void closeProducer() {
        producer.close(Duration.ofSeconds(5));
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "opsvends");
        Browser.users(props, PASSWORD, new String[][] {{"olu", "OPERATOR"}, {"ada", "OPERATOR"},
            {"kofi", "OPERATOR"}, {"fatima", "FINANCE"}, {"reader", "READ_ONLY"}});
    }

    @LocalServerPort
    int port;

    @Autowired
    ReactiveMongoTemplate mongo;

    @Autowired
    UnresolvedVends vends;

    Browser as(String user) {
        Browser browser = new Browser(port);
        assertThat(browser.login(user, PASSWORD).status()).isEqualTo(200);
        return browser;
    }

    @Test
    void anUnresolvedVendIsListedWithItsRequeriesAndEachEventAppliesOnce() {
        String orderId = newOrder();
        VendUnresolved escalation = unresolved(orderId, 3);
        publish(escalation);
        Browser reader = as("reader");
        Browser.Response vend = awaitVend(reader, orderId);
        assertThat(vend.json("$.state")).isEqualTo("OPEN");
        assertThat(vend.json("$.merchantId")).isEqualTo(MERCHANT);
        assertThat(vend.json("$.provider")).isEqualTo("vtpass");
        assertThat(vend.json("$.providerReference")).isEqualTo("ref-" + orderId);
        assertThat(vend.json("$.providerTransactionId")).isEqualTo("vt-991");
        assertThat(vend.json("$.amount.minor")).isEqualTo("150000");
        assertThat(vend.json("$.amount.currency")).isEqualTo("NGN");
        assertThat(vend.json("$.firstPendingAt")).isEqualTo("2026-03-02T09:00:00Z");
        assertThat(vend.json("$.escalatedAt")).isEqualTo(escalation.getEnvelope().getOccurredAt().toString());
        assertThat(vend.json("$.reason")).startsWith("deadline passed");
        assertThat(vend.json("$.lastProviderCode")).isEqualTo("099");
        assertThat(vend.json("$.requeryCount")).isEqualTo("3");
        assertThat((List<Object>) JsonPath.read(vend.body(), "$.requeries[*].providerCode"))
                .containsExactly("099", "099", null);
        assertThat((List<Object>) JsonPath.read(vend.body(), "$.requeries[*].decision"))
                .containsExactly("REQUERY", "REQUERY", "NO_ANSWER");
        assertThat(vend.json("$.requeries[0].at")).isEqualTo("2026-03-02T09:01:00Z");
        assertThat(vend.json("$.requeries[2].detail")).isEqualTo("read timed out");
        assertThat(vend.json("$.proposal")).isNull();
        assertThat(vend.json("$.settlement")).isNull();
        assertThat((List<Object>) JsonPath.read(reader.get(VENDS).body(), "$[*].orderId")).contains(orderId);

        // The same event again (a redelivery) changes nothing, even where its copy differs; a new one updates.
        VendUnresolved again = VendUnresolved.newBuilder(escalation).setRequeryCount(99).build();
        publish(again);
        VendUnresolved later = unresolved(orderId, 5);
        publish(later);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(reader.get(VENDS + "/" + orderId).json("$.requeryCount")).isEqualTo("5"));
        Document stored = stored(orderId);
        assertThat(stored.getList("appliedEvents", String.class)).containsExactly(
                escalation.getEnvelope().getEventId(), later.getEnvelope().getEventId());
    }

    @Test
    void oneOperatorProposesAnotherApprovesAndOneDecisionIsPublished(CapturedOutput output) {
        String orderId = escalatedOrder();
        Browser olu = as("olu");

        Browser.Response proposed = olu.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"DELIVERED\",\"token\":\"" + TOKEN + "\",\"units\":\"32.5 kWh\","
                        + "\"receipt\":{\"receiptNo\":\"R-77\"},\"note\":\"Portal shows delivered at 09:04, token "
                        + TOKEN + "\"}");
        assertThat(proposed.status()).isEqualTo(201);
        assertThat(proposed.json("$.state")).isEqualTo("PROPOSED");
        assertThat(proposed.json("$.proposal.outcome")).isEqualTo("DELIVERED");
        assertThat(proposed.json("$.proposal.proposedBy")).isEqualTo("olu");
        // The checker must see what is approved: the listing shows the token to logged-in users.
        assertThat(proposed.json("$.proposal.token")).isEqualTo(TOKEN);
        assertThat(proposed.json("$.proposal.receipt.receiptNo")).isEqualTo("R-77");
        assertThat(proposed.json("$.proposal.approvedBy")).isNull();
        String proposalId = proposed.json("$.proposal.id");

        Browser ada = as("ada");
        Browser.Response twice = ada.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"I see nothing\"}");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json("$.type")).isEqualTo("https://vendstream.dev/problems/already-proposed");

        Browser.Response self = olu.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal/approve", seen(proposalId));
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.headers().getContentType()).hasToString("application/problem+json");
        assertThat(self.json("$.type")).isEqualTo("https://vendstream.dev/problems/self-approval");
        assertThat(self.json("$.reasonCode")).isEqualTo("self-approval");

        Browser.Response approved = ada.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal/approve",
                seen(proposalId));
        assertThat(approved.status()).isEqualTo(200);
        // Settled only when status-poller's outcome comes back; until then the proposal shows its approval.
        assertThat(approved.json("$.state")).isEqualTo("PROPOSED");
        assertThat(approved.json("$.proposal.approvedBy")).isEqualTo("ada");
        String decisionId = approved.json("$.proposal.decisionId");
        assertThat(decisionId).isNotBlank();
        Browser kofi = as("kofi");
        Browser.Response late = kofi.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal/approve",
                seen(proposalId));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.json("$.type")).isEqualTo("https://vendstream.dev/problems/already-approved");
        // Rejecting an approved proposal waits until its outcome is overdue (the approval grace).
        Browser.Response tooEarly = kofi.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal/reject",
                rejecting(proposalId, "too late"));
        assertThat(tooEarly.status()).isEqualTo(409);
        assertThat(tooEarly.json("$.type")).isEqualTo("https://vendstream.dev/problems/already-approved");

        List<ManualVendDecision> decisions = decisionsFor(orderId, 1);
        ManualVendDecision decision = decisions.get(0);
        assertThat(decision.getEnvelope().getEventId()).isEqualTo(decisionId);
        assertThat(decision.getEnvelope().getCorrelationId()).isEqualTo(proposalId);
        assertThat(decision.getEnvelope().getOrderId()).isEqualTo(orderId);
        assertThat(decision.getEnvelope().getMerchantId()).isEqualTo(MERCHANT);
        assertThat(decision.getEnvelope().getSourceService()).isEqualTo("ops-service");
        assertThat(decision.getEnvelope().getEventType()).isEqualTo("ManualVendDecision");
        assertThat(decision.getEnvelope().getBusinessDate()).isEqualTo(LocalDate.parse("2026-03-02"));
        assertThat(decision.getVend().getProviderReference()).isEqualTo("ref-" + orderId);
        assertThat(decision.getAmount().getAmountMinor()).isEqualTo(150000L);
        assertThat(decision.getOutcome()).isEqualTo(ManualVendOutcome.DELIVERED);
        assertThat(decision.getToken()).isEqualTo(TOKEN);
        assertThat(decision.getUnits()).isEqualTo("32.5 kWh");
        assertThat(decision.getReceipt()).containsEntry("receiptNo", "R-77");
        assertThat(decision.getProposedBy()).isEqualTo("olu");
        assertThat(decision.getApprovedBy()).isEqualTo("ada");
        // Published means drained: the relay removes the event from the entry once the broker acknowledged it.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(stored(orderId).getList("outbox", Object.class, List.of())).isEmpty());

        // Audited in order, each naming the order; the token only masked.
        List<Map<String, Object>> entries = JsonPath.read(kofi.get("/ops/v1/audit?limit=500").body(),
                "$[?(@.subject == '" + orderId + "')]");
        assertThat(entries).extracting(e -> e.get("action"))
                .containsExactly("VEND_DECISION_APPROVED", "VEND_DECISION_PROPOSED");
        assertThat(entries).allSatisfy(e -> assertThat((Map<String, Object>) e.get("details"))
                .containsEntry("proposalId", proposalId));
        assertThat(entries.get(1)).satisfies(e -> assertThat((Map<String, Object>) e.get("details"))
                .containsEntry("token", "****7890").containsEntry("note", "Portal shows delivered at 09:04, token ****"));
        assertThat(entries.get(0)).satisfies(e -> assertThat((Map<String, Object>) e.get("details"))
                .containsEntry("decisionId", decisionId).containsEntry("proposedBy", "olu"));
        assertThat(kofi.get("/ops/v1/audit?limit=500").body()).doesNotContain(TOKEN);
        List<OpsAudit> audits = auditEventsFor(orderId, 2);
        assertThat(audits).extracting(OpsAudit::getAction)
                .containsExactly(OpsAction.VEND_DECISION_PROPOSED, OpsAction.VEND_DECISION_APPROVED);
        assertThat(audits).allSatisfy(a -> {
            assertThat(a.getEnvelope().getOrderId()).isEqualTo(orderId);
            assertThat(a.getEnvelope().getMerchantId()).isEqualTo(MERCHANT);
            assertThat(a.getEnvelope().getCorrelationId()).isEqualTo(proposalId);
            assertThat(a.toString()).doesNotContain(TOKEN);
        });

        // status-poller turns the decision into the vend's outcome; it settles the entry.
        publish(succeeded(orderId, Resolution.MANUAL));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kofi.get(VENDS + "/" + orderId).json("$.state")).isEqualTo("SETTLED"));
        Browser.Response settled = kofi.get(VENDS + "/" + orderId);
        assertThat(settled.json("$.settlement.outcome")).isEqualTo("DELIVERED");
        assertThat(settled.json("$.settlement.by")).isEqualTo("manual");
        assertThat(settled.json("$.settlement.approvedBy")).isEqualTo("ada");
        assertThat(settled.json("$.settlement.at")).isNotBlank();
        assertThat((List<Object>) JsonPath.read(kofi.get(VENDS).body(), "$[*].orderId")).doesNotContain(orderId);
        assertThat((List<Object>) JsonPath.read(kofi.get(VENDS + "?state=SETTLED").body(), "$[*].orderId"))
                .contains(orderId);
        // Settled: the token is masked for everyone, operators too.
        assertThat(settled.json("$.proposal.token")).isEqualTo("****7890");
        assertThat(settled.body()).doesNotContain(TOKEN);
        assertThat(kofi.get(VENDS + "?state=SETTLED").body()).doesNotContain(TOKEN);
        Browser.Response afterwards = kofi.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal/approve",
                seen(proposalId));
        assertThat(afterwards.json("$.type")).isEqualTo("https://vendstream.dev/problems/already-settled");

        // The customer's token reaches the decision, never a log line.
        assertThat(output.getAll()).doesNotContain(TOKEN);
    }

    @Test
    void twoApproversRacingSettleItOnce() throws Exception {
        String orderId = escalatedOrder();
        Browser olu = as("olu");
        Browser.Response proposed = olu.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"Portal: transaction failed, no token\"}");
        assertThat(proposed.status()).isEqualTo(201);
        String proposalId = proposed.json("$.proposal.id");
        List<Browser> checkers = List.of(as("ada"), as("kofi"));
        ExecutorService pool = Executors.newFixedThreadPool(checkers.size());
        List<Integer> statuses = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (Browser checker : checkers) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return checker.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal/approve",
                            seen(proposalId)).status();
                }));
            }
            start.countDown();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses).containsExactlyInAnyOrder(200, 409);
        ManualVendDecision decision = decisionsFor(orderId, 1).get(0);
        assertThat(decision.getOutcome()).isEqualTo(ManualVendOutcome.NOT_DELIVERED);
        assertThat(decision.getToken()).isNull();
        assertThat(decision.getPins()).isEmpty();
    }

    @Test
    void anApprovalWhoseClientHangsUpStillPublishesItsDecision() {
        String orderId = escalatedOrder();
        Browser olu = as("olu");
        Browser.Response proposed = olu.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"DELIVERED\",\"units\":\"10 kWh\",\"note\":\"Portal: delivered\"}");
        assertThat(proposed.status()).isEqualTo(201);
        // The client is gone at once: the entry, the approval and its decision still happen together.
        vends.approve(new OpsUser("ada", Set.of(OpsRole.OPERATOR)), orderId, proposed.json("$.proposal.id"),
                "203.0.113.9").subscribe().dispose();
        assertThat(decisionsFor(orderId, 1).get(0).getApprovedBy()).isEqualTo("ada");
        assertThat(olu.get(VENDS + "/" + orderId).json("$.proposal.approvedBy")).isEqualTo("ada");
        assertThat((List<Object>) JsonPath.read(olu.get("/ops/v1/audit?limit=500").body(),
                "$[?(@.subject == '" + orderId + "' && @.clientAddress == '203.0.113.9')].action"))
                .containsExactly("VEND_DECISION_APPROVED");
    }

    @Test
    void aLateAutomaticAnswerSettlesAProposedVendAndNoDecisionFollows() {
        String orderId = escalatedOrder();
        Browser olu = as("olu");
        Browser.Response proposed = olu.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"Portal: failed\"}");
        assertThat(proposed.status()).isEqualTo(201);
        // status-poller's slow requeries go on after the escalation; a final answer settles the vend by itself.
        publish(succeeded(orderId, Resolution.REQUERY));
        Browser ada = as("ada");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ada.get(VENDS + "/" + orderId).json("$.state")).isEqualTo("SETTLED"));
        Browser.Response vend = ada.get(VENDS + "/" + orderId);
        assertThat(vend.json("$.settlement.by")).isEqualTo("automatic");
        assertThat(vend.json("$.settlement.outcome")).isEqualTo("DELIVERED");
        Browser.Response approve = ada.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal/approve",
                seen(proposed.json("$.proposal.id")));
        assertThat(approve.status()).isEqualTo(409);
        assertThat(approve.json("$.type")).isEqualTo("https://vendstream.dev/problems/already-settled");
        assertThat(decisionsFor(orderId, 0)).isEmpty();
    }

    @Test
    void aRejectedProposalGoesBackToOpen() {
        String orderId = escalatedOrder();
        Browser olu = as("olu");
        String path = VENDS + "/" + orderId + "/proposal";
        Browser.Response proposed = olu.change(HttpMethod.POST, path, "{\"outcome\":\"DELIVERED\","
                + "\"pins\":[\"4455-6677\",\"8899-0011\"],\"note\":\"WAEC portal lists two PINs: 4455-6677, 8899-0011\"}");
        assertThat(proposed.status()).isEqualTo(201);
        String proposalId = proposed.json("$.proposal.id");
        Browser ada = as("ada");
        Browser.Response approveEmpty = ada.change(HttpMethod.POST, path + "/reject", rejecting(proposalId, "  "));
        assertThat(approveEmpty.status()).isEqualTo(400);
        assertThat(approveEmpty.json("$.type")).isEqualTo("https://vendstream.dev/problems/invalid-request");

        Browser.Response rejected = ada.change(HttpMethod.POST, path + "/reject",
                rejecting(proposalId, "The portal shows one PIN, not two"));
        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.json("$.state")).isEqualTo("OPEN");
        assertThat(rejected.json("$.proposal")).isNull();
        assertThat(rejected.json("$.rejections[0].rejectedBy")).isEqualTo("ada");
        assertThat(rejected.json("$.rejections[0].proposedBy")).isEqualTo("olu");
        assertThat(rejected.json("$.rejections[0].reason")).isEqualTo("The portal shows one PIN, not two");
        assertThat(rejected.json("$.rejections[0].note")).isEqualTo("WAEC portal lists two PINs: ****, ****");
        // A rejected proposal's PINs were never delivered: not kept.
        assertThat(rejected.body()).doesNotContain("4455-6677");
        assertThat(stored(orderId).toJson()).doesNotContain("4455-6677");

        Browser.Response nothing = ada.change(HttpMethod.POST, path + "/approve", seen(proposalId));
        assertThat(nothing.status()).isEqualTo(409);
        assertThat(nothing.json("$.type")).isEqualTo("https://vendstream.dev/problems/no-proposal");
        assertThat(ada.change(HttpMethod.POST, path + "/reject", rejecting(proposalId, "again")).json("$.type"))
                .isEqualTo("https://vendstream.dev/problems/no-proposal");
        assertThat(olu.change(HttpMethod.POST, path, "{\"outcome\":\"DELIVERED\",\"pins\":[\"4455-6677\"],"
                + "\"note\":\"WAEC portal lists one PIN\"}").status()).isEqualTo(201);

        List<Map<String, Object>> entries = JsonPath.read(ada.get("/ops/v1/audit?limit=500").body(),
                "$[?(@.subject == '" + orderId + "')]");
        assertThat(entries).extracting(e -> e.get("action")).containsExactly("VEND_DECISION_PROPOSED",
                "VEND_DECISION_REJECTED", "VEND_DECISION_PROPOSED");
        assertThat(entries.get(1)).containsEntry("actor", "ada")
                .containsEntry("reason", "The portal shows one PIN, not two");
        assertThat(entries.get(2)).satisfies(e -> assertThat((Map<String, Object>) e.get("details"))
                .containsEntry("pins", "2").doesNotContainValue("4455-6677"));
    }

    @Test
    void badProposalsAreProblemsAndChangeNothing() {
        String orderId = escalatedOrder();
        Browser olu = as("olu");
        String path = VENDS + "/" + orderId + "/proposal";
        String longNote = "x".repeat(1001);
        StringBuilder pins = new StringBuilder("[");
        for (int i = 0; i < 51; i++) {
            pins.append(i == 0 ? "" : ",").append("\"pin-").append(i).append('"');
        }
        pins.append(']');
        for (String body : List.of(
                "{\"outcome\":\"DELIVERED\",\"note\":\"the portal says delivered\"}",
                "{\"outcome\":\"DELIVERED\",\"token\":\"" + TOKEN + "\"}",
                "{\"outcome\":\"DELIVERED\",\"token\":\"" + TOKEN + "\",\"note\":\"  \"}",
                "{\"outcome\":\"MAYBE\",\"note\":\"not sure\"}",
                "{\"outcome\":\"NOT_DELIVERED\",\"token\":\"" + TOKEN + "\",\"note\":\"failed\"}",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"failed\",\"approvedBy\":\"olu\"}",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"" + longNote + "\"}",
                "{\"outcome\":\"DELIVERED\",\"note\":\"many\",\"pins\":" + pins + "}",
                "{\"outcome\":\"DELIVERED\",\"note\":\"n\",\"token\":\"" + "9".repeat(65) + "\"}",
                "{\"outcome\":\"DELIVERED\",\"note\":\"n\",\"token\":12345}",
                "{\"outcome\":\"DELIVERED\",",
                "[]")) {
            Browser.Response refused = olu.change(HttpMethod.POST, path, body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.headers().getContentType()).as(body).hasToString("application/problem+json");
            assertThat(refused.json("$.type")).as(body).isEqualTo("https://vendstream.dev/problems/invalid-request");
            // The problem never repeats a typed token.
            assertThat(refused.body()).doesNotContain(TOKEN);
        }
        assertThat(olu.change(HttpMethod.POST, path, null).status()).isEqualTo(400);
        assertThat(olu.get(VENDS + "/" + orderId).json("$.state")).isEqualTo("OPEN");
        assertThat(olu.get(VENDS + "?state=MAYBE").status()).isEqualTo(400);
        assertThat(olu.get(VENDS + "?limit=0").status()).isEqualTo(400);

        Browser.Response unknown = olu.change(HttpMethod.POST, VENDS + "/no-such-order/proposal",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"failed\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json("$.type")).isEqualTo("https://vendstream.dev/problems/no-such-vend");
        assertThat(olu.get(VENDS + "/no-such-order").status()).isEqualTo(404);
        List<Map<String, Object>> entries = JsonPath.read(olu.get("/ops/v1/audit?limit=500").body(),
                "$[?(@.subject == '" + orderId + "')]");
        assertThat(entries).isEmpty();
    }

    @Test
    void readOnlyAndFinanceUsersListButCannotDecide() {
        String orderId = escalatedOrder();
        Browser olu = as("olu");
        Browser.Response proposed = olu.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"Portal: failed\"}");
        assertThat(proposed.status()).isEqualTo(201);
        String proposalId = proposed.json("$.proposal.id");
        for (String user : List.of("reader", "fatima")) {
            Browser browser = as(user);
            assertThat(browser.get(VENDS).status()).isEqualTo(200);
            assertThat(browser.get(VENDS + "/" + orderId).status()).isEqualTo(200);
            for (String[] change : List.of(new String[] {"/proposal", "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"n\"}"},
                    new String[] {"/proposal/approve", seen(proposalId)},
                    new String[] {"/proposal/reject", rejecting(proposalId, "r")})) {
                Browser.Response refused = browser.change(HttpMethod.POST, VENDS + "/" + orderId + change[0], change[1]);
                assertThat(refused.status()).as(user + change[0]).isEqualTo(403);
                assertThat(refused.json("$.type")).isEqualTo("https://vendstream.dev/problems/forbidden");
            }
        }
        assertThat(olu.get(VENDS + "/" + orderId).json("$.state")).isEqualTo("PROPOSED");
        assertThat(olu.get(VENDS + "/" + orderId).json("$.proposal.approvedBy")).isNull();
        assertThat(new Browser(port).get(VENDS).status()).isEqualTo(401);
    }

    @Test
    void aResolutionBeforeItsEscalationLeavesTheVendSettled() {
        String orderId = newOrder();
        VendUnresolved escalation = unresolved(orderId, 4);
        // A re-driven VendUnresolved may come after the requery's answer: the order is settled, not opened again.
        publish(failed(orderId));
        publish(escalation);
        Browser reader = as("reader");
        Browser.Response vend = awaitVend(reader, orderId);
        assertThat(vend.json("$.state")).isEqualTo("SETTLED");
        assertThat(vend.json("$.settlement.by")).isEqualTo("automatic");
        assertThat(vend.json("$.settlement.outcome")).isEqualTo("NOT_DELIVERED");
        assertThat(vend.json("$.settlement.approvedBy")).isNull();
        assertThat(vend.json("$.requeryCount")).isEqualTo("4");
        assertThat((List<Object>) JsonPath.read(reader.get(VENDS).body(), "$[*].orderId")).doesNotContain(orderId);
        assertThat(stored(orderId).get("expireAt")).isNull();

        // A resolution of a vend that was never escalated is remembered, not listed; without expiry, as dead
        // letters have none: a VendUnresolved re-driven months later still finds the order settled.
        String plain = newOrder();
        publish(failed(plain));
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(plain) != null);
        assertThat(stored(plain).get("expireAt")).isNull();
        List<Document> indexes = mongo.getCollection(UnresolvedVendStore.COLLECTION)
                .flatMapMany(c -> reactor.core.publisher.Flux.from(c.listIndexes())).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(indexes).noneSatisfy(i -> assertThat(i.containsKey("expireAfterSeconds")).isTrue());
        assertThat(reader.get(VENDS + "/" + plain).status()).isEqualTo(404);
        assertThat((List<Object>) JsonPath.read(reader.get(VENDS + "?state=ALL").body(), "$[*].orderId"))
                .doesNotContain(plain);
    }

    @Test
    void aRecordThatIsNoEventGoesToTheGroupsDeadLetterTopic() {
        String orderId = newOrder();
        String dlq = Topics.VEND_RESOLUTIONS.deadLetter("ops-service");
        assertThat(dlq).isEqualTo("vendstream.vend.resolutions.ops-service.dlq");
        try (KafkaProducer<String, byte[]> bytes = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            bytes.send(new ProducerRecord<>(Topics.VEND_RESOLUTIONS.topic(), orderId,
                    "not avro".getBytes(StandardCharsets.UTF_8)));
        }
        // The queue goes on behind it.
        escalatedOrder();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(parts.bytesConsumerSettings("dlq"))) {
            consumer.subscribe(List.of(dlq));
            List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                assertThat(letters).anySatisfy(r -> assertThat(r.key()).isEqualTo(orderId));
            });
        }
    }

    @Test
    void approveAndRejectNameTheProposalTheCheckerSaw() {
        String orderId = escalatedOrder();
        String path = VENDS + "/" + orderId + "/proposal";
        Browser olu = as("olu");
        Browser ada = as("ada");
        Browser kofi = as("kofi");
        String first = olu.change(HttpMethod.POST, path, "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"Portal: failed\"}")
                .json("$.proposal.id");
        // kofi looks at the first proposal; meanwhile ada rejects it and olu proposes the opposite.
        assertThat(ada.change(HttpMethod.POST, path + "/reject", rejecting(first, "look again")).status()).isEqualTo(200);
        Browser.Response second = olu.change(HttpMethod.POST, path,
                "{\"outcome\":\"DELIVERED\",\"token\":\"" + TOKEN + "\",\"note\":\"Portal: delivered\"}");
        assertThat(second.status()).isEqualTo(201);
        for (Browser.Response stale : List.of(kofi.change(HttpMethod.POST, path + "/approve", seen(first)),
                kofi.change(HttpMethod.POST, path + "/reject", rejecting(first, "not what I saw")))) {
            assertThat(stale.status()).isEqualTo(409);
            assertThat(stale.json("$.type")).isEqualTo("https://vendstream.dev/problems/proposal-changed");
        }
        for (String body : new String[] {null, "{}", "{\"proposalId\":\"\"}", "{\"proposalId\":12}",
            "{\"proposalId\":\"" + first + "\",\"also\":1}", "{\"proposalId\":\"a b\"}"}) {
            Browser.Response refused = kofi.change(HttpMethod.POST, path + "/approve", body);
            assertThat(refused.status()).as(String.valueOf(body)).isEqualTo(400);
            assertThat(refused.json("$.type")).isEqualTo("https://vendstream.dev/problems/invalid-request");
        }
        assertThat(kofi.change(HttpMethod.POST, path + "/reject", "{\"reason\":\"no id\"}").status()).isEqualTo(400);
        assertThat(kofi.get(VENDS + "/" + orderId).json("$.proposal.approvedBy")).isNull();
        List<Map<String, Object>> entries = JsonPath.read(kofi.get("/ops/v1/audit?limit=500").body(),
                "$[?(@.subject == '" + orderId + "')]");
        assertThat(entries).extracting(e -> e.get("actor")).doesNotContain("kofi");

        Browser.Response approved = kofi.change(HttpMethod.POST, path + "/approve", seen(second.json("$.proposal.id")));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(decisionsFor(orderId, 1).get(0).getOutcome()).isEqualTo(ManualVendOutcome.DELIVERED);
    }

    /** status-poller refuses an approver equal to the proposer ignoring case and spaces; so does the queue. */
    @Test
    void theProposerCannotApproveUnderAnotherSpellingOfTheirName() {
        String orderId = escalatedOrder();
        String proposalId = as("olu").change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"Portal: failed\"}").json("$.proposal.id");
        for (String name : List.of("OLU", " Olu ")) {
            assertThatThrownBy(() -> vends.approve(new OpsUser(name, Set.of(OpsRole.OPERATOR)), orderId, proposalId,
                    "203.0.113.9").block(Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(VendRefusal.class,
                            r -> assertThat(r.reason()).isEqualTo(VendRefusal.Reason.SELF_APPROVAL));
        }
        assertThat(stored(orderId).get("proposal", Document.class).get("approvedBy")).isNull();
        assertThat(stored(orderId).getList("outbox", Object.class, List.of())).isEmpty();
    }

    /**
     * When status-poller dead-letters an approved decision, no outcome ever comes: once it is overdue, an operator
     * may reject the approved proposal (audited with its decision) and the vend is OPEN again; should the decision
     * have been applied after all, its outcome still settles the entry.
     */
    @Test
    void anApprovedProposalWhoseOutcomeIsOverdueCanBeRejected() {
        String orderId = escalatedOrder();
        String path = VENDS + "/" + orderId + "/proposal";
        String proposalId = as("olu").change(HttpMethod.POST, path,
                "{\"outcome\":\"NOT_DELIVERED\",\"note\":\"Portal: failed\"}").json("$.proposal.id");
        Browser.Response approved = as("ada").change(HttpMethod.POST, path + "/approve", seen(proposalId));
        assertThat(approved.status()).isEqualTo(200);
        String decisionId = approved.json("$.proposal.decisionId");
        Browser kofi = as("kofi");
        assertThat(kofi.change(HttpMethod.POST, path + "/reject", rejecting(proposalId, "no outcome")).json("$.type"))
                .isEqualTo("https://vendstream.dev/problems/already-approved");
        Browser.Response[] rejected = new Browser.Response[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            rejected[0] = kofi.change(HttpMethod.POST, path + "/reject",
                    rejecting(proposalId, "status-poller dead-lettered the decision"));
            assertThat(rejected[0].status()).isEqualTo(200);
        });
        assertThat(rejected[0].json("$.state")).isEqualTo("OPEN");
        assertThat(rejected[0].json("$.rejections[0].approvedBy")).isEqualTo("ada");
        assertThat(rejected[0].json("$.rejections[0].decisionId")).isEqualTo(decisionId);
        assertThat(rejected[0].json("$.rejections[0].rejectedBy")).isEqualTo("kofi");
        List<Map<String, Object>> entries = JsonPath.read(kofi.get("/ops/v1/audit?limit=500").body(),
                "$[?(@.subject == '" + orderId + "')]");
        assertThat(entries.get(0)).containsEntry("action", "VEND_DECISION_REJECTED").containsEntry("actor", "kofi")
                .satisfies(e -> assertThat((Map<String, Object>) e.get("details"))
                        .containsEntry("decisionId", decisionId).containsEntry("approvedBy", "ada"));

        // The decision was applied after all: its outcome settles the entry.
        publish(failed(orderId));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kofi.get(VENDS + "/" + orderId).json("$.state")).isEqualTo("SETTLED"));
    }

    @Test
    void tokensAndPinsAreShownInFullOnlyToOperatorsUntilSettled() {
        String orderId = escalatedOrder();
        Browser olu = as("olu");
        assertThat(olu.change(HttpMethod.POST, VENDS + "/" + orderId + "/proposal",
                "{\"outcome\":\"DELIVERED\",\"token\":\"" + TOKEN + "\",\"pins\":[\"4455-6677\"],"
                        + "\"receipt\":{\"token\":\"" + TOKEN + "\"},\"note\":\"token " + TOKEN + "\"}").status())
                .isEqualTo(201);
        assertThat(olu.get(VENDS + "/" + orderId).json("$.proposal.token")).isEqualTo(TOKEN);
        assertThat(olu.get(VENDS + "/" + orderId).json("$.proposal.pins[0]")).isEqualTo("4455-6677");
        for (String user : List.of("reader", "fatima")) {
            Browser browser = as(user);
            Browser.Response one = browser.get(VENDS + "/" + orderId);
            assertThat(one.json("$.proposal.token")).as(user).isEqualTo("****7890");
            assertThat(one.json("$.proposal.pins[0]")).as(user).isEqualTo("****6677");
            assertThat(one.json("$.proposal.note")).as(user).isEqualTo("token ****");
            assertThat(one.body()).as(user).doesNotContain(TOKEN).doesNotContain("4455-6677");
            assertThat(browser.get(VENDS).body()).as(user).doesNotContain(TOKEN).doesNotContain("4455-6677");
        }
        publish(succeeded(orderId, Resolution.REQUERY));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(olu.get(VENDS + "/" + orderId).json("$.state")).isEqualTo("SETTLED"));
        assertThat(olu.get(VENDS + "/" + orderId).json("$.proposal.pins[0]")).isEqualTo("****6677");
        assertThat(olu.get(VENDS + "?state=ALL&limit=1000").body()).doesNotContain(TOKEN).doesNotContain("4455-6677");
    }

    static String seen(String proposalId) {
        return "{\"proposalId\":\"" + proposalId + "\"}";
    }

    static String rejecting(String proposalId, String reason) {
        return "{\"proposalId\":\"" + proposalId + "\",\"reason\":\"" + reason + "\"}";
    }

    // --- events as status-poller writes them ---

    static String newOrder() {
        return "ord-" + UUID.randomUUID();
    }

    static VendUnresolved unresolved(String orderId, int requeries) {
        Instant first = Instant.parse("2026-03-02T09:00:00Z");
        List<RequeryReply> replies = new ArrayList<>();
        for (int i = 1; i <= requeries; i++) {
            boolean last = i == requeries && requeries > 2;
            replies.add(RequeryReply.newBuilder().setAt(first.plus(i, ChronoUnit.MINUTES))
                    .setProviderCode(last ? null : "099").setDecision(last ? "NO_ANSWER" : "REQUERY")
                    .setDetail(last ? "read timed out" : "TRANSACTION IS PROCESSING").build());
        }
        Instant at = first.plus(30 + requeries, ChronoUnit.MINUTES);
        return VendUnresolved.newBuilder()
                .setEnvelope(envelope(orderId, VendUnresolved.class, String.valueOf(requeries), at))
                .setVend(ref(orderId)).setAmount(new Money(150000L, "NGN")).setFirstPendingAt(first)
                .setRequeryCount(requeries).setLastProviderCode("099")
                .setReason("deadline passed: no final answer in PT30M").setRequeries(replies).build();
    }

    static VendSucceeded succeeded(String orderId, Resolution by) {
        return VendSucceeded.newBuilder()
                .setEnvelope(envelope(orderId, VendSucceeded.class, by.name(), Instant.parse("2026-03-02T10:00:00Z")))
                .setVend(ref(orderId)).setAmount(new Money(150000L, "NGN")).setToken(TOKEN).setResolvedBy(by).build();
    }

    static VendFailed failed(String orderId) {
        return VendFailed.newBuilder()
                .setEnvelope(envelope(orderId, VendFailed.class, "requery", Instant.parse("2026-03-02T09:20:00Z")))
                .setVend(ref(orderId)).setAmount(new Money(150000L, "NGN"))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setProviderCode("016")
                .setResolvedBy(Resolution.REQUERY).build();
    }

    static Envelope envelope(String orderId, Class<?> type, String discriminator, Instant at) {
        return Envelopes.create(Envelopes.eventId(orderId, type.getSimpleName(), discriminator), type, orderId, at,
                LocalDate.parse("2026-03-02"), MERCHANT, "status-poller", "corr-" + orderId, null);
    }

    static VendRef ref(String orderId) {
        return VendRef.newBuilder().setProvider("vtpass").setProviderReference("ref-" + orderId)
                .setProviderTransactionId("vt-991").build();
    }

    static void publish(SpecificRecord event) {
        publish(producer, event);
    }

    /** Publishes to vendstream.vend.resolutions as status-poller does, keyed by the order. */
    static void publish(KafkaProducer<String, SpecificRecord> producer, SpecificRecord event) {
        String orderId = com.vendstream.kit.events.Events.envelope(event).getOrderId();
        try {
            producer.send(new ProducerRecord<>(Topics.VEND_RESOLUTIONS.topic(), orderId, event)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new order status-poller escalated, once the queue shows it. */
    String escalatedOrder() {
        String orderId = newOrder();
        publish(unresolved(orderId, 1));
        awaitVend(as("reader"), orderId);
        return orderId;
    }

    static Browser.Response awaitVend(Browser browser, String orderId) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(browser.get(VENDS + "/" + orderId).status()).isEqualTo(200));
        return browser.get(VENDS + "/" + orderId);
    }

    Document stored(String orderId) {
        return mongo.getCollection(UnresolvedVendStore.COLLECTION)
                .flatMap(c -> reactor.core.publisher.Mono.from(c.find(new Document("_id", orderId)).first()))
                .block(Duration.ofSeconds(10));
    }

    /** The decisions on vendstream.ops.decisions for this order, read with the registry's deserializer: exactly n. */
    static List<ManualVendDecision> decisionsFor(String orderId, int n) {
        return decisionsFor(parts, orderId, n);
    }

    static List<ManualVendDecision> decisionsFor(EmbeddedParts parts, String orderId, int n) {
        return recordsFor(parts, Topics.OPS_DECISIONS.topic(), orderId, n, ManualVendDecision.class, r -> r.key());
    }

    /** The audit events of this order, in topic order: exactly n. */
    static List<OpsAudit> auditEventsFor(String orderId, int n) {
        return recordsFor(parts, Topics.OPS_AUDIT.topic(), orderId, n, OpsAudit.class,
                r -> ((OpsAudit) r.value()).getEnvelope().getOrderId());
    }

    private static <T> List<T> recordsFor(EmbeddedParts parts, String topic, String orderId, int n, Class<T> type,
                                          java.util.function.Function<ConsumerRecord<String, Object>, String> order) {
        List<T> found = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            consumer.subscribe(List.of(topic));
            // Assigned before anything is counted, and read from the beginning: otherwise "exactly n" (above all
            // n = 0) could pass while the consumer still waits for its partitions and has read nothing at all.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
            consumer.seekToBeginning(consumer.assignment());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                poll(consumer, orderId, type, order, found);
                assertThat(found).hasSizeGreaterThanOrEqualTo(n);
            });
            // No second copy follows: the topic keeps exactly n for this order while the relay keeps sweeping.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                poll(consumer, orderId, type, order, found);
                assertThat(found).hasSize(n);
            });
        }
        return found;
    }

    private static <T> void poll(KafkaConsumer<String, Object> consumer, String orderId, Class<T> type,
                                 java.util.function.Function<ConsumerRecord<String, Object>, String> order,
                                 List<T> found) {
        for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
            if (orderId.equals(order.apply(r))) {
                assertThat(r.value()).isInstanceOf(type);
                found.add(type.cast(r.value()));
            }
        }
    }
}
