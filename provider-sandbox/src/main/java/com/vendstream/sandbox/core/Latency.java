package com.vendstream.sandbox.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Per-provider response latency, from {@code vendstream.sandbox.latency.<provider>} and changeable at run time. */
@Component
public class Latency {

    private final Map<String, Duration> latency = new ConcurrentHashMap<>();
    private final Environment environment;

    public Latency(Environment environment) {
        this.environment = environment;
    }

    public Duration of(String provider) {
        return latency.computeIfAbsent(provider, p -> environment.getProperty("vendstream.sandbox.latency." + p,
                Duration.class, environment.getProperty("vendstream.sandbox.latency.default", Duration.class,
                        Duration.ofMillis(20))));
    }

    public void set(String provider, Duration value) {
        latency.put(provider, value);
    }
}
