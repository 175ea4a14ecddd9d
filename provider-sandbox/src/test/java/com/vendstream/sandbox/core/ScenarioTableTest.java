package com.vendstream.sandbox.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScenarioTableTest {

    private final ScenarioTable table = ScenarioTable.builder().exact("08011111111", Scenario.SUCCESS)
            .exact("201000009905", Scenario.PENDING_THEN_SUCCESS).prefix("2010", Scenario.PENDING_THEN_SUCCESS)
            .otherwise(Scenario.FAIL).build();

    @Test
    void documentedValuesWinThenGenericSuffixesThenPrefixesThenTheFallback() {
        assertThat(table.of("08011111111")).isEqualTo(Scenario.SUCCESS);
        assertThat(table.of("201000009905")).isEqualTo(Scenario.PENDING_THEN_SUCCESS);
        assertThat(table.of("201000009906")).isEqualTo(Scenario.CONNECTION_RESET);
        assertThat(table.of("201000000001")).isEqualTo(Scenario.PENDING_THEN_SUCCESS);
        assertThat(table.of("+27 82 000 9911")).isEqualTo(Scenario.INSUFFICIENT_FLOAT);
        assertThat(table.of("07000000000")).isEqualTo(Scenario.FAIL);
        assertThat(table.isMagic("07000000000")).isFalse();
        assertThat(table.isMagic("07000009901")).isTrue();
        assertThat(table.isDocumented("08011111111")).isTrue();
    }

    @Test
    void withACheckDigitTheSuffixSitsBeforeIt() {
        ScenarioTable meters = ScenarioTable.builder().checkDigit().build();
        assertThat(meters.of("014511799027")).isEqualTo(Scenario.PENDING_THEN_SUCCESS);
        assertThat(meters.of("01451174955")).isEqualTo(Scenario.SUCCESS);
    }

    @Test
    void pendingSettlesByRequeriesOrByTime() {
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        SandboxTransaction byCount = new SandboxTransaction("p", "r1", "1", "vend", "a", 100, "NGN",
                Scenario.PENDING_THEN_SUCCESS, t0);
        PendingPolicy policy = new PendingPolicy(2, Duration.ofSeconds(30));
        assertThat(byCount.requery(policy, t0)).isEqualTo(Scenario.Status.PENDING);
        assertThat(byCount.requery(policy, t0)).isEqualTo(Scenario.Status.PENDING);
        assertThat(byCount.requery(policy, t0)).isEqualTo(Scenario.Status.SUCCEEDED);

        SandboxTransaction byTime = new SandboxTransaction("p", "r2", "2", "vend", "a", 100, "NGN",
                Scenario.PENDING_THEN_FAIL, t0);
        assertThat(byTime.settle(policy, t0.plusSeconds(29))).isEqualTo(Scenario.Status.PENDING);
        assertThat(byTime.settle(policy, t0.plusSeconds(30))).isEqualTo(Scenario.Status.FAILED);

        SandboxTransaction forever = new SandboxTransaction("p", "r3", "3", "vend", "a", 100, "NGN",
                Scenario.PENDING_FOREVER, t0);
        assertThat(forever.settle(policy, t0.plusSeconds(3600))).isEqualTo(Scenario.Status.PENDING);
    }

    @Test
    void throttlesAdmitOncePerWindowAndUpToTheDailyCap() {
        Throttle throttle = new Throttle();
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        assertThat(throttle.once("p", "m", Duration.ofMinutes(5), t0)).isTrue();
        assertThat(throttle.once("p", "m", Duration.ofMinutes(5), t0.plusSeconds(299))).isFalse();
        assertThat(throttle.once("p", "m", Duration.ofMinutes(5), t0.plusSeconds(300))).isTrue();
        assertThat(throttle.daily("p", "m", 2, t0, ZoneOffset.UTC)).isTrue();
        assertThat(throttle.daily("p", "m", 2, t0, ZoneOffset.UTC)).isTrue();
        assertThat(throttle.daily("p", "m", 2, t0, ZoneOffset.UTC)).isFalse();
        assertThat(throttle.daily("p", "m", 2, t0.plusSeconds(86_400), ZoneOffset.UTC)).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.perMinute("p", "token", 10, t0)).isTrue();
        }
        assertThat(throttle.perMinute("p", "token", 10, t0.plusSeconds(30))).isFalse();
        assertThat(throttle.perMinute("p", "token", 10, t0.plusSeconds(60))).isTrue();
    }
}
