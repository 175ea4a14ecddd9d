package com.vendstream.vend.intake;

import com.vendstream.events.VendRequested;
import com.vendstream.kit.deadletter.UnprocessableRecord;
import com.vendstream.kit.logging.LogSafe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes a polled batch of vend requests with bounded parallelism: requests for different orders
 * run concurrently (a slow provider call no longer holds up the rest of its partition), requests
 * for the same order run one after another in offset order. The batch returns only when every
 * request is done, so offsets are committed only for finished work.
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
    private final Consumer<VendRequested> handler;

    public VendRequestBatches(ExecutorService executor, Consumer<VendRequested> handler) {
        this.executor = executor;
        this.handler = handler;
    }

    /**
     * @param payloads the batch in offset order; an entry that is not a VendRequested (undecodable, null, another
     *                 type) can never be processed and fails the batch at its index with {@link UnprocessableRecord}
     * @param keys the Kafka key (order id) of each entry
     */
    public void process(List<?> payloads, List<?> keys) {
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
                        handler.accept((VendRequested) payloads.get(index));
                    } catch (RuntimeException e) {
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
