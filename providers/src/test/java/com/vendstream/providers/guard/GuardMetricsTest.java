package com.vendstream.providers.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guards' meters, as every service's /actuator/prometheus shows them: Resilience4j's breaker binding tagged
 * with the provider and the guard, following the breaker as it opens, and the provider call timer by operation
 * and outcome (calls kept back are not timed: they never reached the provider).
 */
class GuardMetricsTest {

    private static final GuardSettings SETTINGS = new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4);
    private static final RequeryCommand REQUERY = new RequeryCommand("r-1", ServiceType.AIRTIME, "MTN", null, null);

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private double state(String guard, String state) {
        return meters.get("resilience4j.circuitbreaker.state").tag("provider", "vtpass").tag("guard", guard)
                .tag("state", state).gauge().value();
    }

    private Timer calls(String operation, String outcome) {
        return meters.get(GuardMetrics.CALLS).tag("provider", "vtpass").tag("operation", operation)
                .tag("outcome", outcome).timer();
    }

    @Test
    void theBreakerShowsWithItsProviderAndChangesStateWhenItOpens() {
        GuardedConnectors guards = new GuardedConnectors(List.of(new GuardedConnectorsTest.Scripted(
                VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error"))), SETTINGS,
                GuardMetrics.of(meters, "requery"));
        assertThat(state("requery", "closed")).isEqualTo(1.0);
        assertThat(state("requery", "open")).isZero();
        assertThat(meters.get("resilience4j.circuitbreaker.failure.rate").tag("provider", "vtpass").gauge().value())
                .as("fewer calls than the minimum: no rate yet").isEqualTo(-1.0);

        for (int i = 0; i < 4; i++) {
            guards.requery("vtpass", REQUERY);
        }

        assertThat(state("requery", "open")).isEqualTo(1.0);
        assertThat(state("requery", "closed")).isZero();
        assertThat(meters.get("resilience4j.circuitbreaker.failure.rate").tag("provider", "vtpass").gauge().value())
                .isEqualTo(100.0);
        assertThat(calls("requery", "failure").count()).isEqualTo(4);

        // Kept back by the open breaker: counted as not permitted, never timed as a provider call.
        assertThat(guards.requery("vtpass", REQUERY)).isInstanceOf(VendOutcome.NotSent.class);
        assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls").tag("provider", "vtpass")
                .counter().count()).isEqualTo(1.0);
        assertThat(calls("requery", "failure").count()).isEqualTo(4);
    }

    @Test
    void answersAreTimedByOperationAndOutcomeWithTheirPercentiles() {
        GuardedConnectors guards = new GuardedConnectors(List.of(new GuardedConnectorsTest.Scripted(
                VendOutcome.pending(PendingCause.TIMEOUT, null, "read timed out"))), SETTINGS,
                GuardMetrics.of(meters, "requery"));

        for (int i = 0; i < 3; i++) {
            guards.requery("vtpass", REQUERY);
        }
        // A call that throws is counted by the breaker, and timed as the failure it is.
        assertThatThrownBy(() -> guards.call("vtpass", "day-report", () -> {
            throw new IllegalStateException("report unreadable");
        }, notSent -> null)).isInstanceOf(IllegalStateException.class);

        // A requery's timeout is about the stuck transaction, not the provider: the provider answered.
        Timer ok = calls("requery", "ok");
        assertThat(ok.count()).isEqualTo(3);
        assertThat(Arrays.stream(ok.takeSnapshot().percentileValues()).map(ValueAtPercentile::percentile))
                .containsExactly(0.5, 0.95);
        assertThat(calls("day-report", "failure").count()).isEqualTo(1);
        assertThat(meters.find(GuardMetrics.CALLS).timers()).allSatisfy(t -> assertThat(t.getId().getTags())
                .extracting(io.micrometer.core.instrument.Tag::getKey)
                .containsExactlyInAnyOrder("provider", "operation", "outcome"));
    }

    @Test
    void twoGuardsOfOneProviderInOneServiceKeepMetersApart() {
        GuardedConnectors lookups = new GuardedConnectors(List.of(new GuardedConnectorsTest.Scripted(
                VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error"))), SETTINGS,
                GuardMetrics.of(meters, "requery"));
        new GuardedConnectors(List.of(new GuardedConnectorsTest.Scripted(
                VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error"))), SETTINGS,
                GuardMetrics.of(meters, "catalogue"));

        for (int i = 0; i < 4; i++) {
            lookups.requery("vtpass", REQUERY);
        }

        assertThat(state("requery", "open")).isEqualTo(1.0);
        assertThat(state("catalogue", "closed")).isEqualTo(1.0);
    }

    @Test
    void aGuardIsNamed() {
        assertThatThrownBy(() -> GuardMetrics.of(meters, " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
