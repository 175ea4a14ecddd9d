package com.vendstream.deploy.store;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.deploy.MongoStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bson.Document;
import reactor.core.publisher.Mono;

/**
 * Durable write rate and file size of the store on this machine's disk under a steady load:
 * {@code java -cp "deploy/target/classes:deploy/target/lib/*" com.vendstream.deploy.store.StoreBench
 * WRITERS SECONDS}. Each writer, through the reactive driver with the services' concerns, rewrites
 * its share of 2,000 order documents (about 1 KiB each, so the live data stays about 2 MiB) and
 * {@code $inc}s its own counter with findOneAndUpdate, one operation at a time, against
 * {@link MongoStore#start} in this JVM on a fresh folder. Prints writes/s, syncs, replies per sync and
 * the file's size every 5 seconds: under a steady load of rewrites it must level off.
 */
public final class StoreBench {

    private static final int DOCUMENTS = 2000;

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int writers = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path data = Files.createTempDirectory("store-bench");
        Path file = data.resolve("mongo").resolve("vendstream.mv");
        String note = "x".repeat(900);
        try (MongoStore store = MongoStore.start(data, 0);
             MongoClient client = MongoClients.create(MongoClientSettings.builder()
                     .applyConnectionString(new ConnectionString(store.uri()))
                     .writeConcern(WriteConcern.MAJORITY.withJournal(true))
                     .readConcern(ReadConcern.MAJORITY)
                     .build())) {
            MongoCollection<Document> orders = client.getDatabase("vendstream").getCollection("orders");
            MongoCollection<Document> counters = client.getDatabase("vendstream").getCollection("counters");
            AtomicLong writes = new AtomicLong();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                running.add(pool.submit(() -> {
                    for (long i = 0; System.nanoTime() < end; i++) {
                        int doc = (int) ((writer + i * writers) % DOCUMENTS);
                        Mono.from(orders.replaceOne(Filters.eq("_id", "order-" + doc),
                                new Document("_id", "order-" + doc).append("amountMinor", 1000L + i)
                                        .append("currency", "NGN").append("state", "ACCEPTED").append("note", note),
                                new ReplaceOptions().upsert(true))).block(Duration.ofSeconds(30));
                        Mono.from(counters.findOneAndUpdate(Filters.eq("_id", writer), Updates.inc("n", 1L),
                                new FindOneAndUpdateOptions().upsert(true))).block(Duration.ofSeconds(30));
                        writes.addAndGet(2);
                    }
                    return null;
                }));
            }
            while (System.nanoTime() < end) {
                Thread.sleep(5000);
                System.out.printf("%3d s: %d writes, %d syncs, file %d KiB%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), writes.get(), store.syncs(),
                        Files.size(file) / 1024);
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            long syncs = store.syncs();
            System.out.printf("writers %d: %d durable writes in %d s = %.0f writes/s; %d syncs, %.1f replies per sync;"
                            + " file %d KiB%n", writers, writes.get(), seconds, writes.get() / (double) seconds, syncs,
                    store.durableReplies() / (double) syncs, Files.size(file) / 1024);
        } finally {
            deleteRecursively(data);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
