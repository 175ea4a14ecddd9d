package com.vendstream.providers.dollr;

import com.vendstream.providers.mobilemoney.PaymentOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import org.junit.jupiter.api.Test;

class DollrTransformerTest {

    @Test
    void phonesAreE164DigitsWithoutPlus() {
        assertThat(DollrTransformer.phone("+231 77-123-4567")).isEqualTo("231771234567");
        assertThat(DollrTransformer.phone("00250781234567")).isEqualTo("250781234567");
        assertThatThrownBy(() -> DollrTransformer.phone("12")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDocumentedExecutionResponseParses() {
        // ExecutionResponse as api-reference/executions/collect and status/get-payout-status show it.
        String reference = "9b2f6f1e-3c0a-4d2b-8f59-2f1d0c7e4a11";
        PaymentOutcome o = DollrTransformer.outcome(reference, """
                {"reference_id": "9b2f6f1e-3c0a-4d2b-8f59-2f1d0c7e4a11", "status": "COMPLETED",
                 "payer_amount": 101.0, "payer_currency": "USD", "payee_currency": "USD", "payee_amount": 100.0,
                 "operation_type": "COLLECTION", "provider_transaction_id": "MP240601.1234.A56789",
                 "gateway_message": "Payment received", "wallet_message": null, "client_secret": null,
                 "requires_action": false}""", null);
        assertThat(o.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(o.referenceId()).isEqualTo(reference);
        assertThat(o.payerAmountMinor()).isEqualTo(10_100);
        assertThat(o.feeMinor()).isEqualTo(100);
        assertThat(o.providerTransactionId()).isEqualTo("MP240601.1234.A56789");
        assertThat(o.gatewayMessage()).isEqualTo("Payment received");
        // Amounts in two currencies (FX): no fee is made up from them.
        assertThat(DollrTransformer.outcome("r", """
                {"status": "COMPLETED", "payer_amount": 19000, "payer_currency": "LRD",
                 "payee_amount": 100.0, "payee_currency": "USD"}""", null).feeMinor()).isNull();
        assertThat(DollrTransformer.outcome("r", "{\"status\":\"PROCESSING\"}", "LRD").decision()).isEqualTo(Decision.REQUERY);
        assertThat(DollrTransformer.outcome("r", "{\"status\":\"PENDING\"}", "LRD").status())
                .isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(DollrTransformer.outcome("r", "{\"status\":\"FAILED\",\"gateway_message\":\"Declined\"}", "LRD"))
                .satisfies(f -> {
                    assertThat(f.status()).isEqualTo(PaymentOutcome.Status.FAILED);
                    assertThat(f.gatewayMessage()).isEqualTo("Declined");
                });
        // Unknown words and garbage are pending, never failed.
        assertThat(DollrTransformer.outcome("r", "{\"status\":\"REVERSING\"}", "LRD").status())
                .isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(DollrTransformer.outcome("r", "<html>", "LRD").status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(DollrTransformer.outcome("r", "{\"data\":{\"status\":\"COMPLETED\"}}", "LRD").status())
                .isEqualTo(PaymentOutcome.Status.COMPLETED);
    }

    @Test
    void aMessageQuotingTheCustomersNumberKeepsNoLongNumber() {
        // Wallet operators quote the MSISDN, in any format; the message goes on to events and merchants.
        PaymentOutcome failed = DollrTransformer.outcome("r", """
                {"status": "FAILED", "gateway_message": "MSISDN 231770000002 has insufficient funds (wallet +231 77 000 0002)",
                 "wallet_message": "ignored"}""", "LRD");
        assertThat(failed.gatewayMessage()).isEqualTo("MSISDN ********0002 has insufficient funds (wallet +*** ** *** 0002)")
                .doesNotContain("231770000002", "77 000");
        assertThat(DollrTransformer.outcome("r", """
                {"status": "FAILED", "wallet_message": "Subscriber 0770-000-002 not found; limit 5000.00 LRD"}""", "LRD")
                .gatewayMessage()).isEqualTo("Subscriber ****-**0-002 not found; limit 5000.00 LRD");
        // A refusal's detail, which becomes an exception message and a rejection reason, too.
        assertThat(DollrTransformer.detail(com.vendstream.providers.support.Lenient.parse(
                "{\"detail\": \"phone 231770000002 is not a registered wallet\"}")))
                .isEqualTo("phone ********0002 is not a registered wallet");
    }

    @Test
    void aReplyAboutAnotherReferenceSettlesNothing() {
        PaymentOutcome o = DollrTransformer.outcome("9b2f6f1e-3c0a-4d2b-8f59-2f1d0c7e4a11",
                "{\"reference_id\": \"0e1d2c3b-4a59-4867-8765-432109876543\", \"status\": \"COMPLETED\"}", "USD");
        assertThat(o.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(o.decision()).isEqualTo(Decision.REQUERY);
        assertThat(o.providerStatus()).isEqualTo("REFERENCE MISMATCH");
    }

    @Test
    void theHttpTableHasADecisionForEachDocumentedStatus() {
        assertThat(DollrStatuses.http(401, false).decision()).isEqualTo(Decision.RETRY);
        assertThat(DollrStatuses.http(403, false).outcome()).isEqualTo(CodeRule.Outcome.FAILED);
        assertThat(DollrStatuses.http(422, false).outcome()).isEqualTo(CodeRule.Outcome.FAILED);
        assertThat(DollrStatuses.http(422, true).decision()).isEqualTo(Decision.REQUERY);
        assertThat(DollrStatuses.http(429, false).decision()).isEqualTo(Decision.RETRY);
        // A RETRY row reached none of Dollr's processing: the execution was not sent.
        assertThat(DollrTransformer.of(DollrStatuses.http(429, false), "r", null, null, null, "HTTP 429").status())
                .isEqualTo(PaymentOutcome.Status.NOT_SENT);
        assertThat(DollrTransformer.of(DollrStatuses.TABLE.rule("NOT SENT").orElseThrow(), "r", null, null, null,
                "NOT SENT").status()).isEqualTo(PaymentOutcome.Status.NOT_SENT);
        // Only the 429 row is Dollr's rate limit: callers back off on the flag, not on "HTTP 429".
        assertThat(DollrTransformer.of(DollrStatuses.http(429, false), "r", null, null, null, "HTTP 429").throttled())
                .isTrue();
        assertThat(DollrTransformer.of(DollrStatuses.TABLE.rule("NOT SENT").orElseThrow(), "r", null, null, null,
                "NOT SENT").throttled()).isFalse();
        assertThat(DollrStatuses.TABLE.rules()).filteredOn(CodeRule::throttled).extracting(CodeRule::code)
                .containsExactly("HTTP 429");
        assertThat(DollrStatuses.http(503, false).outcome()).isEqualTo(CodeRule.Outcome.PENDING);
        assertThat(DollrStatuses.http(418, false).outcome()).isEqualTo(CodeRule.Outcome.PENDING);
        assertThat(DollrTransformer.duplicate(com.vendstream.providers.support.Lenient.parse(
                "{\"detail\":[{\"loc\":[\"body\",\"reference_id\"],\"msg\":\"reference_id already exists\",\"type\":\"value_error\"}]}")))
                .isTrue();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        DollrConnector c = new DollrConnector(new DollrProperties("http://localhost:1", "a", "b", null, null, null, null,
                null), java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC),
                d -> { });
        assertThat(c.retryAfter("3", 0)).hasSeconds(3);
        assertThat(c.retryAfter("Thu, 01 Jan 2026 00:00:07 GMT", 0)).hasSeconds(7);
        assertThat(c.retryAfter(null, 1)).hasSeconds(2);
    }
}
