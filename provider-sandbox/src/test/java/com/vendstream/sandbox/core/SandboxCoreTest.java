package com.vendstream.sandbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.sandbox.ProviderSandboxApplication;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** The shared machinery over real HTTP, through the VTpass sandbox and the admin API. */
class SandboxCoreTest {

    static ConfigurableApplicationContext sandbox;
    static SandboxHttp http;
    static final Map<String, String> KEYS = Map.of("api-key", "sandbox-api-key", "secret-key", "SK_sandbox");

    @BeforeAll
    static void start() {
        sandbox = ProviderSandboxApplication.start(0, Map.of("vendstream.sandbox.vtpass.pending-requeries", "1",
                "vendstream.sandbox.vtpass.pending-after", "0s", "vendstream.sandbox.vtpass.timeout-delay", "1s",
                "vendstream.sandbox.latency.default", "5ms"));
        http = new SandboxHttp("http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() throws IOException {
        assertThat(http.post("/sandbox/admin/reset", null, Map.of()).status()).isEqualTo(200);
    }

    static String requestId() {
        return LocalDateTime.now(ZoneId.of("Africa/Lagos")).format(DateTimeFormatter.ofPattern("yyyyMMddHHmm"))
                + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static SandboxHttp.Reply pay(String requestId, String phone) throws IOException {
        return http.post("/vtpass/api/pay", Map.of("request_id", requestId, "serviceID", "mtn", "amount", "100",
                "phone", phone), KEYS);
    }

    static JsonNode admin(String path) throws IOException {
        return http.get("/sandbox/admin" + path, Map.of()).json();
    }

    @Test
    void everyCallIsRecordedWithItsAnswerAndAReferenceIsVendedOnce() throws IOException {
        String ref = requestId();
        assertThat(pay(ref, "08011111111").json().path("code").asString()).isEqualTo("000");
        assertThat(pay(ref, "08011111111").json().path("code").asString()).isEqualTo("014");

        JsonNode calls = admin("/calls?provider=vtpass&operation=vend&reference=" + ref);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("answer").asString()).isEqualTo("000");
        assertThat(calls.get(1).path("answer").asString()).isEqualTo("014");
        JsonNode vends = admin("/vends?provider=vtpass&reference=" + ref);
        assertThat(vends.path("vends").asInt()).isEqualTo(1);
        assertThat(vends.path("vendRequests").asInt()).isEqualTo(2);
        assertThat(admin("/vends").path("maxVendsPerReference").asInt()).isEqualTo(1);
        assertThat(admin("/transactions?provider=vtpass")).hasSize(1);
    }

    @Test
    void aBodyWithoutContentLengthIsRefusedWith411BeforeAnyProviderSeesIt() throws IOException {
        String ref = requestId();
        SandboxHttp.Reply chunked = http.postChunked("/vtpass/api/pay", Map.of("request_id", ref, "serviceID", "mtn",
                "amount", "100", "phone", "08011111111"), KEYS);
        assertThat(chunked.status()).isEqualTo(411);
        assertThat(admin("/calls?provider=vtpass&operation=vend")).isEmpty();
        assertThat(admin("/calls?provider=vtpass&operation=refused").get(0).path("answer").asString()).isEqualTo("411");
        assertThat(admin("/vends?provider=vtpass&reference=" + ref).path("vends").asInt()).isZero();

        // A POST with no Content-Length at all (and no body) is refused too; with its length it is served.
        try (Socket socket = new Socket("localhost", Integer.parseInt(sandbox.getEnvironment()
                .getProperty("local.server.port")))) {
            socket.getOutputStream().write(("POST /pawacard/v3/login HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\r\n")[0];
            assertThat(status).startsWith("HTTP/1.1 411");
        }
        assertThat(pay(ref, "08011111111").json().path("code").asString()).isEqualTo("000");
        // The sandbox's own admin API is not a provider: it takes bodiless POSTs as before.
        assertThat(http.postChunked("/sandbox/admin/reset", Map.of(), Map.of()).status()).isEqualTo(200);
    }

    @Test
    void anInjected5xxStillVendsSoTheRequeryFindsIt() throws IOException {
        http.post("/sandbox/admin/faults?provider=vtpass&operation=vend&kind=SERVER_ERROR&times=1", null, Map.of());
        String ref = requestId();
        assertThat(pay(ref, "08011111111").status()).isEqualTo(500);
        assertThat(http.post("/vtpass/api/requery", Map.of("request_id", ref), KEYS).json()
                .path("content").path("transactions").path("status").asString()).isEqualTo("delivered");
        assertThat(admin("/vends?provider=vtpass&reference=" + ref).path("vends").asInt()).isEqualTo(1);
        // Armed for one call only.
        assertThat(pay(requestId(), "08011111111").status()).isEqualTo(200);
    }

    @Test
    void anInjectedHtmlPageAnswers200WithoutTheProvidersReplyButVends() throws IOException {
        http.post("/sandbox/admin/faults?provider=vtpass&operation=vend&kind=HTML_PAGE&times=1", null, Map.of());
        String ref = requestId();
        SandboxHttp.Reply page = pay(ref, "08011111111");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).startsWith("<!DOCTYPE html>").doesNotContain("\"code\"");
        assertThat(admin("/vends?provider=vtpass&reference=" + ref).path("vends").asInt()).isEqualTo(1);
        assertThat(admin("/calls?provider=vtpass&operation=vend&reference=" + ref).get(0).path("answer").asString())
                .isEqualTo("fault:HTML_PAGE");
    }

    @Test
    void aConnectionResetLeavesTheClientWithoutAReplyButTheVendDone() {
        String ref = requestId();
        assertThatThrownBy(() -> pay(ref, "400000000000")).isInstanceOf(IOException.class);
        assertThat(sandbox.getBean(CallRecord.class).vendCount("vtpass", ref)).isEqualTo(1);
    }

    @Test
    void aRateFaultAppliesUntilDisarmed() throws IOException {
        http.post("/sandbox/admin/faults?provider=vtpass&kind=TOO_MANY_REQUESTS&rate=1.0", null, Map.of());
        assertThat(admin("/faults")).hasSize(1);
        assertThat(pay(requestId(), "08011111111").status()).isEqualTo(429);
        assertThat(pay(requestId(), "08011111111").status()).isEqualTo(429);
        http.delete("/sandbox/admin/faults?provider=vtpass");
        assertThat(pay(requestId(), "08011111111").status()).isEqualTo(200);
        assertThat(admin("/vends").path("references").asInt()).isEqualTo(1);
    }

    @Test
    void aBusinessFaultOverridesTheAccountsOwnScenario() throws IOException {
        http.post("/sandbox/admin/faults?provider=vtpass&operation=vend&kind=INSUFFICIENT_FLOAT", null, Map.of());
        assertThat(pay(requestId(), "08011111111").json().path("code").asString()).isEqualTo("018");
        assertThat(admin("/vends").path("references").asInt()).isZero();
    }

    @Test
    void timeoutAfterProcessingHoldsTheReplyButVendsAtOnce() throws IOException {
        String ref = requestId();
        long started = System.nanoTime();
        SandboxHttp.Reply reply = pay(ref, "300000000000");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(reply.json().path("code").asString()).isEqualTo("000");
    }

    @Test
    void latencyIsChangeableAtRunTime() throws IOException {
        assertThat(http.put("/sandbox/admin/latency?provider=vtpass&value=PT0.4S").status()).isEqualTo(200);
        assertThat(admin("/latency?provider=vtpass").path("latency").asString()).isEqualTo("PT0.4S");
        long started = System.nanoTime();
        pay(requestId(), "08011111111");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void pendingThenFailureSettlesAfterTheConfiguredRequeries() throws IOException {
        String ref = requestId();
        assertThat(pay(ref, "202000000001").json().path("code").asString()).isEqualTo("099");
        JsonNode first = http.post("/vtpass/api/requery", Map.of("request_id", ref), KEYS).json();
        assertThat(first.path("content").path("transactions").path("status").asString()).isEqualTo("pending");
        JsonNode second = http.post("/vtpass/api/requery", Map.of("request_id", ref), KEYS).json();
        assertThat(second.path("code").asString()).isEqualTo("040");
    }

    @Test
    void aStuckTransactionCanBeResolvedByHand() throws IOException {
        String ref = requestId();
        pay(ref, "203000000001");
        for (int i = 0; i < 3; i++) {
            assertThat(http.post("/vtpass/api/requery", Map.of("request_id", ref), KEYS).json()
                    .path("content").path("transactions").path("status").asString()).isEqualTo("pending");
        }
        http.post("/sandbox/admin/transactions/vtpass/" + ref + "/resolve?status=SUCCEEDED", null, Map.of());
        assertThat(http.post("/vtpass/api/requery", Map.of("request_id", ref), KEYS).json()
                .path("content").path("transactions").path("status").asString()).isEqualTo("delivered");
    }

    @Test
    void theProvidersBooksCanDisagreeOnTheAmount() throws IOException {
        String ref = requestId();
        pay(ref, "08011111111");
        JsonNode amended = http.post("/sandbox/admin/transactions/vtpass/" + ref + "/amend?amountMinor=4000", null,
                Map.of()).json();
        assertThat(amended.path("amountMinor").asLong()).isEqualTo(4000);
        assertThat(admin("/transactions?provider=vtpass").findValuesAsString("reference")).contains(ref);
        assertThat(http.post("/sandbox/admin/transactions/vtpass/nope/amend?amountMinor=1", null, Map.of()).status())
                .isEqualTo(404);
    }

    @Test
    void theScenarioTablesAreShown() throws IOException {
        JsonNode rules = admin("/scenarios?provider=vtpass").path("vtpass");
        assertThat(rules.findValuesAsString("value")).contains("08011111111", "9905", "2010");
    }
}
