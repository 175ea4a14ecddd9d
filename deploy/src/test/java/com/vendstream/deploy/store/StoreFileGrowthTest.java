package com.vendstream.deploy.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.deploy.MongoStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The store's file does not grow with the number of writes, only with the live data: every synced
 * commit writes a new chunk, and the space of chunks no longer used is reused. 16 writers rewrite the
 * same 500 documents (about 0.5 MiB) 24,000 times in all; MVStore's default 45 s retention kept
 * every chunk of such a run (well over 100 MiB).
 */
class StoreFileGrowthTest {

    private static final int WRITERS = 16;
    private static final int DOCUMENTS = 500;
    private static final int REWRITES_PER_WRITER = 1500;
    private static final long BOUND_BYTES = 32L * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void rewritingTheSameDocumentsKeepsTheFileBounded(@TempDir Path data) throws Exception {
        Path file = data.resolve("mongo").resolve("vendstream.mv");
        String note = "x".repeat(900);
        long largest = 0;
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> orders = client.getDatabase("vendstream").getCollection("orders");
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < REWRITES_PER_WRITER; i++) {
                        String id = "order-" + (writer + i * WRITERS) % DOCUMENTS;
                        Mono.from(orders.replaceOne(Filters.eq("_id", id),
                                new Document("_id", id).append("amountMinor", (long) i).append("note", note),
                                new ReplaceOptions().upsert(true))).block(TIMEOUT);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
                largest = Math.max(largest, Files.size(file));
            }
            pool.shutdown();
            assertThat(Flux.from(orders.find()).count().block(TIMEOUT)).isEqualTo(DOCUMENTS);
        }
        System.out.printf("StoreFileGrowthTest: %d rewrites of %d documents, file at most %d KiB while writers finished%n",
                WRITERS * REWRITES_PER_WRITER, DOCUMENTS, largest / 1024);
        assertThat(largest).as("largest size of the store file").isLessThan(BOUND_BYTES);
    }
}
