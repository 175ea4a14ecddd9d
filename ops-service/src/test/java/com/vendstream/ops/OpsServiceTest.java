package com.vendstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import com.vendstream.events.OpsAction;
import com.vendstream.events.OpsAudit;
import com.vendstream.ops.login.LoginGuard;
import com.vendstream.ops.login.LoginGuardStore;
import com.vendstream.ops.login.Logins;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.threeten.extra.MutableClock;

/**
 * ops-service on a real broker, the in-process schema registry and a restartable MongoDB wire store: session
 * logins with CSRF protection, lockout that outlives a store restart, role checks, and the audit trail on its
 * topic in Confluent wire format.
 */
@ExtendWith({StopPartsAfterSpring.class, OutputCaptureExtension.class})
@DirtiesContext
@SpringBootTest(classes = {OpsApplication.class, OpsServiceTest.Clocks.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ops-service", "vendstream.ops.lockout.max-failures=3",
                "vendstream.ops.lockout.window=PT10M", "vendstream.ops.lockout.duration=PT15M",
                "vendstream.outbox.sweep-interval=PT0.5S",
                "vendstream.ops.login.guard-key=a test key of thirty-two characters or more",
                // Above the parallel test's logins: the limit itself is PasswordChecksTest's.
                "vendstream.ops.login.max-concurrent=16"})
class OpsServiceTest {

    static final String PASSWORD = "correct horse battery staple";
    static final MutableClock CLOCK = MutableClock.of(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);

    static EmbeddedParts parts;

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return CLOCK;
        }
    }

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(EmbeddedBroker.withServiceTopics(1), EmbeddedStore.restartable());
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "ops" + EmbeddedStore.FAIL_FAST);
        Browser.users(props, PASSWORD, new String[][] {{"olu", "OPERATOR"}, {"fatima", "FINANCE"},
            {"reader", "READ_ONLY"}, {"lena", "OPERATOR"}, {"kofi", "OPERATOR"}, {"mira", "OPERATOR"}});
    }

    @LocalServerPort
    int port;

    @Autowired
    ReactiveMongoTemplate mongo;

    @Autowired
    LoginGuardStore guards;

    @Autowired
    Logins logins;

    Browser browser() {
        return new Browser(port);
    }

    @Test
    void aUserLogsInAndTheSessionKnowsItsRoles() {
        Browser browser = browser();
        assertThat(browser.get("/ops/v1/session").status()).isEqualTo(401);
        // Nothing anonymous gets a session (so no one can fill the session store): no token before a login.
        assertThat(browser.get("/ops/v1/session/csrf").status()).isEqualTo(401);
        assertThat(browser.cookies).doesNotContainKey("SESSION");
        assertThat(browser.login("olu", PASSWORD).status()).isEqualTo(200);
        String csrfBefore = browser.csrf;
        assertThat(csrfBefore).isNotBlank();
        Browser.Response login = browser.login("olu", PASSWORD);
        assertThat(login.status()).isEqualTo(200);
        // Each login answers a new CSRF token; the one from before it no longer passes.
        assertThat(login.json("$.csrf.headerName")).isEqualTo("X-XSRF-TOKEN");
        assertThat(browser.csrf).isNotBlank().isNotEqualTo(csrfBefore);
        assertThat(browser.get("/ops/v1/session/csrf").json("$.token")).isEqualTo(browser.csrf);
        assertThat(browser.send(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null, csrfBefore).status())
                .isEqualTo(403);
        assertThat(login.json("$.username")).isEqualTo("olu");
        assertThat(login.json("$.roles")).isEqualTo("[\"OPERATOR\"]");
        assertThat(browser.cookies).containsKey("SESSION");

        Browser.Response session = browser.get("/ops/v1/session");
        assertThat(session.status()).isEqualTo(200);
        assertThat(session.json("$.username")).isEqualTo("olu");
        assertThat(actionsOf(browser, "olu")).contains("LOGIN_SUCCEEDED");

        // Logout needs the CSRF token too; afterwards the session is gone.
        assertThat(browser.send(HttpMethod.DELETE, "/ops/v1/session", null, null).status()).isEqualTo(403);
        String session0 = browser.cookies.get("SESSION");
        assertThat(browser.change(HttpMethod.DELETE, "/ops/v1/session", null).status()).isEqualTo(204);
        Browser stale = browser();
        stale.cookies.put("SESSION", session0);
        assertThat(stale.get("/ops/v1/session").status()).isEqualTo(401);
        Browser other = browser();
        other.login("reader", PASSWORD);
        assertThat(actionsOf(other, "olu")).contains("LOGOUT");
    }

    @Test
    void eachLoginGivesTheSessionANewId() {
        Browser browser = browser();
        assertThat(browser.login("olu", PASSWORD).status()).isEqualTo(200);
        String first = browser.cookies.get("SESSION");
        // A session id known before a login (fixation) is not the logged-in session after it.
        assertThat(browser.login("fatima", PASSWORD).status()).isEqualTo(200);
        assertThat(browser.cookies.get("SESSION")).isNotEqualTo(first);
        Browser stale = browser();
        stale.cookies.put("SESSION", first);
        assertThat(stale.get("/ops/v1/session").status()).isEqualTo(401);
        assertThat(browser.get("/ops/v1/session").json("$.username")).isEqualTo("fatima");
    }

    @Test
    void aWrongPasswordOrUnknownUserIsA401ProblemAndAudited() {
        Browser browser = browser();
        Browser.Response wrong = browser.login("kofi", "not the password");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers().getContentType()).hasToString("application/problem+json");
        assertThat(wrong.json("$.type")).isEqualTo("https://vendstream.dev/problems/bad-credentials");
        assertThat(wrong.json("$.status")).isEqualTo("401");
        Browser.Response unknown = browser.login("nobody", "whatever");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo(wrong.body());
        assertThat(browser.get("/ops/v1/audit").status()).isEqualTo(401);
        assertThat(browser.get("/ops/v1/audit").json("$.type"))
                .isEqualTo("https://vendstream.dev/problems/unauthenticated");

        Browser reader = browser();
        reader.login("reader", PASSWORD);
        List<Map<String, Object>> entries = JsonPath.read(reader.get("/ops/v1/audit?limit=500").body(), "$");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e).containsEntry("action", "LOGIN_FAILED").containsEntry("actor", "kofi")
                    .containsEntry("reason", "BAD_CREDENTIALS");
        });
        // What was typed under an unknown name may be a password: the entry keeps no name.
        assertThat(reader.get("/ops/v1/audit?limit=500").body()).doesNotContain("nobody", "whatever",
                "not the password");
        assertThat(reader.get("/ops/v1/audit?limit=0").status()).isEqualTo(400);
        assertThat(reader.get("/ops/v1/audit?limit=x").json("$.type"))
                .isEqualTo("https://vendstream.dev/problems/invalid-request");
    }

    @Test
    void aChangeWithoutTheCsrfTokenIsRefused() {
        Browser browser = browser();
        assertThat(browser.login("olu", PASSWORD).status()).isEqualTo(200);
        Browser.Response unlock = browser.send(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null, null);
        assertThat(unlock.status()).isEqualTo(403);
        assertThat(unlock.json("$.type")).isEqualTo("https://vendstream.dev/problems/csrf-token-missing");
        // A token of another value is no better than none.
        Browser.Response forged = browser.send(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null, "forged-token");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(browser.change(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null).status()).isEqualTo(204);
    }

    @Test
    void aLoginFromAnotherSiteOrAsAFormIsRefusedWithoutASession() {
        // What stands in for a login's CSRF token: JSON only (a page of another site cannot send it without a CORS
        // preflight) and never when the browser says the request comes from another site.
        org.springframework.test.web.reactive.server.WebTestClient client =
                org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                        .baseUrl("http://localhost:" + port).build();
        client.post().uri("/ops/v1/session").header("Sec-Fetch-Site", "cross-site")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"olu\",\"password\":\"" + PASSWORD + "\"}")
                .exchange().expectStatus().isBadRequest().expectCookie().doesNotExist("SESSION");
        client.post().uri("/ops/v1/session").contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("username=olu&password=" + PASSWORD)
                .exchange().expectStatus().isBadRequest().expectCookie().doesNotExist("SESSION");
        // text/plain is what a page of another site can send without a preflight.
        client.post().uri("/ops/v1/session").contentType(org.springframework.http.MediaType.TEXT_PLAIN)
                .bodyValue("{\"username\":\"olu\",\"password\":\"" + PASSWORD + "\"}")
                .exchange().expectStatus().isBadRequest().expectCookie().doesNotExist("SESSION");
        client.post().uri("/ops/v1/session").header("Sec-Fetch-Site", "same-site")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"olu\",\"password\":\"" + PASSWORD + "\"}")
                .exchange().expectStatus().isBadRequest().expectCookie().doesNotExist("SESSION");
        client.post().uri("/ops/v1/session").header("Sec-Fetch-Site", "same-origin")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"olu\",\"password\":\"" + PASSWORD + "\"}")
                .exchange().expectStatus().isOk().expectCookie().exists("SESSION");
    }

    @Test
    void aSelfMadeCsrfCookieAndHeaderPairIsRefused() {
        Browser browser = browser();
        assertThat(browser.login("olu", PASSWORD).status()).isEqualTo(200);
        // Whatever pair a client (or a page that can set a cookie for the host) makes up, the session's token decides.
        browser.cookies.put(Browser.CSRF_COOKIE, "self-made-token");
        Browser.Response forged = browser.send(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null, "self-made-token");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json("$.type")).isEqualTo("https://vendstream.dev/problems/csrf-token-missing");
        // Another session's token is no better.
        Browser other = browser();
        other.login("lena", PASSWORD);
        assertThat(browser.send(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null, other.csrf).status())
                .isEqualTo(403);
        assertThat(browser.change(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null).status()).isEqualTo(204);
    }

    @Test
    void parallelWrongLoginsCannotOutrunTheLockout() throws Exception {
        int parallel = 10;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                int n = i;
                Browser browser = browser();
                answers.add(pool.submit(() -> {
                    start.await();
                    return browser.login("mira", "parallel guess " + n).status();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
            // max-failures is 3: two guesses are checked and refused, the third's count locks, the rest meet the lock.
            assertThat(statuses).containsOnly(401, 423);
            assertThat(statuses).filteredOn(s -> s == 401).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(browser().login("mira", PASSWORD).status()).isEqualTo(423);
        Browser operator = browser();
        operator.login("olu", PASSWORD);
        assertThat(operator.change(HttpMethod.POST, "/ops/v1/users/mira/unlock", null).status()).isEqualTo(204);
        assertThat(browser().login("mira", PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aNameThatIsNoUserIsLockedLikeOneThatIsAndNotStoredInClear() {
        for (int i = 0; i < 2; i++) {
            assertThat(browser().login("kofi-typo", "guess " + i).status()).isEqualTo(401);
        }
        Browser.Response third = browser().login("kofi-typo", "guess 2");
        assertThat(third.status()).isEqualTo(423);
        assertThat(third.headers().getFirst("Retry-After")).isNotBlank();
        assertThat(browser().login("kofi-typo", "guess 3").status()).isEqualTo(423);
        List<Document> stored = mongo.getCollection(LoginGuardStore.COLLECTION)
                .flatMapMany(c -> reactor.core.publisher.Flux.from(c.find()))
                .collectList().block(Duration.ofSeconds(10));
        assertThat(stored).anySatisfy(d -> assertThat(d.getString("_id")).isEqualTo(guards.idOf("kofi-typo")));
        assertThat(stored).extracting(d -> d.getString("_id")).doesNotContain("kofi-typo", "kofi", "lena", "mira");
        assertThat(stored.toString()).doesNotContain("kofi-typo");
    }

    @Test
    void aMalformedLoginIsA400Problem() {
        Browser browser = browser();
        Browser.Response notJson = browser.change(HttpMethod.POST, "/ops/v1/session", "{\"username\":");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json("$.type")).isEqualTo("https://vendstream.dev/problems/invalid-request");
        assertThat(browser.change(HttpMethod.POST, "/ops/v1/session", "{\"username\":\"olu\"}").status())
                .isEqualTo(400);
    }

    @Test
    void failedLoginsLockTheUserAndTheLockOutlivesAStoreRestart() {
        Browser browser = browser();
        assertThat(browser.login("lena", "guess 1").status()).isEqualTo(401);
        assertThat(browser.login("lena", "guess 2").status()).isEqualTo(401);
        Browser.Response third = browser.login("lena", "guess 3");
        assertThat(third.status()).isEqualTo(423);
        assertThat(third.json("$.type")).isEqualTo("https://vendstream.dev/problems/user-locked");
        // Until the lock ends: 15 minutes from the third failure, on the service's clock.
        assertThat(third.headers().getFirst("Retry-After")).isEqualTo("900");
        // Locked: even the right password is not checked.
        assertThat(browser.login("lena", PASSWORD).status()).isEqualTo(423);

        parts.store.stop();
        parts.store.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(browser().login("lena", PASSWORD).status()).isEqualTo(423));
        Document guard = mongo.getCollection(LoginGuardStore.COLLECTION)
                .flatMap(c -> reactor.core.publisher.Mono.from(c.find(new Document("_id", guards.idOf("lena"))).first()))
                .block(Duration.ofSeconds(10));
        assertThat(guard).isNotNull();
        assertThat(guard.getDate("lockedUntil").toInstant()).isAfter(CLOCK.instant());

        Browser reader = browser();
        reader.login("reader", PASSWORD);
        assertThat(actionsOf(reader, "lena")).contains("LOCKED_OUT", "LOGIN_FAILED");
        String users = reader.get("/ops/v1/users").body();
        assertThat((List<Object>) JsonPath.read(users, "$[?(@.username == 'lena')].locked")).containsExactly(true);
        assertThat((List<Object>) JsonPath.read(users, "$[?(@.username == 'olu')].locked")).containsExactly(false);
        assertThat((List<Object>) JsonPath.read(users, "$[?(@.username == 'reader')].roles[0]"))
                .containsExactly("READ_ONLY");

        // The lock ends by itself after its duration...
        CLOCK.add(Duration.ofMinutes(16));
        assertThat(browser().login("lena", PASSWORD).status()).isEqualTo(200);
        // ...or when an operator lifts it.
        for (int i = 0; i < 3; i++) {
            browser().login("lena", "guess again " + i);
        }
        assertThat(browser().login("lena", PASSWORD).status()).isEqualTo(423);
        Browser operator = browser();
        operator.login("olu", PASSWORD);
        assertThat(operator.change(HttpMethod.POST, "/ops/v1/users/lena/unlock", null).status()).isEqualTo(204);
        assertThat(browser().login("lena", PASSWORD).status()).isEqualTo(200);
        assertThat(operator.change(HttpMethod.POST, "/ops/v1/users/nobody/unlock", null).status()).isEqualTo(404);
        List<Map<String, Object>> entries = JsonPath.read(operator.get("/ops/v1/audit?limit=500").body(), "$");
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("action", "USER_UNLOCKED")
                .containsEntry("actor", "olu").containsEntry("subject", "lena"));
    }

    @Test
    void readOnlyAndFinanceUsersAreRefusedAnOperatorsChange() {
        for (String user : List.of("reader", "fatima")) {
            Browser browser = browser();
            assertThat(browser.login(user, PASSWORD).status()).isEqualTo(200);
            assertThat(browser.get("/ops/v1/audit").status()).isEqualTo(200);
            Browser.Response refused = browser.change(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null);
            assertThat(refused.status()).as(user).isEqualTo(403);
            assertThat(refused.headers().getContentType()).hasToString("application/problem+json");
            assertThat(refused.json("$.type")).isEqualTo("https://vendstream.dev/problems/forbidden");
            // Anything not listed is refused, whatever the role (fail closed).
            assertThat(browser.change(HttpMethod.DELETE, "/ops/v1/audit", null).status()).isEqualTo(403);
        }
        Browser anonymous = browser();
        assertThat(anonymous.get("/ops/v1/session/csrf").status()).isEqualTo(401);
        // The CSRF check comes first: an anonymous caller has no session, so no token.
        assertThat(anonymous.change(HttpMethod.POST, "/ops/v1/users/kofi/unlock", null).status()).isEqualTo(403);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/env").status()).isEqualTo(401);
    }

    @Test
    void auditEventsArriveOnTheirTopicInConfluentWireFormat() throws Exception {
        Browser browser = browser();
        assertThat(browser.login("fatima", PASSWORD).status()).isEqualTo(200);
        browser().login("fatima", "wrong password for the topic test");

        List<OpsAudit> events = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        try (KafkaConsumer<String, OpsAudit> consumer = new KafkaConsumer<>(parts.avroConsumerSettings());
             KafkaConsumer<String, byte[]> bytes = new KafkaConsumer<>(parts.bytesConsumerSettings("raw"))) {
            consumer.subscribe(List.of(Topics.OPS_AUDIT.topic()));
            bytes.subscribe(List.of(Topics.OPS_AUDIT.topic()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    assertThat(r.key()).isEqualTo(r.value().getActor() == null ? "-" : r.value().getActor());
                    events.add(r.value());
                });
                bytes.poll(Duration.ofMillis(200)).forEach(r -> raw.add(r.value()));
                assertThat(events).anySatisfy(e -> {
                    assertThat(e.getAction()).isEqualTo(OpsAction.LOGIN_SUCCEEDED);
                    assertThat(e.getActor()).isEqualTo("fatima");
                    assertThat(e.getActorRoles()).containsExactly("FINANCE");
                });
                assertThat(events).anySatisfy(e -> {
                    assertThat(e.getAction()).isEqualTo(OpsAction.LOGIN_FAILED);
                    assertThat(e.getActor()).isEqualTo("fatima");
                    assertThat(e.getReason()).isEqualTo("BAD_CREDENTIALS");
                });
            });
        }
        OpsAudit login = events.stream().filter(e -> e.getAction() == OpsAction.LOGIN_SUCCEEDED
                && "fatima".equals(e.getActor())).findFirst().orElseThrow();
        assertThat(login.getEnvelope().getSourceService()).isEqualTo("ops-service");
        assertThat(login.getEnvelope().getEventType()).isEqualTo("OpsAudit");
        assertThat(login.getEnvelope().getMerchantId()).isEqualTo("*");
        assertThat(login.getClientAddress()).isNotBlank();

        // Confluent wire format: magic byte 0, the registry's schema id, then Avro; never a password.
        assertThat(raw).isNotEmpty().allSatisfy(value -> {
            assertThat(value[0]).isEqualTo((byte) 0);
            String text = new String(value, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain(PASSWORD, "wrong password for the topic test");
        });
        int schemaId = ByteBuffer.wrap(raw.get(0), 1, 4).getInt();
        HttpClient http = HttpClient.newHttpClient();
        String schema = http.send(HttpRequest.newBuilder(URI.create(parts.registryUrl() + "/schemas/ids/" + schemaId))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(schema).contains("OpsAudit");
        String subjects = http.send(HttpRequest.newBuilder(URI.create(parts.registryUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        // A single-type topic: the subject Kafka UI, Connect and ksqlDB look for.
        assertThat(subjects).contains("vendstream.ops.audit-value")
                .doesNotContain("vendstream.ops.audit-com.vendstream.events.OpsAudit");

        // The stored entries keep no event once it is published (the outbox drained), and no password anywhere.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Document> stored = mongo.getCollection("ops_audit")
                    .flatMapMany(c -> reactor.core.publisher.Flux.from(c.find(new Document("actor", "fatima"))))
                    .collectList().block(Duration.ofSeconds(10));
            assertThat(stored).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.getList("outbox", Object.class, List.of())).isEmpty());
            assertThat(stored.toString()).doesNotContain(PASSWORD);
        });
    }

    @Test
    void aLoginCountedBeforeItsClientWentAwayIsStillCheckedAndAudited() {
        // The attempt is counted before its password is checked; a client that hangs up then must not leave a
        // counted failure (or a lock) with no audit entry.
        String address = "203.0.113.77";
        String id = guards.idOf("fatima");
        int before = guards.find(id).blockOptional().map(LoginGuard::failures).orElse(0);
        // The client hangs up at once, before (or while) its attempt is counted: the count, the check and the entry
        // still happen together.
        logins.attempt("fatima", "a guess, then gone", address).subscribe().dispose();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> guards.find(id).blockOptional().map(LoginGuard::failures).orElse(0) > before);

        Browser reader = browser();
        reader.login("reader", PASSWORD);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> entries = JsonPath.read(reader.get("/ops/v1/audit?limit=500").body(),
                    "$[?(@.clientAddress == '" + address + "')]");
            assertThat(entries).singleElement().satisfies(e -> assertThat(e).containsEntry("actor", "fatima")
                    .containsEntry("reason", "BAD_CREDENTIALS"));
        });
        assertThat(browser().login("fatima", PASSWORD).status()).as("a right password clears the count").isEqualTo(200);
    }

    @Test
    void noPasswordOrTypedNameReachesTheLogs(CapturedOutput output) {
        // What is typed at a login may be a password (or a password typed in the name field): never logged.
        String secret = "hunter2-never-in-a-log";
        String typedName = "correct-horse-typed-as-a-name";
        assertThat(browser().login("olu", secret).status()).isEqualTo(401);
        assertThat(browser().login(typedName, secret).status()).isEqualTo(401);
        assertThat(browser().login("olu", PASSWORD).status()).isEqualTo(200);
        assertThat(output.getAll()).isNotBlank().doesNotContain(secret, typedName, PASSWORD);
    }

    /** The audit actions recorded for {@code actor}, as the given logged-in browser lists them. */
    static List<String> actionsOf(Browser browser, String actor) {
        Browser.Response response = browser.get("/ops/v1/audit?limit=500");
        assertThat(response.status()).isEqualTo(200);
        return JsonPath.read(response.body(), "$[?(@.actor == '" + actor + "')].action");
    }
}
