package com.vendstream.wallet;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * Debits per second of one float wallet: {@code CALLERS} threads (16 by default) each debit a fresh
 * order from the same float through {@link WalletStore#apply}, one at a time, for {@code SECONDS}, against
 * the store at {@code URI} (the durable store process of the local stack, with the services' concerns:
 * majority, journaled). Prints the rate and the float document's size every 5 seconds, then the total
 * rate and the latency of a debit ({@code -Dbatch=1}: one update per debit). A measurement, not a test:
 * see wallet-ledger/README.md for the command.
 */
public final class WalletBench {

    private WalletBench() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "mongodb://localhost:27017/vendstream";
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .writeConcern(WriteConcern.MAJORITY.withJournal(true)).readConcern(ReadConcern.MAJORITY).build())) {
            ReactiveMongoTemplate template = new ReactiveMongoTemplate(client, "vendstream");
            // -Dbatch=1: one update per debit, to measure what the batches bring.
            WalletStore store = new WalletStore(template, 128, Integer.getInteger("batch", 32));
            store.ensureIndexes();
            String walletId = "bench-float-" + UUID.randomUUID();
            store.createIfAbsent(walletId, "bench", "MERCHANT", "NGN", 1_000_000_000_000L, null);
            AtomicLong debits = new AtomicLong();
            long[][] latencies = new long[callers][];
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                running.add(pool.submit(() -> {
                    long[] mine = new long[1 << 20];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        String orderId = "ord_" + UUID.randomUUID().toString().replace("-", "");
                        long t0 = System.nanoTime();
                        if (store.apply(walletId, "NGN", orderId + ":debit", orderId, "DEBIT", -100, Instant.now())
                                .isEmpty()) {
                            throw new IllegalStateException("a debit of a full float was refused");
                        }
                        if (n < mine.length) {
                            mine[n++] = System.nanoTime() - t0;
                        }
                        debits.incrementAndGet();
                    }
                    latencies[caller] = Arrays.copyOf(mine, n);
                    return null;
                }));
            }
            long last = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(5000);
                long now = debits.get();
                System.out.printf("%3d s: %d debits, %.0f/s in the last 5 s, float document %d bytes%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), now, (now - last) / 5.0,
                        size(template, walletId));
                last = now;
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("callers %d: %d debits in %d s = %.0f debits/s; latency p50 %.1f ms, p99 %.1f ms;"
                            + " float document %d bytes%n", callers, debits.get(), seconds, debits.get() / (double) seconds,
                    all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, size(template, walletId));
        }
    }

    private static int size(ReactiveMongoTemplate template, String walletId) {
        Document wallet = Mono.from(template.getCollection(WalletStore.WALLETS).block()
                .find(new Document("_id", walletId)).first()).block();
        return new RawBsonDocument(wallet, new DocumentCodec()).getByteBuffer().remaining();
    }
}
