package com.vendstream.deploy.store;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.deploy.MongoStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bson.Document;
import org.bson.types.Binary;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What one sweep query and one compare-and-set cost on the durable store as a collection grows:
 * {@code java -cp "deploy/target/classes:deploy/target/lib/*" com.vendstream.deploy.store.SweepBench
 * [DOCUMENTS] [ROUNDS]}. Fills {@code vend_attempts} with DOCUMENTS settled attempts shaped like
 * vend-service's (about 1 KiB each, the stored request included) plus 100 parked and 100 in flight,
 * declares the service's indexes, then times, through the reactive driver with the services' concerns
 * against {@link MongoStore#start} on a fresh folder, the median of ROUNDS runs of: the deferred
 * sweep's page query, the lease sweep's page query, the overdue count, and a compare-and-set by
 * {@code _id} and state.
 */
public final class SweepBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private SweepBench() {
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path data = Files.createTempDirectory("sweep-bench");
        try {
            try (MongoStore store = MongoStore.start(data, 0);
                 MongoClient client = MongoClients.create(MongoClientSettings.builder()
                         .applyConnectionString(new ConnectionString(store.uri()))
                         .writeConcern(WriteConcern.MAJORITY.withJournal(true))
                         .readConcern(ReadConcern.MAJORITY)
                         .build())) {
                MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
                Mono.from(attempts.createIndex(Indexes.ascending("state", "leaseUntil"))).block(TIMEOUT);
                Mono.from(attempts.createIndex(Indexes.ascending("provider", "reference"))).block(TIMEOUT);
                Mono.from(attempts.createIndex(Indexes.ascending("state", "retryAt"))).block(TIMEOUT);
                Date past = new Date(System.currentTimeMillis() - 3_600_000);
                Date future = new Date(System.currentTimeMillis() + 3_600_000);
                byte[] request = new byte[600];
                Arrays.fill(request, (byte) 7);
                List<Document> batch = new ArrayList<>();
                for (int i = 0; i < documents + 200; i++) {
                    String state = i < documents ? "SUCCEEDED" : i < documents + 100 ? "DEFERRED" : "SENDING";
                    Document attempt = new Document("_id", String.format("order-%07d", i)).append("state", state)
                            .append("provider", "vtpass").append("reference", "ref-" + i)
                            .append("request", new Binary(request)).append("createdAt", past)
                            .append("previous", List.of()).append("outbox", List.of())
                            .append("outcome", new Document("eventId", "e-" + i).append("type", "VendSucceeded")
                                    .append("payload", new Binary(new byte[200])));
                    if (state.equals("DEFERRED")) {
                        attempt.append("retryAt", future);
                    } else if (state.equals("SENDING")) {
                        attempt.append("leaseUntil", future);
                    }
                    batch.add(attempt);
                    if (batch.size() == 1000) {
                        Mono.from(attempts.insertMany(batch)).block(TIMEOUT);
                        batch = new ArrayList<>();
                    }
                }
                if (!batch.isEmpty()) {
                    Mono.from(attempts.insertMany(batch)).block(TIMEOUT);
                }
                Date now = new Date();
                time("deferred sweep page (state DEFERRED, retryAt <= now, by _id, 100)", rounds, () ->
                        Flux.from(attempts.find(new Document("state", "DEFERRED").append("retryAt", new Document("$lte", now)))
                                .sort(new Document("_id", 1)).limit(100)).collectList().block(TIMEOUT).size());
                time("lease sweep page (state SENDING, leaseUntil < now, by _id, 100)", rounds, () ->
                        Flux.from(attempts.find(new Document("state", "SENDING").append("leaseUntil", new Document("$lt", now)))
                                .sort(new Document("_id", 1)).limit(100)).collectList().block(TIMEOUT).size());
                time("overdue count (countDocuments state SENDING, leaseUntil < t)", rounds, () ->
                        Mono.from(attempts.countDocuments(new Document("state", "SENDING")
                                .append("leaseUntil", new Document("$lt", now)))).block(TIMEOUT).intValue());
                time("overdue count as a find of _ids (state SENDING, leaseUntil < t)", rounds, () ->
                        Flux.from(attempts.find(new Document("state", "SENDING").append("leaseUntil", new Document("$lt", now)))
                                .projection(new Document("_id", 1))).collectList().block(TIMEOUT).size());
                time("compare-and-set miss ({_id, state, reference})", rounds, () ->
                        (int) Mono.from(attempts.updateOne(new Document("_id", "order-0000001").append("state", "SENDING")
                                        .append("reference", "ref-1"), new Document("$set", new Document("x", 1))))
                                .block(TIMEOUT).getModifiedCount());
                time("read by _id", rounds, () -> Flux.from(attempts.find(new Document("_id", "order-0000001")))
                        .collectList().block(TIMEOUT).size());
            }
            // What opening the store costs with this collection in it (the non-unique indexes are rebuilt then).
            long start = System.nanoTime();
            try (MongoStore reopened = MongoStore.start(data, 0)) {
                System.out.printf("%-70s %8.2f ms%n", "reopening the store", (System.nanoTime() - start) / 1e6);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(data)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary folder
            }
        }
    }

    private static void time(String what, int rounds, Supplier<Integer> query) {
        query.get();
        long[] micros = new long[rounds];
        int result = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            result = query.get();
            micros[r] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("%-70s median %8.2f ms  (max %8.2f ms, result %d)%n", what, micros[rounds / 2] / 1000.0,
                micros[rounds - 1] / 1000.0, result);
    }
}
