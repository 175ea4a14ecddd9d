package com.vendstream.vend.intake;

import com.vendstream.events.VendRequested;
import com.vendstream.kit.deadletter.UnprocessableRecord;
import com.vendstream.kit.logging.LogSafe;
import com.vendstream.kit.tracing.ConsumedRecords;
import com.vendstream.kit.tracing.Traces;
import org.springframework.messaging.MessageHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes a polled batch of vend requests with bounded parallelism: requests for different orders
 * run concurrently, requests for the same order one after another in offset order. The batch returns
 * (and its offsets may be committed) once every request's durable part is done: with an intake that
 * claims and hands the provider call over, once every claim is in the store, so a slow provider call
 * holds up neither the rest of its batch nor the next one.
 */
public class VendRequestBatches {

    private static final Logger log = LoggerFactory.getLogger(VendRequestBatches.class);

    /** Thrown with the position of the first record that could not be processed. */
    public static class RecordFailed extends RuntimeException {
        private final int index;

        public RecordFailed(int index, Throwable cause) {
            super("vend request at batch index " + index + " failed: " + LogSafe.summary(cause), cause);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    private final ExecutorService executor;
    private final Function<VendRequested, Runnable> intake;
    private final Executor calls;
    private final MeterRegistry meters;
    private final ConsumedRecords traces;

    /** Every request's work is done by {@code handler} before the batch returns. */
    public VendRequestBatches(ExecutorService executor, Consumer<VendRequested> handler) {
        this(executor, request -> {
            handler.accept(request);
            return null;
        }, Runnable::run, new SimpleMeterRegistry());
    }

    /**
     * @param intake does a request's durable part (the claim) and returns what is left (the provider call),
     *               or null; the batch returns once every request's durable part is done
     * @param calls  runs what is left, after the batch may have returned; it must not queue (a call claimed
     *               starts at once, its lease running), the intake bounds how many are handed over
     * @param meters counts hand-offs that failed ({@code vendstream.vend.handoff.failures}, tagged by stage)
     */
    public VendRequestBatches(ExecutorService executor, Function<VendRequested, Runnable> intake, Executor calls,
                              MeterRegistry meters) {
        this(executor, intake, calls, meters, ConsumedRecords.none());
    }

    /**
     * @param traces observes each request's processing in the trace its record carries; the provider call handed
     *               over stays in that trace
     */
    public VendRequestBatches(ExecutorService executor, Function<VendRequested, Runnable> intake, Executor calls,
                              MeterRegistry meters, ConsumedRecords traces) {
        this.executor = executor;
        this.intake = intake;
        this.calls = calls;
        this.meters = meters;
        this.traces = traces;
    }

    private void handOver(Runnable call, String orderId) {
        Runnable guarded = () -> {
            try {
                call.run();
            } catch (Throwable e) {
                // Claimed and left SENDING: the lease sweep hands it to requery with its reference, never resends.
                failed("call");
                log.warn("Vend call for order {} ended with {}; its lease sweep takes over", orderId,
                        LogSafe.summary(e));
            }
        };
        try {
            calls.execute(guarded);
        } catch (Throwable e) {
            // Shutting down (rejected), or no thread to be had (an Error such as "unable to create native
            // thread"): make the call here rather than leave a claimed vend unsent until its lease ends; the
            // call gives its hand-off slot back when it ends, whichever thread runs it.
            failed("hand-off");
            log.warn("Vend call for order {} could not be handed off ({}); made on the consumer's thread", orderId,
                    LogSafe.summary(e));
            guarded.run();
        }
    }

    private void failed(String stage) {
        meters.counter("vendstream.vend.handoff.failures", "stage", stage).increment();
    }

    /**
     * @param payloads the batch in offset order; an entry that is not a VendRequested (undecodable, null, another
     *                 type) can never be processed and fails the batch at its index with {@link UnprocessableRecord}
     * @param keys the Kafka key (order id) of each entry
     */
    public void process(List<?> payloads, List<?> keys) {
        process(payloads, keys, traces.batch(new MessageHeaders(Map.of())));
    }

    /** As {@link #process(List, List)}, each request observed with its record's headers ({@code records}). */
    public void process(List<?> payloads, List<?> keys, ConsumedRecords.Batch records) {
        Map<Object, List<Integer>> byOrder = new LinkedHashMap<>();
        Integer unprocessable = null;
        for (int i = 0; i < payloads.size(); i++) {
            Object payload = payloads.get(i);
            if (!(payload instanceof VendRequested)) {
                unprocessable = unprocessable == null ? i : unprocessable;
                continue;
            }
            Object key = keys != null && i < keys.size() && keys.get(i) != null ? keys.get(i)
                    : ((VendRequested) payload).getEnvelope().getOrderId();
            byOrder.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        Map<Integer, Throwable> failures = new java.util.concurrent.ConcurrentSkipListMap<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (List<Integer> indexes : byOrder.values()) {
            running.add(CompletableFuture.runAsync(() -> {
                for (int index : indexes) {
                    try {
                        VendRequested request = (VendRequested) payloads.get(index);
                        records.observe(index, () -> {
                            Runnable call = intake.apply(request);
                            if (call != null) {
                                handOver(Traces.inCurrentTrace(call), request.getEnvelope().getOrderId());
                            }
                            return null;
                        });
                    } catch (Throwable e) {
                        // An Error too: recorded by its index, so the batch is retried from it.
                        failures.put(index, e);
                        // Later requests of the same order wait for this one's retry.
                        return;
                    }
                }
            }, executor));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        int first = Integer.MAX_VALUE;
        Throwable cause = null;
        if (unprocessable != null) {
            first = unprocessable;
            Object payload = payloads.get(first);
            cause = new UnprocessableRecord("Expected VendRequested, got " + (payload == null
                    ? "nothing (a null value, or one that could not be decoded)" : LogSafe.describe(payload)));
        }
        if (!failures.isEmpty()) {
            Map.Entry<Integer, Throwable> earliest = ((java.util.concurrent.ConcurrentSkipListMap<Integer, Throwable>) failures).firstEntry();
            if (earliest.getKey() < first) {
                first = earliest.getKey();
                cause = earliest.getValue();
            }
        }
        if (cause != null) {
            // Offsets before `first` are committed; the error handler tries again from it (requests already
            // handled are recognised by their claimed attempt), or dead-letters it (service-kit's rules).
            log.debug("Batch of {} stopped at index {}: {}", payloads.size(), first, LogSafe.summary(cause));
            throw new RecordFailed(first, cause);
        }
    }
}
