package com.vendstream.providers.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.CaptureServer;
import com.vendstream.providers.support.CaptureServer.Reply;
import com.vendstream.providers.vtpass.VtpassConnector;
import com.vendstream.providers.vtpass.VtpassProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A guarded call over real HTTP is observed as vendstream.provider.http: a timer by provider, operation, outcome and
 * the HTTP status of the provider's reply, and (for tracing) an observation whose tags hold no URL, account or
 * reference.
 */
class ProviderHttpObservationTest {

    private static final GuardSettings SETTINGS = new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 20);
    private static final String ACCOUNT = "1111111111111";

    private final CaptureServer server = new CaptureServer();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<Observation.Context> observed = new CopyOnWriteArrayList<>();
    private final ObservationRegistry observations = ObservationRegistry.create();

    ProviderHttpObservationTest() {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters))
                .observationHandler(new ObservationHandler<>() {
                    @Override
                    public void onStop(Observation.Context context) {
                        observed.add(context);
                    }

                    @Override
                    public boolean supportsContext(Observation.Context context) {
                        return true;
                    }
                });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Timer http(String operation, String outcome, String status) {
        return meters.get(GuardMetrics.HTTP).tag("provider", "vtpass").tag("operation", operation)
                .tag("outcome", outcome).tag("status", status).timer();
    }

    @Test
    void eachCallIsTimedWithTheStatusOfItsReplyAndObservedWithoutItsUrl() {
        server.on("/vtpass/api/pay", r -> new Reply(503, "{\"error\":\"down\"}"))
                .on("/vtpass/api/requery", r -> Reply.ok("""
                        {"code":"000","response_description":"TRANSACTION SUCCESSFUL","requestId":"r-1",
                         "content":{"transactions":{"status":"delivered","transactionId":"17"}},
                         "purchased_code":"Token : 1234 5678","units":"79.9 kWh"}"""));
        VtpassConnector vtpass = new VtpassConnector(new VtpassProperties(server.url("/vtpass/api"), "k", "pk", "sk",
                Duration.ofSeconds(2), Duration.ofSeconds(3)));
        GuardedConnectors guards = new GuardedConnectors(List.of(vtpass), SETTINGS,
                GuardMetrics.of(meters, observations, "vend"));

        VendOutcome vend = guards.vend("vtpass", new VendCommand("r-1", ServiceType.ELECTRICITY, "IKEDC", "prepaid",
                ACCOUNT, "08030000000", 100_000, "NGN", 1, null, null));
        assertThat(vend).isInstanceOf(VendOutcome.Pending.class);
        guards.requery("vtpass", new RequeryCommand("r-1", ServiceType.ELECTRICITY, "IKEDC", "prepaid", null));

        assertThat(http("vend", "failure", "503").count()).isEqualTo(1);
        assertThat(http("requery", "ok", "200").count()).isEqualTo(1);
        assertThat(observed).hasSize(2).allSatisfy(context -> {
            assertThat(context.getContextualName()).startsWith("vtpass ");
            assertThat(context.getAllKeyValues()).allSatisfy(kv -> {
                assertThat(kv.getValue()).doesNotContain(ACCOUNT, "r-1", "/vtpass/api", "http");
            });
        });
    }

    @Test
    void aCallThatGotNoReplyHasNoStatus() {
        VtpassConnector vtpass = new VtpassConnector(new VtpassProperties("http://127.0.0.1:1/api", "k", "pk", "sk",
                Duration.ofSeconds(2), Duration.ofSeconds(3)));
        GuardedConnectors guards = new GuardedConnectors(List.of(vtpass), SETTINGS,
                GuardMetrics.of(meters, observations, "requery"));

        guards.requery("vtpass", new RequeryCommand("r-2", ServiceType.AIRTIME, "MTN", null, null));

        assertThat(meters.get(GuardMetrics.HTTP).tag("operation", "requery").tag("status", "none").timer().count())
                .isEqualTo(1);
    }

    @Test
    void aCallThatThrowsGivesTheObservationItsClassButNotItsText() {
        String providerText = "Insufficient balance for wallet of 08030000000";
        RuntimeException thrown = new IllegalStateException(
                "POST /dollr/v1/collections/" + ACCOUNT + ": " + providerText,
                new IllegalArgumentException("msisdn=08030000000"));
        GuardMetrics metrics = GuardMetrics.of(meters, observations, "payments");

        assertThatThrownBy(() -> metrics.timed("dollr", "collection", () -> {
            throw thrown;
        }, r -> false, e -> true).get()).as("the caller still gets the exception itself").isSameAs(thrown);

        assertThat(observed).singleElement().satisfies(context -> {
            Throwable error = context.getError();
            assertThat(error).isInstanceOf(ProviderCallFailed.class).hasNoCause()
                    .hasMessage("dollr collection failed: java.lang.IllegalStateException");
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString() + context.getAllKeyValues())
                    .doesNotContain(ACCOUNT, "08030000000", providerText, "/dollr/v1", "msisdn");
        });
        assertThat(meters.get(GuardMetrics.HTTP).tag("provider", "dollr").tag("outcome", "failure")
                .tag("exception", "IllegalStateException").timer().count()).isEqualTo(1);
    }
}
