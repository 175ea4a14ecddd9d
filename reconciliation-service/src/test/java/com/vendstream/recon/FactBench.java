package com.vendstream.recon;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.vendstream.events.ServiceCategory;
import com.vendstream.recon.ledger.OrderFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * Facts taken in per second by reconciliation-service's consumer code ({@code EventIntake}), without Kafka,
 * against the store at {@code URI} (the durable store process of the local stack, with the services'
 * concerns: majority, journaled). {@code ORDERS} orders (2,000 by default) of a fresh merchant, shared among
 * {@code THREADS} threads (2, a binding's concurrency), each taking in its share as a consumer would receive
 * it: every order's OrderAccepted, a VendPending for every fourth, a VendSucceeded and an OrderCompleted, the
 * last two 50 orders behind, so batches mix new orders and ones already stored. {@code -Dbatch=N} events a
 * batch (500, max.poll.records); {@code -Dbatch=1} one at a time, as the consumers did before batches.
 * Prints the rate and the latency of a batch, and checks every fact was stored once. A measurement, not a
 * test: see reconciliation-service/README.md for the command.
 */
public final class FactBench {

    private FactBench() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "mongodb://localhost:27017/vendstream";
        int orderCount = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int batch = Integer.getInteger("batch", 500);
        String merchant = "bench-" + UUID.randomUUID();
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .writeConcern(WriteConcern.MAJORITY.withJournal(true)).readConcern(ReadConcern.MAJORITY).build())) {
            Harness h = new Harness(new ReactiveMongoTemplate(client, new ConnectionString(uri).getDatabase()),
                    new FakeProvider(), Instant.now(), Map.of());
            h.facts.ensureIndexes();
            List<List<SpecificRecord>> streams = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                streams.add(stream(merchant, t * orderCount / threads, (t + 1) * orderCount / threads));
            }
            int events = streams.stream().mapToInt(List::size).sum();
            System.out.printf("%d orders; taking in %d events on %d threads, %s%n", orderCount, events, threads,
                    batch == 1 ? "one at a time" : "in batches of " + batch);

            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<long[]>> running = new ArrayList<>();
            for (List<SpecificRecord> stream : streams) {
                running.add(pool.submit(() -> takeIn(h, stream, batch)));
            }
            List<Long> latencies = new ArrayList<>();
            for (Future<long[]> r : running) {
                Arrays.stream(r.get()).forEach(latencies::add);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            latencies.sort(null);
            System.out.printf("%d facts in %.1f s: %.0f facts/s; a batch of up to %d took p50 %.1f ms, p99 %.1f ms%n",
                    events, seconds, events / seconds, batch, latencies.get(latencies.size() / 2) / 1e6,
                    latencies.get(latencies.size() * 99 / 100) / 1e6);
            List<OrderFacts> stored = h.facts.ordersOf(Scenarios.DAY, merchant);
            long facts = stored.stream().mapToLong(o -> o.facts().size()).sum();
            if (stored.size() != orderCount || facts != events) {
                throw new IllegalStateException(stored.size() + " orders and " + facts + " facts stored, expected "
                        + orderCount + " and " + events);
            }
            System.out.println("stored: " + stored.size() + " orders, " + facts + " facts");
        }
    }

    /** One consumer thread's events, in the order they would arrive. */
    private static List<SpecificRecord> stream(String merchant, int from, int to) {
        Traffic t = new Traffic(merchant, Traffic.LAGOS);
        List<Traffic.Order> orders = new ArrayList<>();
        int behind = 50;
        for (int k = from; k < to + behind; k++) {
            if (k < to) {
                Traffic.Order o = t.order(merchant + "-o" + k, Scenarios.at(9, 0), 1_000, "NGN",
                        ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-" + k);
                if (k % 4 == 0) {
                    o.pending(Scenarios.at(9, 1));
                }
                orders.add(o);
            }
            if (k - behind >= from) {
                orders.get(k - behind - from).succeeded(Scenarios.at(9, 2), 950L).completed(Scenarios.at(9, 2));
            }
        }
        return t.events;
    }

    /** Takes a stream in as the consumer would; returns how long each batch took (ns). */
    private static long[] takeIn(Harness h, List<SpecificRecord> stream, int batch) {
        long[] took = new long[(stream.size() + batch - 1) / batch];
        for (int b = 0; b < took.length; b++) {
            List<SpecificRecord> events = stream.subList(b * batch, Math.min(stream.size(), (b + 1) * batch));
            long t0 = System.nanoTime();
            if (batch == 1) {
                h.intake.accept(events.get(0));
            } else {
                h.intake.acceptAll(events);
            }
            took[b] = System.nanoTime() - t0;
        }
        return took;
    }
}
