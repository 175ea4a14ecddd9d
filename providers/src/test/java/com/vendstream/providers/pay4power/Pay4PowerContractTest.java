package com.vendstream.providers.pay4power;

import org.threeten.extra.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.CaptureServer;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.CallRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The Pay4Power connector against the sandbox's Pay4Power, over real HTTP. */
class Pay4PowerContractTest {

    static ConfigurableApplicationContext sandbox;
    static String root;
    static String baseUrl;
    static Pay4PowerConnector p4p;
    static CallRecord record;

    @BeforeAll
    static void start() {
        sandbox = ProviderSandboxApplication.start(0, Map.of(
                "vendstream.sandbox.pay4power.timeout-delay", "5s",
                "vendstream.sandbox.pay4power.pending-requeries", "1",
                "vendstream.sandbox.pay4power.pending-after", "0s",
                "vendstream.sandbox.pay4power.token-ttl", "10m"));
        root = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port");
        baseUrl = root + "/pay4power/api/v2.1/b2b";
        p4p = new Pay4PowerConnector(properties(Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS, "p4p-sandbox-client",
                "p4p-sandbox-secret", null));
        record = sandbox.getBean(CallRecord.class);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static Pay4PowerProperties properties(Pay4PowerProperties.AuthMode mode, String id, String secret, String prefix) {
        return new Pay4PowerProperties(baseUrl, id, secret, mode, Duration.ofSeconds(2), Duration.ofSeconds(3), prefix,
                Duration.ofMinutes(2));
    }

    static VendCommand airtime(String reference, String phone) {
        return new VendCommand(reference, ServiceType.AIRTIME, "MTN", null, phone, phone, 50_000, "NGN", 1, null, null);
    }

    static VendCommand power(String reference, String meter) {
        return new VendCommand(reference, ServiceType.ELECTRICITY, "YEDC", "prepaid", meter, "08011111111", 100_000, "NGN",
                1, null, null);
    }

    static RequeryCommand requery(VendCommand command) {
        return new RequeryCommand(command.reference(), command.service(), command.billerId(), command.itemId(), null);
    }

    @Test
    void referencesAre32HexCharacters() {
        assertThat(p4p.newReference()).matches("[0-9a-f]{32}").isNotEqualTo(p4p.newReference());
    }

    @Test
    void prepaidPowerGoesVerifyInitiateVendAndReturnsACleanToken() {
        VerifyCommand verify = new VerifyCommand(ServiceType.ELECTRICITY, "YEDC", "prepaid", "1111111111111");
        AccountVerification v = p4p.verify(verify);
        assertThat(v.status()).isEqualTo(AccountVerification.Status.VALID);
        assertThat(v.customerName()).isEqualTo("TEST CUSTOMER");
        assertThat(v.verificationReference()).startsWith("VRF");

        VendCommand command = power(p4p.newReference(), "1111111111111");
        VendOutcome outcome = p4p.vend(command);
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.token()).matches("\\d{4} \\d{4} \\d{4} \\d{4} \\d{4}");
            assertThat(s.units()).isEqualTo("45.6 kWh");
            assertThat(s.providerTransactionId()).startsWith("P4P");
        });
        assertThat(record.calls("pay4power", "initiate", command.reference())).hasSize(1);
        assertThat(record.vendCount("pay4power", command.reference())).isEqualTo(1);
    }

    @Test
    void theDocumentedDataVendBodySucceeds() {
        VendCommand command = new VendCommand(p4p.newReference(), ServiceType.DATA, "MTN", "mtn-10mb-100", "08011111111",
                "08011111111", 10_000, "NGN", 1, null, null);
        assertThat(p4p.vend(command)).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.receipt()).containsEntry("message", "Mock data vend successful"));
    }

    @Test
    void aTvVendVerifiesFirstWhenItHasNoVerificationReference() {
        VendCommand command = new VendCommand(p4p.newReference(), ServiceType.CABLE_TV, "DSTV", "dstv-padi", "7034567890",
                "08011111111", 290_000, "NGN", 1, null, null);
        assertThat(p4p.vend(command)).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.receipt()).containsEntry("message", "Mock TV vend successful"));
        assertThat(record.calls("pay4power", "verify", null)).isNotEmpty();
    }

    @Test
    void pendingThenSuccessIsSettledByRequeryWithTheSameReference() {
        VendCommand command = power(p4p.newReference(), "20200000001");
        assertThat(p4p.vend(command)).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> {
            assertThat(p.providerCode()).isEqualTo("202");
            assertThat(p.cause()).isEqualTo(PendingCause.PROVIDER_PENDING);
        });
        assertThat(p4p.requery(requery(command))).isInstanceOf(VendOutcome.Pending.class);
        // The requery nests the token as vendDetails.creditToken; the lenient lookup finds it.
        assertThat(p4p.requery(requery(command))).isInstanceOfSatisfying(VendOutcome.Succeeded.class,
                s -> assertThat(s.token()).matches("[\\d ]{24}"));
        assertThat(record.vendCount("pay4power", command.reference())).isEqualTo(1);
    }

    @Test
    void pendingThenFailure() {
        VendCommand command = airtime(p4p.newReference(), "20210000001");
        assertThat(p4p.vend(command)).isInstanceOf(VendOutcome.Pending.class);
        p4p.requery(requery(command));
        assertThat(p4p.requery(requery(command))).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DECLINED_BY_PROVIDER);
            assertThat(f.beforeProcessing()).isFalse();
        });
    }

    @Test
    void pendingForeverStaysPending() {
        VendCommand command = airtime(p4p.newReference(), "20290000001");
        assertThat(p4p.vend(command)).isInstanceOf(VendOutcome.Pending.class);
        for (int i = 0; i < 4; i++) {
            assertThat(p4p.requery(requery(command))).isInstanceOf(VendOutcome.Pending.class);
        }
    }

    @Test
    void http417IsADefiniteFailureAfterProcessing() {
        assertThat(p4p.vend(airtime(p4p.newReference(), "41700000001")))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.providerCode()).isEqualTo("417");
                    assertThat(f.failureClass()).isEqualTo(FailureClass.DECLINED_BY_PROVIDER);
                    assertThat(f.beforeProcessing()).isFalse();
                });
    }

    @Test
    void http400IsAValidationFailureBeforeProcessing() {
        assertThat(p4p.vend(airtime(p4p.newReference(), "40000000001")))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
                    assertThat(f.providerCode()).isEqualTo("400");
                    assertThat(f.failureClass()).isEqualTo(FailureClass.VALIDATION);
                    assertThat(f.beforeProcessing()).isTrue();
                });
        assertThat(p4p.vend(power(p4p.newReference(), "40000000002")))
                .isInstanceOfSatisfying(VendOutcome.Failed.class, f -> assertThat(f.beforeProcessing()).isTrue());
    }

    @Test
    void aTimeoutAfterProcessingIsPendingAndTheRequeryFindsTheOneVend() {
        VendCommand command = power(p4p.newReference(), "30000000001");
        assertThat(p4p.vend(command)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.TIMEOUT));
        assertThat(p4p.requery(requery(command))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.vendRequests("pay4power", command.reference())).isEqualTo(1);
        assertThat(record.vendCount("pay4power", command.reference())).isEqualTo(1);
    }

    @Test
    void serverErrorsResetsGarbageAndThrottlingArePendingNeverFailed() {
        VendCommand fiveHundred = airtime(p4p.newReference(), "50000000001");
        assertThat(p4p.vend(fiveHundred)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.SERVER_ERROR));
        assertThat(p4p.requery(requery(fiveHundred))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(p4p.vend(airtime(p4p.newReference(), "90000000001"))).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.UNPARSEABLE_REPLY));
        assertThat(p4p.vend(airtime(p4p.newReference(), "60000000001"))).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.CONNECTION_RESET));
        assertThat(p4p.vend(airtime(p4p.newReference(), "42900000001"))).isInstanceOf(VendOutcome.Pending.class);
    }

    @Test
    void aRepeatedReferenceReturnsTheOriginalAndIsNeverVendedTwice() {
        VendCommand command = airtime(p4p.newReference(), "08011111111");
        assertThat(p4p.vend(command)).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(p4p.vend(command)).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.vendRequests("pay4power", command.reference())).isEqualTo(2);
        assertThat(record.vendCount("pay4power", command.reference())).isEqualTo(1);
    }

    @Test
    void aRequeryForAnUnknownReferenceIsPendingNotFailed() {
        assertThat(p4p.requery(new RequeryCommand(p4p.newReference(), ServiceType.AIRTIME, "MTN", null, null)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.providerCode()).isEqualTo("404"));
    }

    @Test
    void aRevokedTokenIsRefreshedOnceAndTheSameReferenceResent() throws Exception {
        Pay4PowerConnector fresh = new Pay4PowerConnector(properties(Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS,
                "p4p-sandbox-client", "p4p-sandbox-secret", null));
        assertThat(fresh.vend(airtime(fresh.newReference(), "08011111111"))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(fresh.tokenFetches()).isEqualTo(1);
        HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(root + "/sandbox/admin/pay4power/tokens/revoke")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(200);

        VendCommand command = airtime(fresh.newReference(), "08011111111");
        assertThat(fresh.vend(command)).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(fresh.tokenFetches()).isEqualTo(2);
        assertThat(record.calls("pay4power", "vend", command.reference())).extracting(CallRecord.Call::answer)
                .containsExactly("401", "200");
        assertThat(record.vendCount("pay4power", command.reference())).isEqualTo(1);
    }

    @Test
    void theTokenIsRenewedAheadOfItsExpiry() {
        MutableClock clock = MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC);
        Pay4PowerConnector timed = new Pay4PowerConnector(properties(Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS,
                "p4p-sandbox-client", "p4p-sandbox-secret", null), clock);
        timed.vend(airtime(timed.newReference(), "08011111111"));
        clock.add(Duration.ofMinutes(7));
        timed.vend(airtime(timed.newReference(), "08011111111"));
        assertThat(timed.tokenFetches()).isEqualTo(1);
        // 10-minute tokens with a 2-minute margin: renewed after minute 8, before anything is refused.
        clock.add(Duration.ofMinutes(2));
        assertThat(timed.vend(airtime(timed.newReference(), "08011111111"))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(timed.tokenFetches()).isEqualTo(2);
    }

    @Test
    void theKeyPairAuthBodyAndTheDoubledB2bPathAreSupported() {
        Pay4PowerConnector keys = new Pay4PowerConnector(properties(Pay4PowerProperties.AuthMode.KEY_PAIR,
                "PUB_KEY_sandbox", "PRIV_KEY_sandbox", "/b2b"));
        assertThat(keys.vend(power(keys.newReference(), "1111111111111"))).isInstanceOf(VendOutcome.Succeeded.class);
    }

    @Test
    void wrongCredentialsFailBeforeAnythingIsSent() {
        Pay4PowerConnector wrong = new Pay4PowerConnector(properties(Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS,
                "nobody", "nothing", null));
        VendCommand command = airtime(wrong.newReference(), "08011111111");
        assertThat(wrong.vend(command)).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.NOT_AVAILABLE_TO_MERCHANT);
            assertThat(f.beforeProcessing()).isTrue();
        });
        assertThat(record.vendRequests("pay4power", command.reference())).isZero();
    }

    @Test
    void aTokenEndpointThatCannotBeReachedLeavesTheVendUnsentToBeTriedAgain() {
        Pay4PowerConnector nowhere = new Pay4PowerConnector(new Pay4PowerProperties("http://localhost:1/x", "a", "b",
                null, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        // No session, so no vend left: it waits (or goes elsewhere); it is never refunded for our side's trouble.
        assertThat(nowhere.vend(airtime(nowhere.newReference(), "08011111111")))
                .isInstanceOfSatisfying(VendOutcome.NotSent.class,
                        n -> assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.AUTH_UNAVAILABLE));
        // The requery could not be sent either: "no answer, ask again later", never a failure.
        assertThat(nowhere.requery(new RequeryCommand("x", ServiceType.AIRTIME, "MTN", null, null)))
                .isInstanceOf(VendOutcome.NotSent.class);
    }

    @Test
    void aThrottledTokenEndpointIsLeftAloneAsLongAsItAsks() {
        try (CaptureServer server = new CaptureServer()) {
            server.on("/p4p/auth/token", r -> new CaptureServer.Reply(429, "{\"error\":\"Too Many Requests\"}",
                    Map.of("Retry-After", "120")));
            Pay4PowerConnector throttled = new Pay4PowerConnector(new Pay4PowerProperties(server.url("/p4p"), "a", "b",
                    null, Duration.ofSeconds(1), Duration.ofSeconds(1)));
            // Not sent, to be sent again once the token endpoint lets us: never a refund, never a refusal.
            assertThat(throttled.vend(airtime(throttled.newReference(), "08011111111")))
                    .isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
                        assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.AUTH_UNAVAILABLE);
                        assertThat(n.retryAfter()).isGreaterThan(Duration.ofSeconds(100));
                    });
            // Asked once: the two minutes it asked for are not spent retrying it.
            assertThat(server.requests("/p4p/auth/token")).hasSize(1);
            assertThat(throttled.vend(airtime(throttled.newReference(), "08011111111")))
                    .isInstanceOf(VendOutcome.NotSent.class);
            assertThat(server.requests("/p4p/auth/token")).hasSize(1);
        }
    }

    @Test
    void servicesAndProvidersAreReadAndProvidersCached() {
        assertThat(p4p.serviceCategories()).contains("power", "airtime", "data", "tv");
        int before = record.calls("pay4power", "catalog", null).size();
        assertThat(p4p.providers()).extracting(Pay4PowerConnector.Provider::code).contains("YEDC", "MTN", "DSTV");
        assertThat(p4p.providers()).isNotEmpty();
        assertThat(record.calls("pay4power", "catalog", null)).hasSize(before + 1);
    }

    @Test
    void catalogueIsTheProviderListAsWholeBillers() {
        assertThat(p4p.offers(null)).extracting(o -> o.service() + "/" + o.billerId())
                .contains("ELECTRICITY/IKEDC", "AIRTIME/MTN", "DATA/MTN", "CABLE_TV/DSTV")
                // Pay4Power lists no Liberian operator: LONESTAR is sold on configuration alone (assume-offered).
                .doesNotContain("AIRTIME/LONESTAR");
        assertThat(p4p.offers(null)).allMatch(o -> o.currency().equals("NGN") && o.itemId() == null);
    }
}
