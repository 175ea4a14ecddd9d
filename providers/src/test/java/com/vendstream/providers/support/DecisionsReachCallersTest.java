package com.vendstream.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.pagamio.PagamioCodes;
import com.vendstream.providers.pagamio.PagamioConnector;
import com.vendstream.providers.pagamio.PagamioProperties;
import com.vendstream.providers.pawacard.PawacardCodes;
import com.vendstream.providers.pawacard.PawacardTransformer;
import com.vendstream.providers.pay4power.Pay4PowerCodes;
import com.vendstream.providers.pay4power.Pay4PowerConnector;
import com.vendstream.providers.pay4power.Pay4PowerProperties;
import com.vendstream.providers.pay4power.Pay4PowerTransformer;
import com.vendstream.providers.support.CaptureServer.Reply;
import com.vendstream.providers.vtpass.VtpassCodes;
import com.vendstream.providers.vtpass.VtpassTransformer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every code-table row whose decision is not plain REQUERY (MANUAL: a person must look; RETRY: ask again
 * with the same reference) reaches the caller on {@link VendOutcome.Pending#decision()}, read where the
 * provider's answer is read. Each provider's rows are taken from its table, so a row added later is covered.
 */
class DecisionsReachCallersTest {

    private static final Set<Decision> CARRIED = EnumSet.of(Decision.MANUAL, Decision.RETRY);

    @Test
    void vtpassCodesAndTransactionStatuses() {
        assertEveryRowReachesTheCaller(VtpassCodes.TABLE, code -> VtpassTransformer.outcome("""
                {"code":"%s","response_description":"as VTpass words it","requestId":"r-1"}""".formatted(code),
                ServiceType.AIRTIME, "r-1"));
        // The inner status of a 000/001 reply decides; the outcome keeps the outer code.
        assertEveryRowReachesTheCaller(VtpassCodes.TRANSACTION_STATUSES, status -> VtpassTransformer.outcome("""
                {"code":"000","requestId":"r-1","content":{"transactions":{"status":"%s","transactionId":"t-1"}}}"""
                .formatted(status), ServiceType.AIRTIME, "r-1"));
        assertThat(VtpassTransformer.outcome("""
                {"code":"044","response_description":"TRANSACTION RESOLVED","requestId":"r-1"}""", ServiceType.AIRTIME,
                "r-1")).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.needsPerson()).isTrue());
        // 015, no such request: a requery may reach VTpass before it recorded the vend; asked again, no person yet.
        assertThat(VtpassTransformer.outcome("""
                {"code":"015","response_description":"INVALID REQUEST ID","requestId":"r-1"}""", ServiceType.AIRTIME,
                "r-1")).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.needsPerson()).isFalse());
    }

    @Test
    void pawacardCodes() {
        assertEveryRowReachesTheCaller(PawacardCodes.TABLE, code -> {
            // Only the general "status:N" vocabulary could have such rows; each prefix is read from its own field.
            assertThat(code).startsWith("status:");
            return PawacardTransformer.outcome("{\"status\":%s,\"msg\":\"x\"}"
                    .formatted(code.substring("status:".length())), null);
        });
        // "transaction not found" may come before Pawacard recorded the vend: asked again, no person yet.
        assertThat(PawacardTransformer.outcome("{\"status\":104,\"msg\":\"transaction not found\"}", null))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> {
                    assertThat(p.decision()).isEqualTo(Decision.REQUERY);
                    assertThat(p.needsPerson()).isFalse();
                });
    }

    @Test
    void pay4powerVendAndRequeryTables() {
        String envelope = """
                {"success":false,"message":"as Pay4Power words it","errors":["x"],"statusCode":%s,"correlationId":"c-1","data":null}""";
        assertEveryRowReachesTheCaller(Pay4PowerCodes.VEND,
                code -> Pay4PowerTransformer.vend(Integer.parseInt(code), envelope.formatted(code), false));
        assertEveryRowReachesTheCaller(Pay4PowerCodes.REQUERY,
                code -> Pay4PowerTransformer.requery(Integer.parseInt(code), envelope.formatted(code), false));
    }

    @Test
    void pagamioCodesOverHttp() {
        try (CaptureServer server = new CaptureServer()) {
            server.on("/pagamio/api/v1/auth/token", r -> Reply.ok("""
                    {"successful":true,"data":{"token":"t1","refreshToken":"r1","expiresIn":1800}}"""));
            PagamioConnector pagamio = new PagamioConnector(new PagamioProperties(server.url("/pagamio/api/v1"), "user",
                    "pass", "MER-1"));
            assertEveryRowReachesTheCaller(PagamioCodes.TABLE, code -> {
                // Pagamio's HTTP-level rows (409) come as the status; its business codes as responseCode.
                boolean http = code.length() == 3 && code.startsWith("4");
                server.on("/pagamio/api/v1/purchase", r -> http
                        ? new Reply(Integer.parseInt(code), "{\"error\":\"Conflict\",\"message\":\"as Pagamio words it\"}")
                        : new Reply(400, "{\"responseCode\":\"%s\",\"message\":\"as Pagamio words it\"}".formatted(code)));
                return pagamio.vend(new VendCommand(pagamio.newReference(), ServiceType.AIRTIME, "VODACOM", null,
                        "0821234567", null, 1_000, "ZAR", 1, null, null));
            });
        }
    }

    @Test
    void pay4powerRequeryAnswersOverHttpAfterTheConnectorsOwnTokenRefresh() {
        try (CaptureServer server = new CaptureServer()) {
            server.on("/p4p/auth/token", r -> Reply.ok("{\"accessToken\":\"t\",\"expiresIn\":900}"))
                    .on("/p4p/requery", r -> new Reply(401, """
                            {"success":false,"message":"Unauthorized","errors":["token"],"statusCode":401,"correlationId":"c","data":null}"""));
            Pay4PowerConnector p4p = new Pay4PowerConnector(new Pay4PowerProperties(server.url("/p4p"), "client", "secret",
                    Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS, Duration.ofSeconds(2), Duration.ofSeconds(3)));
            VendOutcome outcome = p4p.requery(new RequeryCommand("ref-1", ServiceType.AIRTIME, "MTN", null, null));

            // The connector already renewed its token and asked once more; the caller gets RETRY (ask again on its
            // schedule, same reference) and must not repeat that refresh itself.
            assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Pending.class,
                    p -> assertThat(p.decision()).isEqualTo(Decision.RETRY));
            assertThat(server.requests("/p4p/requery")).hasSize(2);
            assertThat(server.requests("/p4p/auth/token")).hasSize(2);

            server.on("/p4p/requery", r -> new Reply(400, """
                    {"success":false,"message":"Validation Error","errors":["clientReference"],"statusCode":400,"correlationId":"c","data":null}"""));
            assertThat(p4p.requery(new RequeryCommand("ref-1", ServiceType.AIRTIME, "MTN", null, null)))
                    .isInstanceOfSatisfying(VendOutcome.Pending.class,
                            p -> assertThat(p.decision()).isEqualTo(Decision.MANUAL));
        }
    }

    @Test
    void anAnswerNoRowDecidesIsAskedAgainAsBefore() {
        assertThat(VtpassTransformer.outcome("{\"code\":\"099\",\"requestId\":\"r-1\"}", ServiceType.AIRTIME, "r-1"))
                .isInstanceOfSatisfying(VendOutcome.Pending.class,
                        p -> assertThat(p.decision()).isEqualTo(Decision.REQUERY));
        assertThat(VtpassTransformer.outcome("{\"code\":\"777\",\"requestId\":\"r-1\"}", ServiceType.AIRTIME, "r-1"))
                .isInstanceOfSatisfying(VendOutcome.Pending.class,
                        p -> assertThat(p.decision()).isEqualTo(Decision.REQUERY));
        assertThat(new VendOutcome.Pending("x", null, null, null).decision()).isEqualTo(Decision.REQUERY);
    }

    private static void assertEveryRowReachesTheCaller(CodeTable table, Function<String, VendOutcome> answer) {
        List<CodeRule> rows = table.rules().stream().filter(r -> CARRIED.contains(r.decision())).toList();
        for (CodeRule row : rows) {
            assertThat(answer.apply(row.code())).as("row %s", row.code())
                    .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> {
                        assertThat(p.decision()).as("row %s", row.code()).isEqualTo(row.decision());
                        assertThat(p.needsPerson()).isEqualTo(row.decision() == Decision.MANUAL);
                    });
        }
    }
}
