package com.vendstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.guard.GuardSettings;
import java.time.Duration;
import java.util.function.Function;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/**
 * Checks a service's binding of its providers' guards (service-kit's {@code GuardSettingsBinding} under the
 * service's prefixes): each of the five settings is read from its own property, and a value the guards
 * cannot work with stops the start naming that property.
 */
public final class GuardBindings {

    private GuardBindings() {
    }

    /**
     * @param binding       the service's binding, e.g. its configuration's {@code GuardSettings} bean method
     * @param bulkheadPrefix where {@code max-concurrent-calls} and {@code max-wait} are
     * @param circuitPrefix  where {@code open-for}, {@code failure-rate-percent} and {@code minimum-calls} are
     */
    public static void assertBoundUnder(Function<Environment, GuardSettings> binding, String bulkheadPrefix,
                                        String circuitPrefix) {
        // Values no service has as a default, so each one read proves its property name.
        MockEnvironment env = new MockEnvironment()
                .withProperty(bulkheadPrefix + ".max-concurrent-calls", "3")
                .withProperty(bulkheadPrefix + ".max-wait", "PT0.25S")
                .withProperty(circuitPrefix + ".open-for", "PT7M")
                .withProperty(circuitPrefix + ".failure-rate-percent", "37.5")
                .withProperty(circuitPrefix + ".minimum-calls", "6");
        assertThat(binding.apply(env))
                .isEqualTo(new GuardSettings(3, Duration.ofMillis(250), Duration.ofMinutes(7), 37.5f, 6));

        assertThatThrownBy(() -> binding.apply(new MockEnvironment()
                .withProperty(bulkheadPrefix + ".max-concurrent-calls", "0")))
                .hasMessage(bulkheadPrefix + ".max-concurrent-calls must be at least 1 (no call slot would keep every"
                        + " call back), was 0");
        assertThatThrownBy(() -> binding.apply(new MockEnvironment()
                .withProperty(circuitPrefix + ".failure-rate-percent", "150")))
                .hasMessage(circuitPrefix + ".failure-rate-percent must be above 0 and at most 100, was 150.0");
    }
}
