package com.vendstream.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.dollr.DollrConnector;
import com.vendstream.providers.dollr.DollrProperties;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.pagamio.PagamioConnector;
import com.vendstream.providers.pagamio.PagamioProperties;
import com.vendstream.providers.pawacard.PawacardConnector;
import com.vendstream.providers.pawacard.PawacardProperties;
import com.vendstream.providers.pay4power.Pay4PowerConnector;
import com.vendstream.providers.pay4power.Pay4PowerProperties;
import com.vendstream.providers.support.CaptureServer.Reply;
import com.vendstream.providers.vtpass.VtpassConnector;
import com.vendstream.providers.vtpass.VtpassProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A 429 from each provider reaches callers as a typed signal, recognised once where the provider's
 * reply is read: {@link VendOutcome.NotSentReason#PROVIDER_THROTTLED}, {@link VendOutcome.Pending#throttled()}
 * or {@link PaymentOutcome#throttled()}. Callers (the status poller, reconciliation) back off on that,
 * never on the code's spelling ("429", "HTTP 429").
 */
class ThrottledAnswersTest {

    private static final Reply TOO_MANY = new Reply(429, "{\"error\":\"Too Many Requests\"}", Map.of("Retry-After", "7"));

    private final CaptureServer server = new CaptureServer();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void vtpass() {
        server.on("/vtpass/api/pay", r -> TOO_MANY).on("/vtpass/api/requery", r -> TOO_MANY);
        VtpassConnector vtpass = new VtpassConnector(new VtpassProperties(server.url("/vtpass/api"), "k", "pk", "sk",
                Duration.ofSeconds(2), Duration.ofSeconds(3)));
        String ref = vtpass.newReference();
        assertProviderThrottled(vtpass.vend(new VendCommand(ref, ServiceType.ELECTRICITY, "IKEDC", "prepaid",
                "1111111111111", "08030000000", 100_000, "NGN", 1, null, null)));
        assertProviderThrottled(vtpass.requery(new RequeryCommand(ref, ServiceType.ELECTRICITY, "IKEDC", "prepaid", null)));
    }

    @Test
    void pawacard() {
        server.on("/pawacard/v3/login", r -> Reply.ok("{\"status\":0,\"msg\":\"success\",\"key\":\"k1\"}"))
                .on("/pawacard/v3/vend", r -> TOO_MANY).on("/pawacard/v3/transaction", r -> TOO_MANY);
        PawacardConnector pawacard = new PawacardConnector(new PawacardProperties(server.url("/pawacard/v3"), "testvendor",
                "secret", Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ZERO));
        String ref = pawacard.newReference();
        assertProviderThrottled(pawacard.vend(new VendCommand(ref, ServiceType.ELECTRICITY, "KPLC", "prepaid",
                "01451174955", null, 5_000, "KES", 1, "Bilbo Baggins", null)));
        assertProviderThrottled(pawacard.requery(new RequeryCommand(ref, ServiceType.ELECTRICITY, "KPLC", "prepaid",
                null)));
    }

    @Test
    void pagamioRequery() {
        // A throttled purchase is retried and then NOT_SENT (PagamioContractTest); a throttled requery is PENDING.
        server.on("/pagamio/api/v1/auth/token", r -> Reply.ok("""
                        {"successful":true,"data":{"token":"t1","refreshToken":"r1","expiresIn":1800}}"""))
                .on("/pagamio/api/v1/transactions", r -> TOO_MANY);
        PagamioConnector pagamio = new PagamioConnector(new PagamioProperties(server.url("/pagamio/api/v1"), "user",
                "pass", "MER-1"));
        assertThat(pagamio.requery(new RequeryCommand(pagamio.newReference(), ServiceType.ELECTRICITY, "ESKOM",
                "prepaid", null))).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.throttled()).isTrue());
    }

    @Test
    void pay4power() {
        server.on("/p4p/auth/token", r -> Reply.ok("""
                        {"success":true,"statusCode":200,"message":"ok","data":{"accessToken":"t1","expiresIn":900}}"""))
                .on("/p4p/airtime/vend", r -> new Reply(429, """
                        {"success":false,"statusCode":429,"message":"Too Many Requests"}"""))
                .on("/p4p/requery", r -> new Reply(429, "<html>Too Many Requests</html>"));
        Pay4PowerConnector p4p = new Pay4PowerConnector(new Pay4PowerProperties(server.url("/p4p"), "client", "secret",
                Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS, Duration.ofSeconds(2), Duration.ofSeconds(3)));
        String ref = p4p.newReference();
        // Pay4Power does not say whether a throttled vend was looked at: PENDING (requery), and throttled.
        assertThat(p4p.vend(new VendCommand(ref, ServiceType.AIRTIME, "MTN", null, "08011111111", null, 10_000, "NGN", 1,
                null, null))).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.throttled()).isTrue());
        assertThat(p4p.requery(new RequeryCommand(ref, ServiceType.AIRTIME, "MTN", null, null)))
                .isInstanceOfSatisfying(VendOutcome.Pending.class, p -> assertThat(p.throttled()).isTrue());
    }

    @Test
    void dollrStatus() {
        server.on("/dollr/v1/jwt/client/obtain/token", r -> Reply.ok("{\"access_token\":\"t1\",\"expires_in\":600}"))
                .on("/dollr/v1/status/collection/r-1", r -> TOO_MANY);
        // A Retry-After longer than we wait out: the 429 comes back to the caller at once.
        DollrConnector dollr = new DollrConnector(new DollrProperties(server.url("/dollr/v1"), "client", "secret",
                Duration.ofSeconds(2), Duration.ofSeconds(3), null, Duration.ofSeconds(1), null));
        PaymentOutcome o = dollr.collectionStatus("r-1");
        assertThat(o.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(o.throttled()).isTrue();
        assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    /**
     * Dollr's token endpoint answering 429 without a Retry-After is still Dollr's rate limit: a status lookup
     * and an execution without a session carry the throttled mark (they did not before: only a Retry-After
     * made the status poller back off). A failing token endpoint (503) is not throttled, but Dollr being down.
     */
    @Test
    void dollrTokenEndpointThrottledWithoutRetryAfter() {
        server.on("/dollr/v1/jwt/client/obtain/token", r -> new Reply(429, "{\"detail\":\"Too Many Requests\"}"));
        DollrConnector dollr = dollrWithoutWaits();
        PaymentOutcome lookup = dollr.collectionStatus("r-1");
        assertThat(lookup.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(lookup.throttled()).isTrue();
        assertThat(lookup.providerDown()).isFalse();
        PaymentOutcome execution = dollr.executeCollection("9", "7", "LRD", "r-2");
        assertThat(execution.status()).isEqualTo(PaymentOutcome.Status.NOT_SENT);
        assertThat(execution.throttled()).isTrue();
        assertThat(server.requests("/dollr/v1/status/collection/r-1")).isEmpty();
        assertThat(server.requests("/dollr/v1/executions/collection")).isEmpty();

        server.on("/dollr/v1/jwt/client/obtain/token", r -> new Reply(503, "{\"detail\":\"down\"}"));
        PaymentOutcome down = dollrWithoutWaits().collectionStatus("r-3");
        assertThat(down.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(down.throttled()).isFalse();
        assertThat(down.providerDown()).isTrue();
    }

    /** A fresh Dollr connector (no session yet) whose token retries do not wait. */
    private DollrConnector dollrWithoutWaits() {
        return new DollrConnector(new DollrProperties(server.url("/dollr/v1"), "client", "secret", Duration.ofSeconds(2),
                Duration.ofSeconds(3), null, Duration.ofSeconds(1), null), java.time.Clock.systemUTC(), d -> { });
    }

    private static void assertProviderThrottled(VendOutcome outcome) {
        assertThat(outcome).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.PROVIDER_THROTTLED));
    }
}
