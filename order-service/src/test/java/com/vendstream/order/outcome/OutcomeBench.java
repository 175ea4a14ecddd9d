package com.vendstream.order.outcome;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.vendstream.events.FailureClass;
import com.vendstream.order.ApiTestSupport;
import com.vendstream.order.OrderFixture;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * Vend outcomes folded per second by order-service's outcome consumer code ({@code OrderOutcomes}), without
 * Kafka, against the store at {@code URI} (the durable store process of the local stack, with the services'
 * concerns: majority, journaled). Places {@code ORDERS} orders (2,000 by default; not timed), then folds
 * their outcomes on {@code THREADS} threads (3, the binding's concurrency), each its own share of the orders,
 * as the consumer would receive them: a VendPending for every fourth order, then a VendSucceeded for each
 * (a VendFailed, refunded, for every tenth; {@code -Dfail-every=N} every N-th, 0 none), the final outcome 50
 * orders behind the pendings, so some
 * batches hold both of an order's outcomes. {@code -Dbatch=N} outcomes per batch (200, max.poll.records);
 * {@code -Dbatch=1} folds them one at a time as the consumer did before batches. Prints the rate, the
 * latency of a batch, and checks every order ended where it should. A measurement, not a test: see
 * order-service/README.md for the command.
 */
public final class OutcomeBench {

    private static final long AMOUNT = 10_000;

    private OutcomeBench() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "mongodb://localhost:27017/vendstream";
        int orderCount = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int batch = Integer.getInteger("batch", 200);
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .writeConcern(WriteConcern.MAJORITY.withJournal(true)).readConcern(ReadConcern.MAJORITY).build())) {
            OrderFixture f = new OrderFixture(new ReactiveMongoTemplate(client, "vendstream"));
            String wallet = "bench-" + UUID.randomUUID();
            f.walletStore.createIfAbsent(wallet, "m1", "MERCHANT", "NGN", 1_000_000_000_000L, null);
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(threads, 8));
            List<Future<Order>> placing = new ArrayList<>();
            for (int i = 0; i < orderCount; i++) {
                String reference = "bench-" + UUID.randomUUID();
                placing.add(pool.submit(() -> f.placement.place(OrderFixture.airtime("m1", reference, AMOUNT, wallet),
                        false).order()));
            }
            List<Order> orders = new ArrayList<>();
            for (Future<Order> p : placing) {
                orders.add(p.get());
            }
            List<List<SpecificRecord>> streams = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                streams.add(stream(orders.subList(t * orderCount / threads, (t + 1) * orderCount / threads)));
            }
            int events = streams.stream().mapToInt(List::size).sum();
            System.out.printf("%d orders placed; folding %d outcomes on %d threads, %s%n", orderCount, events,
                    threads, batch == 1 ? "one at a time" : "in batches of " + batch);

            long start = System.nanoTime();
            List<Future<long[]>> folding = new ArrayList<>();
            for (List<SpecificRecord> stream : streams) {
                folding.add(pool.submit(() -> fold(f, stream, batch)));
            }
            List<Long> latencies = new ArrayList<>();
            for (Future<long[]> r : folding) {
                Arrays.stream(r.get()).forEach(latencies::add);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            latencies.sort(null);
            System.out.printf("%d outcomes in %.1f s: %.0f outcomes/s; a batch of up to %d took p50 %.1f ms, "
                            + "p99 %.1f ms%n", events, seconds, events / seconds, batch,
                    latencies.get(latencies.size() / 2) / 1e6, latencies.get(latencies.size() * 99 / 100) / 1e6);
            check(f, orders);
        }
    }

    /** One consumer thread's outcomes, in the order they would arrive. */
    private static List<SpecificRecord> stream(List<Order> orders) {
        int failEvery = Integer.getInteger("fail-every", 10);
        List<SpecificRecord> events = new ArrayList<>();
        int behind = 50;
        for (int k = 0; k < orders.size() + behind; k++) {
            if (k < orders.size() && k % 4 == 0) {
                events.add(ApiTestSupport.pending(orders.get(k).orderId(), "r1", AMOUNT));
            }
            int i = k - behind;
            if (i >= 0) {
                String id = orders.get(i).orderId();
                events.add(failEvery > 0 && i % failEvery == 0
                        ? ApiTestSupport.failed(id, "vtpass", "r1", AMOUNT, FailureClass.DECLINED_BY_PROVIDER, "016",
                        "failed")
                        : ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234"));
            }
        }
        return events;
    }

    /** Folds a stream as the consumer would; returns how long each batch took (ns). */
    private static long[] fold(OrderFixture f, List<SpecificRecord> stream, int batch) {
        long[] took = new long[(stream.size() + batch - 1) / batch];
        for (int b = 0; b < took.length; b++) {
            List<SpecificRecord> events = stream.subList(b * batch, Math.min(stream.size(), (b + 1) * batch));
            long t0 = System.nanoTime();
            if (batch == 1) {
                f.outcomes.apply(events.get(0));
            } else {
                f.outcomes.applyAll(events);
            }
            took[b] = System.nanoTime() - t0;
        }
        return took;
    }

    private static void check(OrderFixture f, List<Order> orders) {
        Map<OrderState, Integer> states = new EnumMap<>(OrderState.class);
        for (int i = 0; i < orders.size(); i++) {
            OrderState state = f.orders.find(orders.get(i).orderId()).orElseThrow().state();
            states.merge(state, 1, Integer::sum);
            if (state != OrderState.COMPLETED && state != OrderState.REFUNDED) {
                throw new IllegalStateException("order " + orders.get(i).orderId() + " ended " + state);
            }
        }
        System.out.println("end states: " + states);
    }
}
