package com.vendstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.jayway.jsonpath.JsonPath;
import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.recon.ReconciliationApplication;
import com.vendstream.recon.access.FinanceUsers;
import com.vendstream.recon.discrepancy.Discrepancy;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import com.vendstream.recon.ledger.Fact;
import com.vendstream.recon.ledger.FactKind;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The back office's reconciliation endpoints against a real reconciliation-service, started beside ops-service in
 * this JVM (as the local stack runs them) on the same embedded broker, registry and store, with a FINANCE token
 * of its own, configured there as acting for others (so the logged-in user's name it passes on is recorded). Its
 * data is stored through its own stores (the facts its consumers would store, the discrepancies its matching
 * would find), and everything else goes over HTTP as in production.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = OpsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ops-service", "vendstream.outbox.sweep-interval=PT0.5S",
                "vendstream.ops.login.guard-key=a test key of thirty-two characters or more",
                "vendstream.ops.recon.timeout=PT5S"})
class ReconOpsTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String RECON_TOKEN = "ops-finance-token-" + UUID.randomUUID();
    static final String MERCHANT = "m-recon";
    static final LocalDate DAY = LocalDate.of(2026, 2, 10);

    static EmbeddedParts parts;
    static int reconPort;
    static ConfigurableApplicationContext recon;

    @BeforeAll
    static void infrastructure() throws IOException {
        parts = EmbeddedParts.start(EmbeddedBroker.withServiceTopics(1), EmbeddedStore.inMemory());
        reconPort = freePort();
        recon = startRecon();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** reconciliation-service as the local stack starts it: its own configuration file, settings as arguments. */
    static ConfigurableApplicationContext startRecon() {
        return startRecon(parts, reconPort);
    }

    /** reconciliation-service on these parts and port, trusting {@link #RECON_TOKEN} (ConsoleScenarioTest too). */
    static ConfigurableApplicationContext startRecon(EmbeddedParts parts, int reconPort) {
        List<String> args = new ArrayList<>();
        parts.endpoints("recon").forEach((key, value) -> args.add("--" + key + "=" + value));
        args.addAll(List.of("--spring.config.name=" + ReconciliationApplication.CONFIG_NAME,
                "--server.port=" + reconPort, "--vendstream.recon.auto-close.enabled=false",
                "--vendstream.recon.rematch.enabled=false", "--vendstream.outbox.sweep-interval=PT0.5S",
                "--vendstream.recon.users[0].name=ops-service",
                "--vendstream.recon.users[0].token-sha256=" + FinanceUsers.sha256(RECON_TOKEN),
                "--vendstream.recon.users[0].roles=FINANCE", "--vendstream.recon.users[0].acts-for-others=true"));
        return new SpringApplicationBuilder(ReconciliationApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stopRecon() {
        if (recon != null) {
            recon.close();
        }
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "ops");
        props.add("vendstream.ops.recon.url", () -> "http://localhost:" + reconPort);
        props.add("vendstream.ops.recon.token", () -> RECON_TOKEN);
        Browser.users(props, PASSWORD, new String[][] {{"olu", "OPERATOR"}, {"fatima", "FINANCE"},
            {"reader", "READ_ONLY"}});
    }

    @LocalServerPort
    int port;

    Browser as(String username) {
        Browser browser = new Browser(port);
        assertThat(browser.login(username, PASSWORD).status()).isEqualTo(200);
        return browser;
    }

    /** Two discrepancies of the day, one per provider, as the matching stores them (OPEN, event in the outbox). */
    static List<Discrepancy> discrepanciesOn(LocalDate day) {
        return discrepanciesOn(recon, day);
    }

    static List<Discrepancy> discrepanciesOn(ConfigurableApplicationContext recon, LocalDate day) {
        Discrepancy vtpass = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, day,
                "vtpass", "ref-v-" + day), day, DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, "vtpass", "ref-v-" + day,
                "ov-" + day, MERCHANT, 30_000L, null, "NGN", Map.of("provider.status", "SUCCEEDED",
                "wallet.refundMinor", "30000"), "Recover from VTpass or write off", "provider:vtpass",
                DiscrepancyStatus.OPEN);
        Discrepancy pagamio = new Discrepancy(Discrepancy.idOf(DiscrepancyKind.AMOUNT_MISMATCH, day, "pagamio",
                "ref-p-" + day), day, DiscrepancyKind.AMOUNT_MISMATCH, "pagamio", "ref-p-" + day, "op-" + day,
                MERCHANT, 10_000L, 12_000L, "ZAR", Map.of("provider.amount", "12000"), "Claim the difference",
                "provider:pagamio", DiscrepancyStatus.OPEN);
        DiscrepancyStore store = recon.getBean(DiscrepancyStore.class);
        store.sync(day, "provider:vtpass", List.of(vtpass), Set.of(), Instant.now());
        store.sync(day, "provider:pagamio", List.of(pagamio), Set.of(), Instant.now());
        return List.of(vtpass, pagamio);
    }

    /** The facts reconciliation-service's consumers store for a delivered and kept order. */
    static void deliveredOrder(String orderId, String provider, long amountMinor, String currency) {
        FactStore facts = recon.getBean(FactStore.class);
        Instant at = DAY.atTime(10, 0).toInstant(java.time.ZoneOffset.UTC);
        facts.apply(new Fact(orderId + "-a", FactKind.ACCEPTED, at, DAY, MERCHANT, orderId, null, null, null,
                amountMinor, currency, null, "AIRTIME", null, null, null, null));
        facts.apply(new Fact(orderId + "-v", FactKind.VEND_SUCCEEDED, at, DAY, MERCHANT, orderId, provider,
                "ref-" + orderId, "tx-" + orderId, amountMinor, currency, null, "AIRTIME", null, null, null, null));
        facts.apply(new Fact(orderId + "-c", FactKind.COMPLETED, at, DAY, MERCHANT, orderId, null, null, null,
                amountMinor, currency, null, null, null, null, null, null));
    }

    static List<Map<String, Object>> auditOf(Browser browser, String subject) {
        Browser.Response audit = browser.get("/ops/v1/audit?limit=500");
        assertThat(audit.status()).isEqualTo(200);
        return JsonPath.read(audit.body(), "$[?(@.subject == '" + subject + "')]");
    }

    /** An RFC 9457 answer of this status and problem type. */
    static void problem(Browser.Response response, int status, String type) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.headers().getContentType().toString()).isEqualTo("application/problem+json");
        assertThat(response.json("$.type")).isEqualTo("https://vendstream.dev/problems/" + type);
    }

    @Test
    void everyRoleListsFiltersAndDownloads() {
        List<Discrepancy> seeded = discrepanciesOn(DAY);
        deliveredOrder("o1", "vtpass", 50_000, "NGN");
        deliveredOrder("o2", "vtpass", 20_000, "NGN");
        deliveredOrder("o3", "pagamio", 10_000, "ZAR");
        for (String user : List.of("olu", "fatima", "reader")) {
            Browser browser = as(user);
            Browser.Response all = browser.get("/ops/v1/recon/discrepancies?day=" + DAY);
            assertThat(all.status()).isEqualTo(200);
            assertThat(JsonPath.<List<String>>read(all.body(), "$[*].discrepancyId"))
                    .containsExactlyInAnyOrder(seeded.get(0).discrepancyId(), seeded.get(1).discrepancyId());

            Browser.Response vtpass = browser.get("/ops/v1/recon/discrepancies?day=" + DAY + "&provider=vtpass"
                    + "&status=OPEN");
            assertThat(JsonPath.<List<String>>read(vtpass.body(), "$[*].discrepancyId"))
                    .containsExactly(seeded.get(0).discrepancyId());
            assertThat(vtpass.json("$[0].ourAmount.minor")).isEqualTo("30000");
            assertThat(vtpass.json("$[0].ourAmount.currency")).isEqualTo("NGN");
            assertThat(vtpass.json("$[0].evidence['wallet.refundMinor']")).isEqualTo("30000");
            assertThat(vtpass.json("$[0].suggestedAction")).isEqualTo("Recover from VTpass or write off");
            // A value is passed on whole: it cannot smuggle a parameter of its own.
            assertThat(browser.get("/ops/v1/recon/discrepancies?day=" + DAY + "&provider=vtpass%26status%3DOPEN")
                    .body()).isEqualTo("[]");
            assertThat(JsonPath.<List<Object>>read(browser.get("/ops/v1/recon/discrepancies?day=" + DAY
                    + "&status=RESOLVED").body(), "$")).isEmpty();

            Browser.Response csv = browser.get("/ops/v1/recon/discrepancies.csv?day=" + DAY + "&provider=pagamio");
            assertThat(csv.status()).isEqualTo(200);
            assertThat(csv.headers().getContentType().toString()).startsWith("text/csv");
            assertThat(csv.headers().getFirst("Content-Disposition"))
                    .isEqualTo("attachment; filename=\"discrepancies-" + DAY + ".csv\"");
            String[] rows = csv.body().split("\r\n");
            assertThat(rows).hasSize(2);
            assertThat(rows[0]).startsWith("discrepancyId,businessDay,merchantId,provider,kind,status,orderId,"
                    + "providerReference,currency,currencyExponent,ourAmountMinor,providerAmountMinor,");
            assertThat(rows[1]).startsWith(seeded.get(1).discrepancyId() + "," + DAY + "," + MERCHANT
                    + ",pagamio,AMOUNT_MISMATCH,OPEN,op-" + DAY + ",ref-p-" + DAY + ",ZAR,2,10000,12000,");

            Browser.Response ledgers = browser.get("/ops/v1/recon/ledgers?day=" + DAY);
            assertThat(ledgers.status()).isEqualTo(200);
            assertThat(JsonPath.<List<String>>read(ledgers.body(), "$[*].ledgerId")).containsExactlyInAnyOrder(
                    MERCHANT + "|" + DAY + "|vtpass|AIRTIME|NGN", MERCHANT + "|" + DAY + "|pagamio|AIRTIME|ZAR");
            assertThat(JsonPath.<List<Boolean>>read(ledgers.body(), "$[*].provisional")).containsOnly(true);

            Browser.Response ledgerCsv = browser.get("/ops/v1/recon/days/" + DAY + "/ledger.csv");
            assertThat(ledgerCsv.status()).isEqualTo(200);
            assertThat(ledgerCsv.headers().getFirst("X-Recon-Provisional")).isEqualTo("true");
            assertThat(ledgerCsv.headers().getFirst("Content-Disposition"))
                    .isEqualTo("attachment; filename=\"ledger-" + DAY + "-provisional.csv\"");
            assertThat(ledgerCsv.body().split("\r\n")).hasSize(3);

            Browser.Response volumes = browser.get("/ops/v1/recon/days/" + DAY + "/volumes");
            assertThat(volumes.status()).isEqualTo(200);
            assertThat(JsonPath.<List<Map<String, Object>>>read(volumes.body(), "$")).containsExactly(
                    Map.of("provider", "pagamio", "currency", "ZAR", "orders", 1,
                            "amount", Map.of("minor", 10_000, "currency", "ZAR")),
                    Map.of("provider", "vtpass", "currency", "NGN", "orders", 2,
                            "amount", Map.of("minor", 70_000, "currency", "NGN")));
        }
        // Both CSVs are reconciliation-service's, the merchant filter passed on (issue 16 item 6).
        Browser reader = as("reader");
        String[] ledgerRows = reader.get("/ops/v1/recon/days/" + DAY + "/ledger.csv?merchantId=" + MERCHANT).body()
                .split("\r\n");
        assertThat(ledgerRows).hasSize(3);
        assertThat(ledgerRows[0]).startsWith("businessDay,merchantId,provider,service,currency,currencyExponent,");
        assertThat(ledgerRows).anySatisfy(row -> assertThat(row).contains(",pagamio,AIRTIME,ZAR,2,"));
        assertThat(reader.get("/ops/v1/recon/days/" + DAY + "/ledger.csv?merchantId=second-merchant").body()
                .split("\r\n")).hasSize(1);
        assertThat(JsonPath.<List<Object>>read(reader.get("/ops/v1/recon/ledgers?day=" + DAY
                + "&merchantId=second-merchant").body(), "$")).isEmpty();
        assertThat(JsonPath.<List<Object>>read(reader.get("/ops/v1/recon/discrepancies?day=" + DAY
                + "&merchantId=second-merchant").body(), "$")).isEmpty();
        assertThat(reader.get("/ops/v1/recon/discrepancies.csv?day=" + DAY + "&merchantId=" + MERCHANT).body()
                .split("\r\n")).hasSize(3);
        // reconciliation-service's refusals are passed on as it gives them.
        Browser.Response bad = reader.get("/ops/v1/recon/discrepancies?day=yesterday");
        problem(bad, 400, "invalid-request");
        assertThat(reader.get("/ops/v1/recon/days/2999-01-01/volumes").json("$.type"))
                .isEqualTo("https://vendstream.dev/problems/day-out-of-range");
        assertThat(new Browser(port).get("/ops/v1/recon/discrepancies?day=" + DAY).status()).isEqualTo(401);
    }

    @Test
    void financeAcknowledgesAndResolvesEachAuditedAndARefusalWithItsOutcome() {
        LocalDate day = DAY.plusDays(1);
        Discrepancy d = discrepanciesOn(day).get(0);
        String id = d.discrepancyId();
        Browser fatima = as("fatima");

        // Without the session's CSRF token nothing happens.
        assertThat(fatima.send(HttpMethod.POST, "/ops/v1/recon/discrepancies/" + id + "/acknowledge", "{}", null)
                .status()).isEqualTo(403);
        Browser.Response acknowledged = fatima.change(HttpMethod.POST,
                "/ops/v1/recon/discrepancies/" + id + "/acknowledge",
                "{\"note\":\"asked VTpass for their delivery receipt\"}");
        assertThat(acknowledged.status()).isEqualTo(200);
        assertThat(acknowledged.json("$.status")).isEqualTo("ACKNOWLEDGED");
        // reconciliation-service records the user with the credential that vouched for the name.
        assertThat(acknowledged.json("$.acknowledgedBy")).isEqualTo("fatima via ops-service");
        assertThat(acknowledged.json("$.note")).isEqualTo("asked VTpass for their delivery receipt");
        // Twice is once: the same acknowledgement is the answer.
        Browser.Response again = fatima.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/" + id + "/acknowledge",
                "{}");
        assertThat(again.json("$.acknowledgedAt")).isEqualTo(acknowledged.json("$.acknowledgedAt"));

        Browser.Response invalid = fatima.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/" + id + "/resolve",
                "{\"resolution\":\"LOST\",\"note\":\"x\"}");
        problem(invalid, 400, "invalid-request");
        Browser.Response resolved = fatima.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/" + id + "/resolve",
                "{\"resolution\":\"WRITTEN_OFF\",\"note\":\"below the claim limit\"}");
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.json("$.status")).isEqualTo("RESOLVED");
        assertThat(resolved.json("$.resolution")).isEqualTo("WRITTEN_OFF");
        assertThat(resolved.json("$.resolvedBy")).isEqualTo("fatima via ops-service");
        // Another resolution: reconciliation-service's 409 problem, passed on.
        Browser.Response conflict = fatima.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/" + id + "/resolve",
                "{\"resolution\":\"REFUNDED\",\"note\":\"refunded instead\"}");
        problem(conflict, 409, "already-resolved");
        String unknownId = UUID.randomUUID().toString();
        Browser.Response unknown = fatima.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/"
                + unknownId + "/acknowledge", "{}");
        problem(unknown, 404, "no-such-discrepancy");

        Browser.Response listed = fatima.get("/ops/v1/recon/discrepancies?day=" + day + "&status=RESOLVED");
        assertThat(JsonPath.<List<String>>read(listed.body(), "$[*].discrepancyId")).containsExactly(id);

        // Each attempt has its entry (that it is written before the change: the 503 test), and a refused one is
        // followed by its outcome: the refused REFUNDED is not read as a resolution. (In any order: two entries
        // may share a millisecond.)
        List<Map<String, Object>> entries = auditOf(fatima, id);
        assertThat(entries).extracting(e -> e.get("action"), e -> e.get("reason"), e -> outcomeOf(e))
                .containsExactlyInAnyOrder(
                tuple("DISCREPANCY_RESOLVED", "REFUNDED", "already-resolved"),
                tuple("DISCREPANCY_RESOLVED", "REFUNDED", null),
                tuple("DISCREPANCY_RESOLVED", "WRITTEN_OFF", null),
                tuple("DISCREPANCY_ACKNOWLEDGED", null, null),
                tuple("DISCREPANCY_ACKNOWLEDGED", null, null));
        assertThat(entries).allSatisfy(e -> assertThat(e.get("actor")).isEqualTo("fatima"));
        assertThat(auditOf(fatima, unknownId)).extracting(e -> e.get("action"), e -> outcomeOf(e))
                .containsExactlyInAnyOrder(
                tuple("DISCREPANCY_ACKNOWLEDGED", "no-such-discrepancy"), tuple("DISCREPANCY_ACKNOWLEDGED", null));
        // The note is free text a person typed: it stays out of the trail.
        assertThat(fatima.get("/ops/v1/audit?limit=500").body()).doesNotContain("delivery receipt", "claim limit");
    }

    /** The outcome an entry records: null for the request, the problem's reason code for a refused one. */
    @SuppressWarnings("unchecked")
    static Object outcomeOf(Map<String, Object> entry) {
        return ((Map<String, Object>) entry.get("details")).get("outcome");
    }

    @Test
    void operatorsAndReadersMayNotActOnDiscrepancies() {
        LocalDate day = DAY.plusDays(2);
        Discrepancy d = discrepanciesOn(day).get(0);
        for (String user : List.of("olu", "reader")) {
            Browser browser = as(user);
            for (String change : List.of("/acknowledge", "/resolve")) {
                Browser.Response refused = browser.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/"
                        + d.discrepancyId() + change, "{\"resolution\":\"WRITTEN_OFF\",\"note\":\"x\"}");
                problem(refused, 403, "forbidden");
            }
        }
        Browser reader = as("reader");
        assertThat(reader.get("/ops/v1/recon/discrepancies?day=" + day + "&provider=vtpass").json("$[0].status"))
                .isEqualTo("OPEN");
        assertThat(auditOf(reader, d.discrepancyId())).isEmpty();
    }

    @Test
    void reconciliationDownIs503AuditedFirstThenItsOutcomeAndNoChange() {
        LocalDate day = DAY.plusDays(3);
        Discrepancy d = discrepanciesOn(day).get(0);
        Browser fatima = as("fatima");
        recon.close();
        try {
            for (String path : List.of("/ops/v1/recon/discrepancies?day=" + day, "/ops/v1/recon/ledgers?day=" + day,
                    "/ops/v1/recon/days/" + day + "/volumes", "/ops/v1/recon/days/" + day + "/ledger.csv",
                    "/ops/v1/recon/discrepancies.csv?day=" + day)) {
                Browser.Response down = fatima.get(path);
                problem(down, 503, "recon-unavailable");
            }
            Browser.Response acknowledge = fatima.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/"
                    + d.discrepancyId() + "/acknowledge", "{}");
            problem(acknowledge, 503, "recon-unavailable");
            // Audited first: the request is in the trail although reconciliation-service never saw it, followed
            // by its outcome.
            assertThat(auditOf(fatima, d.discrepancyId())).extracting(e -> e.get("action"), e -> outcomeOf(e))
                    .containsExactlyInAnyOrder(tuple("DISCREPANCY_ACKNOWLEDGED", "recon-unavailable"),
                            tuple("DISCREPANCY_ACKNOWLEDGED", null));
        } finally {
            recon = startRecon();
        }
        // ... and the change is absent: the entry came before any change.
        assertThat(fatima.get("/ops/v1/recon/discrepancies?day=" + day + "&provider=vtpass").json("$[0].status"))
                .isEqualTo("OPEN");
        // Repeating it once reconciliation-service is back makes the change.
        Browser.Response repeated = fatima.change(HttpMethod.POST, "/ops/v1/recon/discrepancies/"
                + d.discrepancyId() + "/acknowledge", "{}");
        assertThat(repeated.status()).isEqualTo(200);
        assertThat(repeated.json("$.status")).isEqualTo("ACKNOWLEDGED");
    }
}
