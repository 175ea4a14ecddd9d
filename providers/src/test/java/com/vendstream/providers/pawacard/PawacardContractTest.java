package com.vendstream.providers.pawacard;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.pawacard.PawacardSandbox;
import com.vendstream.providers.support.CaptureServer;
import com.vendstream.providers.support.ProviderHttp;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Scenario;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The Pawacard connector against the sandbox's Pawacard, over real HTTP. */
class PawacardContractTest {

    static ConfigurableApplicationContext sandbox;
    static PawacardConnector pawacard;
    static CallRecord record;
    static String baseUrl;
    static final AtomicInteger METERS = new AtomicInteger(10_000);
    /** Sees what the connectors publish on the global registry (the auth alert gauge). */
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        Metrics.addRegistry(meters);
        sandbox = ProviderSandboxApplication.start(0, Map.of("vendstream.sandbox.pawacard.pending-requeries", "1",
                "vendstream.sandbox.pawacard.pending-after", "0s", "vendstream.sandbox.pawacard.timeout-delay", "5s",
                "vendstream.sandbox.latency.default", "5ms"));
        baseUrl = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port") + "/pawacard/v3";
        pawacard = connector(Duration.ofMinutes(5));
        record = sandbox.getBean(CallRecord.class);
    }

    static PawacardConnector connector(Duration meterWindow) {
        return connector("sandbox-password", meterWindow);
    }

    static PawacardConnector connector(String password, Duration meterWindow) {
        return new PawacardConnector(new PawacardProperties(baseUrl, "testvendor", password,
                Duration.ofSeconds(2), Duration.ofSeconds(3), meterWindow));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
        Metrics.removeRegistry(meters);
    }

    static double authRefusedGauge() {
        return meters.get("vendstream.provider.auth.refused").tag("provider", "pawacard").gauge().value();
    }

    /** A Luhn-valid meter: the body plus its check digit. */
    static String meter(String body) {
        for (int d = 0; d < 10; d++) {
            if (PawacardConnector.luhn(body + d)) {
                return body + d;
            }
        }
        throw new IllegalStateException();
    }

    /** A fresh Luhn-valid meter whose four digits before the check digit are {@code suffix}. */
    static String meter(int suffix) {
        return meter("0145" + METERS.incrementAndGet() + String.format("%04d", suffix));
    }

    static String freshMeter() {
        return meter("01451" + METERS.incrementAndGet());
    }

    static VendCommand prepaid(String ref, String meter) {
        return new VendCommand(ref, ServiceType.ELECTRICITY, "KPLC", "prepaid", meter, null, 5_000, "KES", 1,
                "Bilbo Baggins", null);
    }

    static RequeryCommand requery(String ref) {
        return new RequeryCommand(ref, ServiceType.ELECTRICITY, "KPLC", "prepaid", null);
    }

    @Test
    void theSeedsMeterVendsAToken() {
        String ref = pawacard.newReference();
        assertThat(ref).matches("[1-9]\\d{11}");
        assertThat(pawacard.vend(prepaid(ref, "01451174955"))).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.providerCode()).isEqualTo("elec000");
            assertThat(s.token()).matches("\\d{20}");
            assertThat(s.receipt()).containsKeys("stdTokenRctNum", "TotalTax", "date");
            assertThat(s.receipt().get("date")).matches("\\d{4}-\\d{2}-\\d{2}T.*");
        });
        assertThat(record.vendCount("pawacard", ref)).isEqualTo(1);
    }

    @Test
    void luhnIsCheckedBeforeAnythingIsSent() {
        assertThat(pawacard.verify(new VerifyCommand(ServiceType.ELECTRICITY, "KPLC", "prepaid", "01451174955")))
                .satisfies(v -> assertThat(v.customerName()).isEqualTo("Bilbo Baggins"));
        assertThat(pawacard.verify(new VerifyCommand(ServiceType.ELECTRICITY, "KPLC", "prepaid", "12345678912")).status())
                .isEqualTo(AccountVerification.Status.INVALID);
        String ref = pawacard.newReference();
        assertThat(pawacard.vend(prepaid(ref, "12345678912"))).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.ACCOUNT);
            assertThat(f.beforeProcessing()).isTrue();
        });
        assertThat(record.vendRequests("pawacard", ref)).isZero();
    }

    @Test
    void aFailedVendFails() {
        assertThat(pawacard.vend(prepaid(pawacard.newReference(), meter(9901))))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.providerCode()).isEqualTo("elec001");
                    assertThat(f.beforeProcessing()).isFalse();
                });
    }

    @Test
    void pendingIsResolvedByTransactionWithTheSameRef() {
        String ref = pawacard.newReference();
        assertThat(pawacard.vend(prepaid(ref, meter(9902)))).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.providerCode()).isEqualTo("tx:5"));
        assertThat(pawacard.requery(requery(ref))).isInstanceOf(VendOutcome.Pending.class);
        assertThat(pawacard.requery(requery(ref))).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.token()).matches("\\d{20}"));

        String failing = pawacard.newReference();
        pawacard.vend(prepaid(failing, meter(9903)));
        pawacard.requery(requery(failing));
        assertThat(pawacard.requery(requery(failing))).isInstanceOfSatisfying(VendOutcome.Failed.class,
                f -> assertThat(f.providerCode()).isEqualTo("elec003"));
    }

    @Test
    void aTimeoutAfterProcessingIsPendingAndTheRequeryFindsTheOneVend() {
        String ref = pawacard.newReference();
        assertThat(pawacard.vend(prepaid(ref, meter(9905)))).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.TIMEOUT));
        assertThat(pawacard.requery(requery(ref))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.vendCount("pawacard", ref)).isEqualTo(1);
    }

    @Test
    void aRepeatedRefReturnsTheOriginalAndNeverVendsTwice() {
        String ref = pawacard.newReference();
        String m = freshMeter();
        VendOutcome first = pawacard.vend(prepaid(ref, m));
        VendOutcome again = connector(Duration.ZERO).vend(prepaid(ref, m));
        assertThat(again).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.token()).isEqualTo(((VendOutcome.Succeeded) first).token()));
        assertThat(record.vendCount("pawacard", ref)).isEqualTo(1);
    }

    @Test
    void aMeterVendedMomentsAgoWaitsOutItsWindowHereOnBothSides() {
        String m = freshMeter();
        assertThat(pawacard.vend(prepaid(pawacard.newReference(), m))).isInstanceOf(VendOutcome.Succeeded.class);
        // Kept on our side: not sent, not failed over (another provider would vend the meter again at once).
        String held = pawacard.newReference();
        assertThat(pawacard.vend(prepaid(held, m))).isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
            assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.ACCOUNT_WINDOW);
            assertThat(n.reason().mayFailOver()).isFalse();
            assertThat(n.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
        });
        assertThat(record.vendRequests("pawacard", held)).isZero();
        // Without the client's own throttle, Pawacard answers "too soon" and books nothing: the same.
        String tooSoon = pawacard.newReference();
        assertThat(connector(Duration.ZERO).vend(prepaid(tooSoon, m))).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> {
                    assertThat(n.providerCode()).isEqualTo("throttle");
                    assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.ACCOUNT_WINDOW);
                    assertThat(n.retryAfter()).isEqualTo(Duration.ofMinutes(5));
                });
        assertThat(record.vendCount("pawacard", tooSoon)).isZero();
        // 105, the meter's daily cap, does not pass by waiting minutes: a definite failure.
        assertThat(PawacardTransformer.outcome("{\"status\":105,\"msg\":\"Meter has reached maximum vends allowed per day\"}"))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> assertThat(f.beforeProcessing()).isTrue());
    }

    @Test
    void aVendThatReachedNobodyLeavesTheMetersWindowUnstarted() {
        String m = freshMeter();
        sandbox.getBean(Faults.class).arm("pawacard", "vend", Scenario.TOO_MANY_REQUESTS, 1);
        assertThat(pawacard.vend(prepaid(pawacard.newReference(), m))).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.PROVIDER_THROTTLED));
        assertThat(pawacard.vend(prepaid(pawacard.newReference(), m))).isInstanceOf(VendOutcome.Succeeded.class);
    }

    @Test
    void aRefusedLoginFailsBeforeProcessingIsHeldBackAndRaisesTheAlert() {
        PawacardConnector refused = connector("wrong-password", Duration.ZERO);
        int logins = record.calls("pawacard", "auth", null).size();
        String ref = refused.newReference();
        assertThat(refused.vend(prepaid(ref, freshMeter()))).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
            assertThat(f.providerCode()).isEqualTo(ProviderHttp.AUTH_REFUSED);
            assertThat(f.failureClass()).isEqualTo(FailureClass.NOT_AVAILABLE_TO_MERCHANT);
            assertThat(f.beforeProcessing()).isTrue();
        });
        assertThat(record.vendRequests("pawacard", ref)).isZero();
        assertThat(record.calls("pawacard", "auth", null)).hasSize(logins + 1);
        assertThat(authRefusedGauge()).isEqualTo(1);

        // Within the hold: no second login, whatever asks (a vend, a requery that is "not sent").
        String second = refused.newReference();
        assertThat(refused.vend(prepaid(second, freshMeter()))).isInstanceOfSatisfying(VendOutcome.Failed.class,
                f -> assertThat(f.providerCode()).isEqualTo(ProviderHttp.AUTH_REFUSED));
        assertThat(refused.requery(requery(ref))).isInstanceOf(VendOutcome.NotSent.class);
        assertThat(record.calls("pawacard", "auth", null)).hasSize(logins + 1);
        assertThat(record.vendRequests("pawacard", second)).isZero();

        // Good credentials clear the alert.
        assertThat(connector(Duration.ZERO).vend(prepaid(pawacard.newReference(), freshMeter())))
                .isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(authRefusedGauge()).isZero();
    }

    @Test
    void aKeyRefusedOnAVendIsRenewedThroughTheSessionAndARefusedLoginThenFailsBeforeProcessing() {
        // Pawacard forgets our key, and by now refuses our password too (changed at Pawacard).
        AtomicInteger logins = new AtomicInteger();
        try (CaptureServer pawa = new CaptureServer()) {
            pawa.on("/pawacard/v3/login", r -> logins.incrementAndGet() == 1
                            ? CaptureServer.Reply.ok("{\"status\":0,\"msg\":\"success\",\"key\":\"k1\"}")
                            : CaptureServer.Reply.ok("{\"status\":1,\"msg\":\"Wrong Username or Password\"}"))
                    .on("/pawacard/v3/verify", r -> CaptureServer.Reply.ok(
                            "{\"status\":0,\"msg\":\"success\",\"customerName\":\"Bilbo Baggins\"}"))
                    .on("/pawacard/v3/vend", r -> CaptureServer.Reply.ok("{\"status\":1,\"msg\":\"Invalid key\"}"));
            PawacardConnector c = new PawacardConnector(new PawacardProperties(pawa.url("/pawacard/v3"), "testvendor",
                    "old-password", Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ZERO));
            assertThat(c.verify(new VerifyCommand(ServiceType.ELECTRICITY, "KPLC", "prepaid", "01451174955")).status())
                    .isEqualTo(AccountVerification.Status.VALID);
            assertThat(c.vend(prepaid(c.newReference(), "01451174955"))).isInstanceOfSatisfying(VendOutcome.Failed.class,
                    f -> {
                        assertThat(f.providerCode()).isEqualTo(ProviderHttp.AUTH_REFUSED);
                        assertThat(f.beforeProcessing()).isTrue();
                    });
            assertThat(pawa.requests("/pawacard/v3/vend")).hasSize(1);
            assertThat(logins).hasValue(2);
            assertThat(authRefusedGauge()).isEqualTo(1);
        }
        connector(Duration.ZERO).vend(prepaid(pawacard.newReference(), freshMeter()));
        assertThat(authRefusedGauge()).isZero();
    }

    @Test
    void aReplyForAnotherRefIsPendingNeverItsToken() {
        String theirs = """
                {"token":"66430474307561657038","date":"11-4-2014 20:24:7","totalAmount":"200","transactionId":252,
                 "ref":"370474587102","customerName":"Bilbo Baggins"}""";
        assertThat(PawacardTransformer.outcome(theirs, "101234567890")).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.message()).contains("370474587102", "101234567890"));
        assertThat(PawacardTransformer.outcome(theirs, "370474587102")).isInstanceOf(VendOutcome.Succeeded.class);
        // In a transaction block too (pending, postpaid, failed replies carry it there).
        assertThat(PawacardTransformer.outcome("""
                {"status":0,"msg":"success","transaction":{"status":1,"rctNum":"151172056109030422","transactionId":3,
                 "ref":"015117215614"}}""", "370474587102")).isInstanceOf(VendOutcome.Pending.class);
        assertThat(PawacardTransformer.outcome("""
                {"status":1,"msg":"","transaction":{"status":2,"msg":"Failed","transactionId":2,"ref":"015117215614"}}""",
                "370474587102")).isInstanceOf(VendOutcome.Pending.class);
    }

    @Test
    void insufficientBalanceFailsBeforeProcessing() {
        assertThat(pawacard.vend(prepaid(pawacard.newReference(), meter(9911))))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.providerCode()).isEqualTo("status:102");
                    assertThat(f.failureClass()).isEqualTo(FailureClass.INSUFFICIENT_FLOAT);
                });
    }

    @Test
    void postpaidBillsArePaidAndRequeried() {
        String ref = pawacard.newReference();
        VendCommand bill = new VendCommand(ref, ServiceType.ELECTRICITY, "KPLC", "postpaid", "0203754-01", null,
                100_000, "KES", 1, null, null);
        assertThat(pawacard.verify(new VerifyCommand(ServiceType.ELECTRICITY, "KPLC", "postpaid", "0203754-01")))
                .satisfies(v -> assertThat(v.details()).containsEntry("customer_balance", "10"));
        assertThat(pawacard.vend(bill)).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.receipt()).containsKey("rctNum"));
        assertThat(pawacard.requery(new RequeryCommand(ref, ServiceType.ELECTRICITY, "KPLC", "postpaid", null)))
                .isInstanceOf(VendOutcome.Succeeded.class);
    }

    @Test
    void aForgottenKeyIsRenewedByLoggingInAgain() {
        PawacardConnector fresh = connector(Duration.ZERO);
        assertThat(fresh.vend(prepaid(fresh.newReference(), freshMeter()))).isInstanceOf(VendOutcome.Succeeded.class);
        sandbox.getBean(PawacardSandbox.class).reset();
        String ref = fresh.newReference();
        assertThat(fresh.vend(prepaid(ref, freshMeter()))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.calls("pawacard", "vend", ref)).extracting(CallRecord.Call::answer)
                .containsExactly("1/key", "elec000");
    }

    @Test
    void theSeedsBodiesParseToTheRightOutcome() {
        assertThat(PawacardTransformer.outcome("""
                {"token":"66430474307561657038","stdTokenRctNum":"RADIXOVS010VS224392","date":"11-4-2014 20:24:7",
                 "totalAmount":"200","transactionId":252,"fixed":[{"REPCharge":"6486"},{"TotalTax":"1440"}],
                 "ref":"370474587102","customerName":"Bilbo Baggins"}"""))
                .isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
                    assertThat(s.providerTransactionId()).isEqualTo("252");
                    assertThat(s.receipt()).containsEntry("date", "2014-04-11T20:24:07");
                });
        assertThat(PawacardTransformer.outcome("""
                {"status":1,"msg":"","transaction":{"status":5,"msg":"transaction still pending","transactionId":3218,
                 "ref":"370474587102"}}""")).isInstanceOf(VendOutcome.Pending.class);
        assertThat(PawacardTransformer.outcome("""
                {"status":1,"msg":"success","transaction":{"status":0,"vendor":"test","accountNo":"0203754-01",
                 "msg":"transaction still pending","amount":"1000","date":"27-4-2015 21:49:14","transactionId":2}}"""))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(PawacardTransformer.outcome("""
                {"status":1,"msg":"","transaction":{"status":2,"msg":"Failed, please try again","transactionId":2}}"""))
                .isInstanceOf(VendOutcome.Failed.class);
        assertThat(PawacardTransformer.outcome("""
                {"status":0,"msg":"success","transaction":{"status":1,"rctNum":"151172056109030422","amount":"1000",
                 "date":"27-4-2015 21:56:11","transactionId":3}}""")).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(PawacardTransformer.outcome(
                "{\"status\":1,\"msg\":\"Request timed out. please fetch the response again\",\"code\":\"elec100\"}"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(PawacardTransformer.outcome("{\"status\":105,\"msg\":\"Meter has reached maximum vends allowed per day\"}"))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> assertThat(f.failureClass()).isEqualTo(FailureClass.THROTTLED));
        assertThat(PawacardTransformer.outcome("{\"status\":104,\"msg\":\"Transaction not found\"}"))
                .isInstanceOf(VendOutcome.Pending.class);
        assertThat(PawacardTransformer.outcome("{\"status\":1,\"msg\":\"\"}")).isInstanceOf(VendOutcome.Pending.class);
        assertThat(PawacardTransformer.outcome("{\"status\":0,\"msg\":\"success\"}")).isInstanceOf(VendOutcome.Pending.class);
        assertThat(PawacardTransformer.outcome("\"token\": \"6643\"")).isInstanceOf(VendOutcome.Pending.class);
    }

    @Test
    void everyDocumentedCodeIsMapped() {
        assertThat(PawacardCodes.TABLE.rules()).extracting(CodeRule::code).contains("elec000", "elec001", "elec003",
                "elec100", "tx:0", "tx:5", "tx:1", "tx:2", "status:0", "status:1", "status:102", "status:103",
                "status:104", "status:105", "throttle");
        for (String ambiguous : List.of("status:1", "status:104", "elec100", "tx:0", "tx:5")) {
            assertThat(PawacardCodes.TABLE.rule(ambiguous).orElseThrow().outcome()).as(ambiguous)
                    .isEqualTo(CodeRule.Outcome.PENDING);
        }
    }
}
