package com.vendstream.providers.pagamio;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Scenario;
import com.vendstream.sandbox.pagamio.PagamioSandbox;
import com.vendstream.providers.support.Lenient;
import com.vendstream.providers.support.ProviderHttp;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The Pagamio connector against the sandbox's Pagamio, over real HTTP. */
class PagamioContractTest {

    static ConfigurableApplicationContext sandbox;
    static PagamioConnector pagamio;
    static CallRecord record;
    static String baseUrl;
    /** Sees what the connectors publish on the global registry (the auth alert gauge). */
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        Metrics.addRegistry(meters);
        sandbox = ProviderSandboxApplication.start(0, Map.of("vendstream.sandbox.pagamio.pending-requeries", "1",
                "vendstream.sandbox.pagamio.pending-after", "0s", "vendstream.sandbox.pagamio.timeout-delay", "5s",
                "vendstream.sandbox.pagamio.purchases-per-minute", "1000", "vendstream.sandbox.latency.default", "5ms"));
        baseUrl = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port") + "/pagamio/api/v1";
        pagamio = new PagamioConnector(properties(1000));
        record = sandbox.getBean(CallRecord.class);
    }

    static PagamioProperties properties(int perMinute) {
        return properties("sandbox-password", "MERCHANT", "MER-1001", null, perMinute);
    }

    static PagamioProperties properties(String password, String userType, String merchantId, String subMerchantId,
                                        int perMinute) {
        return new PagamioProperties(baseUrl, "sandbox-merchant", password, userType, merchantId, subMerchantId, "F5YZP7",
                "cash", Duration.ofSeconds(2), Duration.ofSeconds(3), perMinute, Duration.ofMillis(200),
                Duration.ofMillis(50), 3);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
        Metrics.removeRegistry(meters);
    }

    static double authRefusedGauge() {
        return meters.get("vendstream.provider.auth.refused").tag("provider", "pagamio").gauge().value();
    }

    static VendCommand electricity(String reference, String meter, long minor) {
        return new VendCommand(reference, ServiceType.ELECTRICITY, "ESKOM", "prepaid", meter, null, minor, "ZAR", 1,
                null, null);
    }

    static RequeryCommand requery(String reference) {
        return new RequeryCommand(reference, ServiceType.ELECTRICITY, "ESKOM", "prepaid", null);
    }

    @Test
    void electricitySucceedsWithTokenAndUnits() {
        String ref = pagamio.newReference();
        assertThat(pagamio.vend(electricity(ref, "000001020001", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
                    assertThat(s.token()).matches("\\d{20}");
                    assertThat(s.units()).isEqualTo("61.14 kWh");
                    assertThat(s.receipt()).containsKey("receiptNumber");
                });
        assertThat(record.vendCount("pagamio", ref)).isEqualTo(1);
    }

    @Test
    void airtimeTakesALocalNumberInPagamiosFormat() {
        VendCommand airtime = new VendCommand(pagamio.newReference(), ServiceType.AIRTIME, "VODACOM", null,
                "0820000000", null, 1_000, "ZAR", 1, null, null);
        assertThat(pagamio.vend(airtime)).isInstanceOf(VendOutcome.Succeeded.class);
    }

    @Test
    void theSameReferenceReturnsTheOriginalAndADifferentBodyIsAConflictNotAFailure() {
        String ref = pagamio.newReference();
        VendOutcome first = pagamio.vend(electricity(ref, "000001020001", 20_000));
        VendOutcome again = pagamio.vend(electricity(ref, "000001020001", 20_000));
        assertThat(again).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.token()).isEqualTo(((VendOutcome.Succeeded) first).token()));
        assertThat(pagamio.vend(electricity(ref, "000001020001", 30_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.providerCode()).isEqualTo("409"));
        assertThat(record.vendCount("pagamio", ref)).isEqualTo(1);
        assertThat(record.vendRequests("pagamio", ref)).isEqualTo(3);
    }

    @Test
    void aFailureAtTheProviderFails() {
        assertThat(pagamio.vend(electricity(pagamio.newReference(), "00000100110", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.providerCode()).isEqualTo("1203");
                    assertThat(f.failureClass()).isEqualTo(FailureClass.DECLINED_BY_PROVIDER);
                    assertThat(f.beforeProcessing()).isFalse();
                });
    }

    @Test
    void insufficientBalanceInTheOtherErrorShapeFailsBeforeProcessing() {
        assertThat(pagamio.vend(electricity(pagamio.newReference(), "00201100000", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.providerCode()).isEqualTo("1103");
                    assertThat(f.failureClass()).isEqualTo(FailureClass.INSUFFICIENT_FLOAT);
                    assertThat(f.beforeProcessing()).isTrue();
                });
    }

    @Test
    void pendingIsResolvedThroughTransactionsByReference() {
        String ref = pagamio.newReference();
        assertThat(pagamio.vend(electricity(ref, "00000100100", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.providerCode()).isEqualTo("1204"));
        assertThat(pagamio.requery(requery(ref))).isInstanceOf(VendOutcome.Pending.class);
        assertThat(pagamio.requery(requery(ref))).isInstanceOf(VendOutcome.Succeeded.class);

        String failing = pagamio.newReference();
        pagamio.vend(electricity(failing, "00000110000", 20_000));
        pagamio.requery(requery(failing));
        assertThat(pagamio.requery(requery(failing))).isInstanceOfSatisfying(VendOutcome.Failed.class,
                f -> assertThat(f.providerCode()).isEqualTo("3"));
    }

    @Test
    void aTimeoutAfterProcessingIsPendingAndTheRequeryFindsTheOneVend() {
        String ref = pagamio.newReference();
        assertThat(pagamio.vend(electricity(ref, "00000110100", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.TIMEOUT));
        assertThat(pagamio.requery(requery(ref))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.vendCount("pagamio", ref)).isEqualTo(1);
    }

    @Test
    void aResetAndA500AfterProcessingArePendingNeverFailed() {
        assertThat(pagamio.vend(electricity(pagamio.newReference(), "00200100000", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.CONNECTION_RESET));
        assertThat(pagamio.vend(electricity(pagamio.newReference(), "0020110000", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.SERVER_ERROR));
        assertThat(pagamio.vend(electricity(pagamio.newReference(), "00000130000", 20_000)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.UNPARSEABLE_REPLY));
    }

    @Test
    void a429IsRetriedWithTheSameReferenceAndVendsOnce() {
        sandbox.getBean(Faults.class).arm("pagamio", "vend", Scenario.TOO_MANY_REQUESTS, 1);
        String ref = pagamio.newReference();
        assertThat(pagamio.vend(electricity(ref, "000001020001", 20_000))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.calls("pagamio", "vend", ref)).extracting(CallRecord.Call::answer).containsExactly("429", "0");
        assertThat(record.vendCount("pagamio", ref)).isEqualTo(1);
    }

    @Test
    void theClientKeepsUnderThePerTokenLimitByWaitingThenGivingTheVendBackUnsent() {
        PagamioConnector slow = new PagamioConnector(properties(1));
        assertThat(slow.vend(electricity(slow.newReference(), "000001020001", 20_000))).isInstanceOf(VendOutcome.Succeeded.class);
        String ref = slow.newReference();
        // No permit within the limiter's wait: not sent (a later send will go), never a failure or a refund.
        assertThat(slow.vend(electricity(ref, "000001020001", 20_000))).isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
            assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.LOCAL_RATE_LIMIT);
            assertThat(n.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        });
        assertThat(record.vendRequests("pagamio", ref)).isZero();
    }

    @Test
    void a429ThatOutlastsTheRetriesIsNotSentNeverAFailure() {
        sandbox.getBean(Faults.class).arm("pagamio", "vend", Scenario.TOO_MANY_REQUESTS, 3);
        String ref = pagamio.newReference();
        assertThat(pagamio.vend(electricity(ref, "000001020001", 20_000))).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> {
                    assertThat(n.providerCode()).isEqualTo("429");
                    assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.PROVIDER_THROTTLED);
                    assertThat(n.retryAfter()).isPositive();
                });
        assertThat(record.calls("pagamio", "vend", ref)).extracting(CallRecord.Call::answer)
                .containsExactly("429", "429", "429");
        assertThat(record.vendCount("pagamio", ref)).isZero();
    }

    @Test
    void refusedCredentialsFailBeforeProcessingAreHeldBackAndRaiseTheAlert() {
        PagamioConnector refused = new PagamioConnector(properties("wrong-password", "MERCHANT", "MER-1001", null, 1000));
        int loginsBefore = record.calls("pagamio", "auth", null).size();
        String ref = refused.newReference();
        assertThat(refused.vend(electricity(ref, "000001020001", 20_000))).isInstanceOfSatisfying(VendOutcome.Failed.class,
                f -> {
                    assertThat(f.providerCode()).isEqualTo(ProviderHttp.AUTH_REFUSED);
                    assertThat(f.failureClass()).isEqualTo(FailureClass.NOT_AVAILABLE_TO_MERCHANT);
                    assertThat(f.beforeProcessing()).isTrue();
                });
        assertThat(record.vendRequests("pagamio", ref)).isZero();
        assertThat(authRefusedGauge()).isEqualTo(1);

        // Within the hold no order logs in again, and a requery is "not sent", never an exception or a failure.
        String second = refused.newReference();
        assertThat(refused.vend(electricity(second, "000001020001", 20_000))).isInstanceOfSatisfying(
                VendOutcome.Failed.class, f -> assertThat(f.providerCode()).isEqualTo(ProviderHttp.AUTH_REFUSED));
        assertThat(refused.requery(requery(ref))).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> assertThat(n.retryAfter()).isPositive());
        assertThat(record.calls("pagamio", "auth", null)).hasSize(loginsBefore + 1);
        assertThat(record.vendRequests("pagamio", second)).isZero();

        // Good credentials clear the alert.
        assertThat(new PagamioConnector(properties(1000)).vend(electricity(pagamio.newReference(), "000001020001", 20_000)))
                .isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(authRefusedGauge()).isZero();
    }

    @Test
    void aThrottledTokenEndpointDefersTheVendAndRefundsNothing() {
        PagamioConnector fresh = new PagamioConnector(properties(1000));
        sandbox.getBean(Faults.class).arm("pagamio", "auth", Scenario.TOO_MANY_REQUESTS, 3);
        String ref = fresh.newReference();
        assertThat(fresh.vend(electricity(ref, "000001020001", 20_000))).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> {
                    assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.AUTH_UNAVAILABLE);
                    assertThat(n.retryAfter()).isPositive();
                });
        assertThat(record.vendRequests("pagamio", ref)).isZero();
        assertThat(record.calls("pagamio", "auth", null)).extracting(CallRecord.Call::answer)
                .endsWith("fault:TOO_MANY_REQUESTS", "fault:TOO_MANY_REQUESTS", "fault:TOO_MANY_REQUESTS");
    }

    @Test
    void theAccountIdsAreConfiguredNotTakenFromTheLogin() {
        // Pagamio's documented login reply names no account.
        String login = ProviderHttp.client(baseUrl, Duration.ofSeconds(2), Duration.ofSeconds(3)).post().uri("/auth/token")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .body(Map.of("username", "sandbox-merchant", "password", "sandbox-password")).retrieve().body(String.class);
        assertThat(Lenient.parse(login).path("data").properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("token", "refreshToken", "expiresIn");

        // The configured merchant's catalogue and status lookups work; another merchant's are refused.
        assertThat(pagamio.offers(null)).isNotEmpty();
        PagamioConnector other = new PagamioConnector(properties("sandbox-password", "MERCHANT", "MER-9999", null, 1000));
        // A refusal of the request (4xx), not Pagamio being down: it must not count against the listing circuit.
        Assertions.assertThatThrownBy(() -> other.offers(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("403");
        String ref = other.newReference();
        assertThat(other.vend(electricity(ref, "00000100100", 20_000))).isInstanceOf(VendOutcome.Pending.class);
        assertThat(other.requery(requery(ref))).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.providerCode()).isEqualTo("HTTP 403"));

        // A sub-merchant user looks up its own products and transactions.
        PagamioConnector sub = new PagamioConnector(properties("sandbox-password", "SUB_MERCHANT", null,
                PagamioSandbox.AIRTIME_ONLY_SUB_MERCHANT, 1000));
        assertThat(sub.offers(null)).isNotEmpty().allMatch(o -> o.service() == ServiceType.AIRTIME);
        String subRef = sub.newReference();
        sub.vend(electricity(subRef, "00000100100", 20_000));
        sub.requery(requery(subRef));
        assertThat(sub.requery(requery(subRef))).isInstanceOf(VendOutcome.Succeeded.class);

        Assertions.assertThatThrownBy(() -> properties("p", "MERCHANT", null, null, 10))
                .hasMessageContaining("merchant-id");
        Assertions.assertThatThrownBy(() -> properties("p", "SUB_MERCHANT", "MER-1001", null, 10))
                .hasMessageContaining("sub-merchant-id");
    }

    @Test
    void aRejectedTokenIsRenewedOnceAndTheCallRepeated() {
        PagamioConnector fresh = new PagamioConnector(properties(1000));
        assertThat(fresh.vend(electricity(fresh.newReference(), "000001020001", 20_000))).isInstanceOf(VendOutcome.Succeeded.class);
        // The sandbox forgets every session, as after a Pagamio restart.
        sandbox.getBean(PagamioSandbox.class).reset();
        String ref = fresh.newReference();
        assertThat(fresh.vend(electricity(ref, "000001020001", 20_000))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.calls("pagamio", "vend", ref)).extracting(CallRecord.Call::answer).containsExactly("401", "0");
    }

    @Test
    void theDailyReportListsWhatPagamioVended() {
        String ok = pagamio.newReference();
        pagamio.vend(electricity(ok, "000001020001", 20_000));
        String failed = pagamio.newReference();
        pagamio.vend(electricity(failed, "00000100110", 20_000));
        List<TransactionReport> report = pagamio.transactions(LocalDate.now(ZoneId.of("Africa/Johannesburg")));
        assertThat(report).filteredOn(r -> r.reference().equals(ok)).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(CodeRule.Outcome.SUCCEEDED);
            assertThat(r.amountMinor()).isEqualTo(20_000);
            assertThat(r.currency()).isEqualTo("ZAR");
        });
        assertThat(report).filteredOn(r -> r.reference().equals(failed)).singleElement()
                .extracting(TransactionReport::outcome).isEqualTo(CodeRule.Outcome.FAILED);
    }

    @Test
    void lookupsSeparateValidFromInvalidMeters() {
        assertThat(pagamio.verify(new VerifyCommand(ServiceType.ELECTRICITY, "ESKOM", "prepaid", "000001020001")))
                .satisfies(v -> {
                    assertThat(v.status()).isEqualTo(AccountVerification.Status.VALID);
                    assertThat(v.customerName()).isEqualTo("T SANDBOX");
                });
        assertThat(pagamio.verify(new VerifyCommand(ServiceType.ELECTRICITY, "ESKOM", "prepaid", "12ab")).status())
                .isEqualTo(AccountVerification.Status.INVALID);
    }

    @Test
    void documentedBodiesParseToTheRightOutcome() {
        // Purchase page sample.
        assertThat(PagamioTransformer.purchase("""
                {"transactionId":"5f0c","responseCode":"0","responseMessage":"Purchase successful",
                 "responseDateTime":"2025-10-21T12:38:51.266157386","successful":true,
                 "receipt":{"amount":20000,"meterNumber":"0008958825192","aggregator":"BLUE_LABEL","name":"X",
                 "utility":"Eskom","tokens":[{"token":"1234 5678","tokenDescription":"Credit","quantity":61.14,
                 "unit":"kWh","free":false}],"fixedCosts":[{"description":"VAT"}],"receiptNumber":"R1"}}"""))
                .isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> assertThat(s.units()).isEqualTo("61.14 kWh"));
        assertThat(PagamioTransformer.purchase("{\"responseCode\":\"1009\",\"responseMessage\":\"This product is not available for your account\"}"))
                .isInstanceOfSatisfying(VendOutcome.Failed.class,
                        f -> assertThat(f.failureClass()).isEqualTo(FailureClass.NOT_AVAILABLE_TO_MERCHANT));
        assertThat(PagamioTransformer.purchase("{\"success\":false,\"error\":{\"code\":1103,\"message\":\"Insufficient balance\"}}"))
                .isInstanceOfSatisfying(VendOutcome.Failed.class,
                        f -> assertThat(f.failureClass()).isEqualTo(FailureClass.INSUFFICIENT_FLOAT));
        assertThat(PagamioTransformer.purchase("{\"responseCode\":1204,\"responseMessage\":\"Transaction timeout\"}"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(PagamioTransformer.purchase("{\"responseCode\":\"0\",\"successful\":false}"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(PagamioTransformer.purchase("{\"responseCode\":\"4242\"}"))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.cause()).isEqualTo(PendingCause.UNKNOWN_CODE));
        assertThat(PagamioTransformer.purchase("<html>")).isInstanceOf(VendOutcome.Pending.class);
    }

    @Test
    void aPurchaseReplyNamingAnotherMerchantReferenceIsPendingNeverOurs() {
        String reply = """
                {"transactionId":"5f0c","responseCode":"0","responseMessage":"Purchase successful","successful":true,
                 "merchantReference":"%s","receipt":{"tokens":[{"token":"1234","quantity":1,"unit":"kWh"}]}}""";
        assertThat(PagamioTransformer.purchase(reply.formatted("vs-theirs"), "vs-ours"))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.message()).contains("vs-theirs"));
        assertThat(PagamioTransformer.purchase(reply.formatted("vs-ours"), "vs-ours")).isInstanceOf(VendOutcome.Succeeded.class);
        // The documented reply does not echo it at all: nothing to compare, the reply stands.
        assertThat(PagamioTransformer.purchase(reply.replace("\"merchantReference\":\"%s\",", ""), "vs-ours"))
                .isInstanceOf(VendOutcome.Succeeded.class);
    }

    @Test
    void everyDocumentedCodeIsMapped() {
        List<String> documented = List.of("0", "999", "1000", "1001", "1002", "1003", "1004", "1005", "1006", "1007",
                "1008", "1009", "1010", "1100", "1101", "1102", "1103", "1104", "1105", "1106", "1107", "1200", "1201",
                "1202", "1203", "1204", "1205", "1206", "1300", "409", "429");
        assertThat(PagamioCodes.TABLE.rules()).extracting(CodeRule::code).containsExactlyInAnyOrderElementsOf(documented);
        for (String transient_ : List.of("1200", "1201", "1202", "1204", "1205", "1006")) {
            assertThat(PagamioCodes.TABLE.rule(transient_).orElseThrow().decision()).as(transient_).isEqualTo(Decision.REQUERY);
        }
    }

    @Test
    void catalogueFollowsWhatIsActivatedForTheMerchantAndEachSubMerchant() {
        List<CatalogOffer> merchant = pagamio.offers(null);
        assertThat(merchant).extracting(o -> o.service() + "/" + o.billerId())
                .contains("ELECTRICITY/ESKOM", "AIRTIME/VODACOM", "CABLE_TV/DSTV-ZA", "BILL_PAYMENT/DSTV-ZA");
        assertThat(merchant).filteredOn(o -> o.billerId().equals("ESKOM")).singleElement().satisfies(o -> {
            assertThat(o.currency()).isEqualTo("ZAR");
            assertThat(o.minAmountMinor()).isEqualTo(1_000L);
            assertThat(o.maxAmountMinor()).isEqualTo(300_000L);
            assertThat(o.priceMinor()).isNull();
        });

        // The fixture sub-merchant inherits only airtime; a product switched off for another one disappears there only.
        assertThat(pagamio.offers(PagamioSandbox.AIRTIME_ONLY_SUB_MERCHANT)).isNotEmpty()
                .allMatch(o -> o.service() == ServiceType.AIRTIME);
        sandbox.getBean(PagamioSandbox.class).reset();
        org.springframework.web.client.RestClient.create("http://localhost:" + sandbox.getEnvironment()
                .getProperty("local.server.port")).put().uri("/sandbox/admin/pagamio/sub-merchants/SUB-7/products/ELE-ESK-001?active=false")
                .retrieve().toBodilessEntity();
        assertThat(pagamio.offers("SUB-7")).extracting(CatalogOffer::billerId).doesNotContain("ESKOM").contains("VODACOM");
        assertThat(pagamio.offers("SUB-8")).extracting(CatalogOffer::billerId).contains("ESKOM");
        assertThat(pagamio.offers(null)).extracting(CatalogOffer::billerId).contains("ESKOM");
    }
}
