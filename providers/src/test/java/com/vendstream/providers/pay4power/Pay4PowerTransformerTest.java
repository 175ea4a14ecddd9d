package com.vendstream.providers.pay4power;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import org.junit.jupiter.api.Test;

/** Pay4Power replies, from the docs' examples and the shapes they leave open, to outcomes. */
class Pay4PowerTransformerTest {

    @Test
    void theDocumentedDataVendExampleIsASuccess() {
        // docs.pay4power.com/data/vend.md example response (data fields beyond the message are not shown there).
        String body = """
                {"success": true, "message": "Mock data vend successful", "errors": null, "statusCode": 200,
                 "correlationId": "6f1c2a9e-7c1d-4a55-9d7e-0c8f2b4d1e11",
                 "data": {"clientTransactionReference": "4f9a6c2d8e1b4a7f9c3d5e6f7a8b9c0d"}}""";
        assertThat(Pay4PowerTransformer.vend(200, body, false)).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.receipt()).containsEntry("message", "Mock data vend successful")
                    .containsEntry("correlationId", "6f1c2a9e-7c1d-4a55-9d7e-0c8f2b4d1e11");
        });
    }

    @Test
    void aReplyNamingAnotherClientReferenceIsPendingNeverOurs() {
        String vend = """
                {"success": true, "message": "Success", "statusCode": 200,
                 "data": {"clientTransactionReference": "aaaa0000aaaa0000aaaa0000aaaa0000", "token": "1234",
                 "status": "SUCCESSFUL"}}""";
        assertThat(Pay4PowerTransformer.vend(200, vend, true, "bbbb1111bbbb1111bbbb1111bbbb1111"))
                .isInstanceOfSatisfying(VendOutcome.Pending.class,
                        p -> assertThat(p.message()).contains("aaaa0000aaaa0000aaaa0000aaaa0000"));
        assertThat(Pay4PowerTransformer.vend(200, vend, true, "aaaa0000aaaa0000aaaa0000aaaa0000"))
                .isInstanceOf(VendOutcome.Succeeded.class);
        String requery = """
                {"success": true, "message": "Retrieved Successfully", "statusCode": 200,
                 "data": {"clientReference": "aaaa0000aaaa0000aaaa0000aaaa0000", "status": "FAILED"}}""";
        assertThat(Pay4PowerTransformer.requery(200, requery, false, "bbbb1111bbbb1111bbbb1111bbbb1111"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(Pay4PowerTransformer.requery(200, requery, false, "aaaa0000aaaa0000aaaa0000aaaa0000"))
                .isInstanceOf(VendOutcome.Failed.class);
    }

    @Test
    void theDocumentedRequeryExampleIsNotASuccessOnItsOwn() {
        // "Retrieved Successfully" says the lookup worked, not that the vend did.
        String body = """
                {"success": true, "message": "Retrieved Successfully", "errors": null, "statusCode": 200,
                 "correlationId": "a1b2"}""";
        assertThat(Pay4PowerTransformer.requery(200, body, false)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.UNKNOWN_CODE));
        String delivered = """
                {"success": true, "message": "Retrieved Successfully", "errors": null, "statusCode": 200,
                 "data": {"status": "Successful", "details": {"Token": "Token : 1234-5678-9012-3456-7890"}}}""";
        assertThat(Pay4PowerTransformer.requery(200, delivered, true)).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.token()).isEqualTo("1234-5678-9012-3456-7890"));
    }

    @Test
    void theEnvelopeStatusesMapAsDocumented() {
        assertThat(Pay4PowerTransformer.vend(202, "{\"success\":true,\"message\":\"Transaction In-Progress\",\"statusCode\":202}",
                false)).isInstanceOf(VendOutcome.Pending.class);
        assertThat(Pay4PowerTransformer.vend(417, "{\"success\":false,\"message\":\"Transaction Failed\",\"statusCode\":417}",
                false)).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.DECLINED_BY_PROVIDER);
                    assertThat(f.beforeProcessing()).isFalse();
                });
        assertThat(Pay4PowerTransformer.vend(400, "{\"success\":false,\"message\":\"Validation Error\",\"statusCode\":400,"
                + "\"errors\":[\"receiver is required\"]}", false)).isInstanceOfSatisfying(VendOutcome.Failed.class,
                f -> assertThat(f.beforeProcessing()).isTrue());
        // The body's statusCode decides inside an HTTP 200.
        assertThat(Pay4PowerTransformer.vend(200, "{\"success\":true,\"statusCode\":202}", false))
                .isInstanceOf(VendOutcome.Pending.class);
        // A body cannot turn a 5xx into a success.
        assertThat(Pay4PowerTransformer.vend(502, "{\"success\":true,\"statusCode\":200}", false))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.SERVER_ERROR));
        assertThat(Pay4PowerTransformer.vend(200, "<html>ok</html>", false)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.UNPARSEABLE_REPLY));
        assertThat(Pay4PowerTransformer.vend(409, "{\"success\":false,\"statusCode\":409}", false))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.UNKNOWN_CODE));
    }

    @Test
    void aSuccessThatContradictsItselfIsPending() {
        assertThat(Pay4PowerTransformer.vend(200, "{\"success\":false,\"statusCode\":200}", false))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(Pay4PowerTransformer.vend(200, "{\"success\":true,\"statusCode\":200,\"data\":{\"status\":\"PENDING\"}}",
                false)).isInstanceOf(VendOutcome.Pending.class);
        // Prepaid power without a token has delivered nothing the customer can use yet.
        assertThat(Pay4PowerTransformer.vend(200, "{\"success\":true,\"statusCode\":200,\"data\":{\"units\":\"3\"}}", true))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(Pay4PowerTransformer.vend(200, "{\"success\":true,\"statusCode\":200,\"data\":{\"mainToken\":\"N/A\"}}",
                true)).isInstanceOf(VendOutcome.Pending.class);
    }

    @Test
    void aRequery400IsOurMistakeNotAFailedVend() {
        assertThat(Pay4PowerTransformer.requery(400, "{\"success\":false,\"statusCode\":400}", false))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(Pay4PowerTransformer.requery(200, "{\"success\":true,\"statusCode\":200,\"data\":{\"status\":\"FAILED\"}}",
                false)).isInstanceOf(VendOutcome.Failed.class);
        assertThat(Pay4PowerTransformer.requery(200, "{\"success\":true,\"statusCode\":200,\"data\":{\"status\":\"weird\"}}",
                false)).isInstanceOf(VendOutcome.Pending.class);
    }

    @Test
    void theInitiateExampleAndTheTokenReplyParse() {
        String initiate = """
                {"success": true, "message": "Meter Verified and Transaction Initiated", "errors": null, "statusCode": 200,
                 "data": {"transactionId": "INI123", "customerName": "JOHN DOE"}}""";
        assertThat(Pay4PowerTransformer.envelope(200, initiate)).hasValueSatisfying(e -> {
            assertThat(e.success()).isTrue();
            assertThat(Pay4PowerTransformer.find(e.data(), java.util.Set.of("transactionid"))).isEqualTo("INI123");
        });
        assertThat(Pay4PowerTransformer.accessToken("{\"success\":true,\"data\":{\"accessToken\":\"abc\",\"expiresIn\":3600}}"))
                .isEqualTo("abc");
        assertThat(Pay4PowerTransformer.accessToken("{\"access_token\":\"xyz\"}")).isEqualTo("xyz");
        assertThat(Pay4PowerTransformer.lifetime("{\"data\":{\"expiresIn\":\"3600\"}}")).hasSeconds(3600);
        assertThat(Pay4PowerTransformer.verification(400, "{\"success\":false,\"message\":\"Validation Error\",\"statusCode\":400}")
                .status()).isEqualTo(AccountVerification.Status.INVALID);
        assertThat(Pay4PowerTransformer.verification(503, "upstream down").status())
                .isEqualTo(AccountVerification.Status.UNAVAILABLE);
    }

    @Test
    void theCodeTableHasADecisionForEveryDocumentedStatus() {
        assertThat(Pay4PowerCodes.vend(200).orElseThrow().decision()).isEqualTo(Decision.DONE);
        assertThat(Pay4PowerCodes.vend(202).orElseThrow().decision()).isEqualTo(Decision.REQUERY);
        assertThat(Pay4PowerCodes.vend(417).orElseThrow().decision()).isEqualTo(Decision.FAIL);
        assertThat(Pay4PowerCodes.vend(400).orElseThrow().beforeProcessing()).isTrue();
        assertThat(Pay4PowerCodes.vend(401).orElseThrow().decision()).isEqualTo(Decision.RETRY);
        assertThat(Pay4PowerCodes.vend(503).orElseThrow().outcome()).isEqualTo(CodeRule.Outcome.PENDING);
        assertThat(Pay4PowerCodes.vend(418)).isEmpty();
    }

    @Test
    void aRateLimitIsPendingAndMarkedThrottledHoweverItComes() {
        String limited = """
                {"success": false, "message": "Too Many Requests", "statusCode": 429}""";
        // The table's throttled row on a vend; no row on a requery; an unreadable body; the envelope's own 429.
        assertThat(Pay4PowerTransformer.vend(429, limited, true)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.throttled()).isTrue());
        assertThat(Pay4PowerTransformer.requery(429, limited, true)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.throttled()).isTrue());
        assertThat(Pay4PowerTransformer.vend(429, "<html>slow down</html>", true))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.throttled()).isTrue());
        assertThat(Pay4PowerTransformer.vend(200, limited, true)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.throttled()).isTrue());
        assertThat(Pay4PowerCodes.VEND.rule("429").orElseThrow().throttled()).isTrue();
        String inProgress = """
                {"success": true, "message": "Transaction In-Progress", "statusCode": 202}""";
        assertThat(Pay4PowerTransformer.vend(202, inProgress, true)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.throttled()).isFalse());
        assertThat(Pay4PowerTransformer.requery(503, "{}", true)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.throttled()).isFalse());
    }
}
