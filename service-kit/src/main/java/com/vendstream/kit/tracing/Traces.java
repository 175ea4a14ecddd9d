package com.vendstream.kit.tracing;

import io.micrometer.context.ContextSnapshotFactory;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import reactor.util.context.ContextView;

/**
 * The W3C trace context (headers {@code traceparent}, {@code tracestate}) of work that goes on later or elsewhere:
 * an outbox entry keeps the context of the request or record that wrote it ({@link #current}), and the relay sends
 * it in that context ({@link #resume}), so the Kafka record carries the trace on to its consumers. The current
 * context is OpenTelemetry's, which Micrometer Tracing's bridge keeps: it is a thread's, not a Spring context's,
 * so several services in one JVM (the local stack) each see their own work's.
 */
public final class Traces {

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Map<String, ?>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, ?> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, ?> carrier, String key) {
            return carrier == null ? null : text(carrier.get(key));
        }
    };

    private Traces() {
    }

    /** The current trace context as W3C headers; empty when no span is current (or tracing is off). */
    public static Map<String, String> current() {
        Map<String, String> headers = new LinkedHashMap<>();
        W3C.inject(Context.current(), headers, (carrier, key, value) -> carrier.put(key, value));
        return headers;
    }

    /**
     * Makes the trace context of {@code headers} current until the scope is closed: spans started meanwhile (the
     * binder's producer span) are its children. Without one, no trace is current (never the thread's leftover).
     */
    public static Scope resume(Map<String, ?> headers) {
        Context context = headers == null || headers.isEmpty() ? Context.root()
                : W3C.extract(Context.root(), headers, GETTER);
        return context.makeCurrent();
    }

    /** {@code task} run later, on any thread, in the trace current now. */
    public static Runnable inCurrentTrace(Runnable task) {
        return Context.current().wrap(task);
    }

    /**
     * {@code task} run later, on any thread, in the trace of the reactive request whose Reactor context is
     * {@code request} (WebFlux keeps the request's observation there, not on a thread).
     */
    public static <T> Callable<T> inTraceOf(ContextView request, Callable<T> task) {
        return SNAPSHOTS.captureFrom(request).wrap(task);
    }

    /** A header's value as text: Kafka headers arrive as bytes, message headers as strings. */
    static String text(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }
}
