package com.vendstream.sandbox.core;

import io.netty.channel.ChannelOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;

/**
 * Faults injected at run time through the admin API. For a provider and an operation ({@code *} for
 * every operation), either the next {@code times} calls, or each call with probability {@code rate},
 * answer with the armed {@link Scenario} instead of the account's own.
 */
@Component
public class Faults {

    /** An armed fault, as the admin API shows it. {@code remaining} is -1 for a rate-based fault. */
    public record Armed(String provider, String operation, Scenario scenario, int remaining, double rate) {
    }

    private record Slot(Scenario scenario, AtomicInteger remaining, double rate) {
    }

    private final Map<String, Slot> armed = new ConcurrentHashMap<>();

    /** The next {@code times} calls of {@code operation} ({@code *} = any) at {@code provider}. */
    public void arm(String provider, String operation, Scenario scenario, int times) {
        armed.put(key(provider, operation), new Slot(scenario, new AtomicInteger(times), -1));
    }

    /** Each call with probability {@code rate} (0..1) until disarmed. */
    public void armRate(String provider, String operation, Scenario scenario, double rate) {
        armed.put(key(provider, operation), new Slot(scenario, null, Math.max(0, Math.min(1, rate))));
    }

    public void disarm(String provider, String operation) {
        armed.remove(key(provider, operation));
    }

    /** The fault to apply to this call, if one is armed: the specific operation first, then {@code *}. */
    public Scenario take(String provider, String operation) {
        Scenario s = take(key(provider, operation));
        return s != null ? s : take(key(provider, "*"));
    }

    private Scenario take(String key) {
        Slot slot = armed.get(key);
        if (slot == null) {
            return null;
        }
        if (slot.remaining() == null) {
            return ThreadLocalRandom.current().nextDouble() < slot.rate() ? slot.scenario() : null;
        }
        if (slot.remaining().getAndDecrement() <= 0) {
            armed.remove(key, slot);
            return null;
        }
        return slot.scenario();
    }

    public List<Armed> armed() {
        return armed.entrySet().stream().map(e -> {
            String[] k = e.getKey().split("/", 2);
            Slot s = e.getValue();
            return new Armed(k[0], k[1], s.scenario(), s.remaining() == null ? -1 : Math.max(0, s.remaining().get()),
                    s.rate());
        }).toList();
    }

    public void reset() {
        armed.clear();
    }

    private static String key(String provider, String operation) {
        return provider + "/" + (operation == null || operation.isBlank() ? "*" : operation);
    }

    /** Closes the client's TCP connection with a reset (SO_LINGER 0), as a crashing proxy would. */
    public static void reset(ServerHttpRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        if (nativeRequest instanceof reactor.netty.Connection connection) {
            connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            connection.channel().close();
        }
    }
}
