package com.vendstream.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A provider number we refuse is counted by provider and field, so an unknown cost or price is seen. */
class UnreadableAmountTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void watch() {
        Metrics.addRegistry(meters);
    }

    @AfterEach
    void stopWatching() {
        Metrics.removeRegistry(meters);
    }

    @Test
    void aPresentAmountThatIsRefusedIsCountedAndAnAbsentOneIsNot() {
        assertThat(Lenient.minor("vtpass", "commission", "12.345", "NGN")).isNull();
        assertThat(Lenient.amount("vtpass", "commission", "n/a-ish", "NGN").refused()).isTrue();
        assertThat(Lenient.amount("vtpass", "commission", null, "NGN")).isEqualTo(Lenient.Amount.ABSENT);
        assertThat(Lenient.minor("vtpass", "commission", "12.34", "NGN")).isEqualTo(1_234L);

        assertThat(meters.get(Lenient.UNREADABLE).tag("provider", "vtpass").tag("field", "commission").counter()
                .count()).isEqualTo(2.0);
    }
}
