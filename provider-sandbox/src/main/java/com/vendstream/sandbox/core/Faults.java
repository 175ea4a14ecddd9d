package com.vendstream.sandbox.core;

import io.netty.channel.ChannelOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;

/**
 * Faults injected at run time through the admin API: the next N calls of an operation at a provider
 * answer with the fault instead of normally.
 */
@Component
public class Faults {

    public enum Kind { SERVER_ERROR, TOO_MANY_REQUESTS, GARBAGE, CONNECTION_RESET, TIMEOUT_AFTER_PROCESSING, CONNECTION_REFUSED_STYLE_503 }

    private record Armed(Kind kind, AtomicInteger remaining) {
    }

    private final Map<String, Armed> armed = new ConcurrentHashMap<>();

    public void arm(String provider, String operation, Kind kind, int times) {
        armed.put(provider + "/" + operation, new Armed(kind, new AtomicInteger(times)));
    }

    /** The fault to apply to this call, if one is armed. */
    public Kind take(String provider, String operation) {
        Armed a = armed.get(provider + "/" + operation);
        if (a == null) {
            return null;
        }
        if (a.remaining().getAndDecrement() <= 0) {
            armed.remove(provider + "/" + operation, a);
            return null;
        }
        return a.kind();
    }

    public void reset() {
        armed.clear();
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
