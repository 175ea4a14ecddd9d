package com.vendstream.sandbox.core;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Per-provider response latency, from {@code vendstream.sandbox.latency.<provider>} (else
 * {@code vendstream.sandbox.latency.default}, else 20 ms) and changeable at run time.
 */
@Component
public class Latency {

    private final Map<String, Duration> overrides = new ConcurrentHashMap<>();
    private final Environment environment;

    public Latency(Environment environment) {
        this.environment = environment;
    }

    public Duration of(String provider) {
        Duration d = overrides.get(provider);
        if (d != null) {
            return d;
        }
        return environment.getProperty("vendstream.sandbox.latency." + provider, Duration.class,
                environment.getProperty("vendstream.sandbox.latency.default", Duration.class, Duration.ofMillis(20)));
    }

    public void set(String provider, Duration value) {
        overrides.put(provider, value);
    }

    public Map<String, Duration> overrides() {
        return new TreeMap<>(overrides);
    }

    public void reset() {
        overrides.clear();
    }
}
