package com.vendstream.sandbox.core;

import java.time.Duration;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Per-provider knobs under {@code vendstream.sandbox.<provider>.*}, falling back to
 * {@code vendstream.sandbox.defaults.*}. Read on every use, so tests can set them per context.
 *
 * <ul>
 *   <li>{@code pending-requeries} (2): status queries a pending transaction answers "pending" before it settles</li>
 *   <li>{@code pending-after} (10s): or the time after which it settles; 0 = only requeries count</li>
 *   <li>{@code timeout-delay} (6s): how long a timeout-after-processing reply is held</li>
 * </ul>
 */
@Component
public class SandboxSettings {

    private final Environment environment;

    public SandboxSettings(Environment environment) {
        this.environment = environment;
    }

    public PendingPolicy pendingPolicy(String provider) {
        return new PendingPolicy(integer(provider, "pending-requeries", 2), duration(provider, "pending-after",
                Duration.ofSeconds(10)));
    }

    public Duration timeoutDelay(String provider) {
        return duration(provider, "timeout-delay", Duration.ofSeconds(6));
    }

    public Duration duration(String provider, String key, Duration fallback) {
        return environment.getProperty("vendstream.sandbox." + provider + "." + key, Duration.class,
                environment.getProperty("vendstream.sandbox.defaults." + key, Duration.class, fallback));
    }

    public int integer(String provider, String key, int fallback) {
        return environment.getProperty("vendstream.sandbox." + provider + "." + key, Integer.class,
                environment.getProperty("vendstream.sandbox.defaults." + key, Integer.class, fallback));
    }

    public String string(String provider, String key, String fallback) {
        return environment.getProperty("vendstream.sandbox." + provider + "." + key, fallback);
    }
}
