package com.vendstream.providers.pay4power;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.FailureClass;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.CaptureServer;
import com.vendstream.providers.support.CaptureServer.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pay4Power's electricity flow is verify, initiate, vend; initiate only "creates an electricity vending
 * transaction and prepares it for payment" (docs.pay4power.com, bill-payments/electricity). Its answers
 * come in the documented envelope {@code {success, message, errors, statusCode, correlationId, data}}
 * (response-model). Pay4Power documents no rate limit, so a 429 is HTTP's "too many requests" in that
 * envelope: the vend was never sent, so the order waits and goes again, and is not refunded for it.
 * Served by a plain HTTP server (not our sandbox), so what is tested is the reading of these replies.
 */
class Pay4PowerInitiateThrottleTest {

    private static final String TOKEN = """
            {"success":true,"message":"ok","errors":null,"statusCode":200,"correlationId":"c-0","data":{"accessToken":"t1","expiresIn":900}}""";
    private static final String TOO_MANY = """
            {"success":false,"message":"Too Many Requests","errors":["rate limit exceeded"],"statusCode":429,"correlationId":"c-1","data":null}""";

    private final CaptureServer server = new CaptureServer();
    private final Pay4PowerConnector p4p = new Pay4PowerConnector(new Pay4PowerProperties(server.url("/p4p"), "client",
            "secret", Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS, Duration.ofSeconds(2), Duration.ofSeconds(3)));

    @AfterEach
    void stop() {
        server.close();
    }

    private VendCommand power() {
        return new VendCommand(p4p.newReference(), ServiceType.ELECTRICITY, "YEDC", "prepaid", "1111111111111",
                "08011111111", 100_000, "NGN", 1, null, null);
    }

    @Test
    void aThrottledInitiateIsNotSentAndWaitsAsLongAsPay4PowerAsks() {
        server.on("/p4p/auth/token", r -> Reply.ok(TOKEN))
                .on("/p4p/power/initiate", r -> new Reply(429, TOO_MANY, Map.of("Retry-After", "30")));

        // Before: Failed(429, DECLINED_BY_PROVIDER, before processing): failed over or refunded.
        assertThat(p4p.vend(power())).isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
            assertThat(n.providerCode()).isEqualTo("429");
            assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.PROVIDER_THROTTLED);
            assertThat(n.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        });
        assertThat(server.requests("/p4p/power/vend")).as("the vend itself never left").isEmpty();
    }

    @Test
    void withoutRetryAfterItWaitsTheTablesTime() {
        server.on("/p4p/auth/token", r -> Reply.ok(TOKEN))
                .on("/p4p/power/initiate", r -> new Reply(429, TOO_MANY));
        assertThat(p4p.vend(power())).isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
            assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.PROVIDER_THROTTLED);
            assertThat(n.retryAfter()).isEqualTo(Pay4PowerCodes.INITIATE.rule("429").orElseThrow().retryAfter());
        });
    }

    @Test
    void aValidationErrorAtInitiateIsStillARefusalBeforeProcessing() {
        server.on("/p4p/auth/token", r -> Reply.ok(TOKEN)).on("/p4p/power/initiate", r -> new Reply(400, """
                {"success":false,"message":"Validation Error","errors":["receiver"],"statusCode":400,"correlationId":"c-2","data":null}"""));
        assertThat(p4p.vend(power())).isInstanceOfSatisfying(VendOutcome.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.VALIDATION);
            assertThat(f.beforeProcessing()).isTrue();
        });
    }
}
