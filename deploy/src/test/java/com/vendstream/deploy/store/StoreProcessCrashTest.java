package com.vendstream.deploy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The store process is killed with SIGKILL while 16 clients write through the real reactive driver;
 * restarted on the same folder it still has every write it acknowledged. Inserts have unique ids;
 * each writer's counter ({@code findOneAndUpdate} with {@code $inc}) must hold at least its
 * acknowledged increments and the highest value a reply showed, and may exceed them only by the
 * increments whose answer the kill cut off. Three kills in a row, each at a moment
 * drawn from the printed seed ({@code -Dvendstream.store.crash-seed=N} repeats a run).
 */
class StoreProcessCrashTest {

    private static final int WRITERS = 16;
    private static final int KILLS = 3;
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(15);

    @Test
    void everyAcknowledgedWriteSurvivesKill9OfTheStoreProcess(@TempDir Path data) throws Exception {
        long seed = Long.getLong("vendstream.store.crash-seed", new SecureRandom().nextLong());
        System.out.println("StoreProcessCrashTest seed " + seed);
        Random random = new Random(seed);
        Ledger ledger = new Ledger();

        StoreProcess store = StoreProcess.launch(data, 0);
        try {
            for (int round = 0; round < KILLS; round++) {
                long killAfter = 300 + random.nextInt(3000);
                try (MongoClient client = client(store.uri())) {
                    MongoCollection<Document> orders = client.getDatabase("vendstream").getCollection("orders");
                    MongoCollection<Document> counters = client.getDatabase("vendstream").getCollection("counters");
                    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
                    long ackedBefore = ledger.acknowledged.get();
                    List<Future<?>> running = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        int writer = w;
                        int r = round;
                        running.add(writers.submit(() -> write(orders, counters, r, writer, ledger)));
                    }
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> ledger.acknowledged.get() - ackedBefore >= killAfter);
                    store.kill();
                    writers.shutdown();
                    assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
                    for (Future<?> f : running) {
                        f.get();
                    }
                }
                System.out.printf("kill %d after %d acknowledged writes this round (%d in all, %d cut off)%n",
                        round + 1, killAfter, ledger.acknowledged.get(), ledger.cutOff.get());
                store = store.restart();
                ledger.check(store.uri());
            }
        } finally {
            store.close();
        }
    }

    /** Inserts and increments until the store goes away; records what was acknowledged and what was cut off. */
    private static void write(MongoCollection<Document> orders, MongoCollection<Document> counters,
                              int round, int writer, Ledger ledger) {
        String counter = "writer-" + writer;
        for (int i = 0; ; i++) {
            String id = "r" + round + "-w" + writer + "-" + i;
            try {
                Mono.from(orders.insertOne(new Document("_id", id).append("writer", writer).append("amountMinor", 1000L + i)))
                        .block(OP_TIMEOUT);
                ledger.inserted.add(id);
                ledger.acknowledged.incrementAndGet();
            } catch (RuntimeException cutOff) {
                ledger.unansweredInserts.add(id);
                ledger.cutOff.incrementAndGet();
                return;
            }
            try {
                Document after = Mono.from(counters.findOneAndUpdate(Filters.eq("_id", counter), Updates.inc("n", 1L),
                        new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER))).block(OP_TIMEOUT);
                ledger.increments.incrementAndGet(writer);
                ledger.highestShown.accumulateAndGet(writer, after.getLong("n"), Math::max);
                ledger.acknowledged.incrementAndGet();
            } catch (RuntimeException cutOff) {
                ledger.unansweredIncrements.incrementAndGet(writer);
                ledger.cutOff.incrementAndGet();
                return;
            }
        }
    }

    private static MongoClient client(String uri) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                // the services' concerns (service-kit's DurableConcerns)
                .writeConcern(WriteConcern.MAJORITY.withJournal(true))
                .readConcern(ReadConcern.MAJORITY)
                // one attempt per operation: an acknowledgement then means exactly one application
                .retryWrites(false)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(3, TimeUnit.SECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(2, TimeUnit.SECONDS))
                .build());
    }

    private static final class Ledger {
        final Set<String> inserted = ConcurrentHashMap.newKeySet();
        final Set<String> unansweredInserts = ConcurrentHashMap.newKeySet();
        final AtomicLongArray increments = new AtomicLongArray(WRITERS);
        final AtomicLongArray unansweredIncrements = new AtomicLongArray(WRITERS);
        final AtomicLongArray highestShown = new AtomicLongArray(WRITERS);
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong cutOff = new AtomicLong();

        void check(String uri) {
            try (MongoClient client = client(uri)) {
                Set<String> stored = new HashSet<>(Flux.from(client.getDatabase("vendstream").getCollection("orders")
                                .find().projection(new Document("_id", 1)))
                        .map(d -> d.getString("_id")).collectList().block(OP_TIMEOUT));
                Set<String> lost = new HashSet<>(inserted);
                lost.removeAll(stored);

                List<Document> counters = Flux.from(client.getDatabase("vendstream").getCollection("counters").find())
                        .collectList().block(OP_TIMEOUT);
                long[] counts = new long[WRITERS];
                long shortfall = 0;
                for (int w = 0; w < WRITERS; w++) {
                    String id = "writer-" + w;
                    counts[w] = counters.stream().filter(d -> id.equals(d.getString("_id")))
                            .mapToLong(d -> d.getLong("n")).findFirst().orElse(0L);
                    shortfall += Math.max(0, increments.get(w) - counts[w]);
                }
                System.out.printf("after the restart: %d of %d acknowledged inserts missing; counters short of"
                        + " their acknowledged increments by %d in all%n", lost.size(), inserted.size(), shortfall);

                assertThat(lost).as("acknowledged inserts missing after the restart").isEmpty();
                Set<String> unexplained = new HashSet<>(stored);
                unexplained.removeAll(inserted);
                unexplained.removeAll(unansweredInserts);
                assertThat(unexplained).as("documents nobody inserted").isEmpty();
                for (int w = 0; w < WRITERS; w++) {
                    assertThat(counts[w]).as("counter writer-%d: acknowledged %d, unanswered %d", w,
                                    increments.get(w), unansweredIncrements.get(w))
                            .isBetween(increments.get(w), increments.get(w) + unansweredIncrements.get(w))
                            .isGreaterThanOrEqualTo(highestShown.get(w));
                }
            }
        }
    }
}
