package com.vendstream.kit.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.guard.GuardSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** The one binding of the providers' guards: names, defaults, relaxed spellings, and values refused at start. */
class GuardSettingsBindingTest {

    private static final GuardSettings DEFAULTS = new GuardSettings(8, Duration.ZERO, Duration.ofSeconds(30), 50, 10);

    @Test
    void unsetSettingsAreTheCallersDefaultsAndSetOnesAreBoundUnderThePrefix() {
        assertThat(GuardSettingsBinding.bind(new MockEnvironment(), "x.guard", DEFAULTS)).isEqualTo(DEFAULTS);
        MockEnvironment set = new MockEnvironment().withProperty("x.guard.max-concurrent-calls", "3")
                .withProperty("x.guard.max-wait", "250ms").withProperty("x.guard.open-for", "PT1M")
                .withProperty("x.guard.failure-rate-percent", "75.5").withProperty("x.guard.minimum-calls", "4")
                .withProperty("y.guard.minimum-calls", "99");
        assertThat(GuardSettingsBinding.bind(set, "x.guard", DEFAULTS)).isEqualTo(
                new GuardSettings(3, Duration.ofMillis(250), Duration.ofMinutes(1), 75.5f, 4));
    }

    @Test
    void theBulkheadAndTheBreakerMayLiveUnderPrefixesOfTheirOwn() {
        MockEnvironment env = new MockEnvironment().withProperty("v.bulkhead.max-concurrent-calls", "5")
                .withProperty("v.bulkhead.open-for", "PT9S").withProperty("v.circuit.open-for", "PT7S")
                .withProperty("v.circuit.max-concurrent-calls", "6");
        assertThat(GuardSettingsBinding.bind(env, "v.bulkhead", "v.circuit", DEFAULTS)).isEqualTo(
                new GuardSettings(5, Duration.ZERO, Duration.ofSeconds(7), 50, 10));
    }

    @Test
    void environmentVariablesBindInBothSpellingsTheyHadUnderValue() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                        "VENDSTREAM_POLLER_GUARD_MAXCONCURRENTCALLS", "2", "VENDSTREAM_POLLER_GUARD_OPEN_FOR", "PT2M",
                        "VENDSTREAM_POLLER_GUARD_MINIMUM_CALLS", "3")));
        assertThat(GuardSettingsBinding.bind(env, "vendstream.poller.guard", DEFAULTS)).isEqualTo(
                new GuardSettings(2, Duration.ZERO, Duration.ofMinutes(2), 50, 3));
    }

    @Test
    void valuesTheGuardsCannotWorkWithAreRefusedNamingTheProperty() {
        Map<String, String> bad = Map.of(
                "max-concurrent-calls", "0",
                "max-wait", "-PT1S",
                "open-for", "PT0S",
                "failure-rate-percent", "0",
                "minimum-calls", "0");
        bad.forEach((name, value) -> assertThatThrownBy(() -> GuardSettingsBinding.bind(
                env("g." + name, value), "g", DEFAULTS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("g." + name + " must be "));
        assertThatThrownBy(() -> GuardSettingsBinding.bind(env("g.failure-rate-percent", "100.5"), "g", DEFAULTS))
                .hasMessage("g.failure-rate-percent must be above 0 and at most 100, was 100.5");
        assertThatThrownBy(() -> GuardSettingsBinding.bind(env("g.max-concurrent-calls", "-1"), "g", DEFAULTS))
                .hasMessageContaining("at least 1").hasMessageEndingWith("was -1");
        // Not a number at all: Spring Boot's own binding error, which names the property too.
        assertThatThrownBy(() -> GuardSettingsBinding.bind(env("g.minimum-calls", "ten"), "g", DEFAULTS))
                .isInstanceOf(BindException.class).hasMessageContaining("g.minimum-calls");
        // The edges are allowed: no wait for a slot, a breaker that opens on every failure.
        assertThat(GuardSettingsBinding.bind(new MockEnvironment().withProperty("g.max-wait", "0s")
                .withProperty("g.failure-rate-percent", "100").withProperty("g.minimum-calls", "1"), "g", DEFAULTS))
                .isEqualTo(new GuardSettings(8, Duration.ZERO, Duration.ofSeconds(30), 100, 1));
    }

    private static MockEnvironment env(String name, String value) {
        return new MockEnvironment().withProperty(name, value);
    }
}
