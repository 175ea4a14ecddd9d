package com.vendstream.deploy.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.deploy.MongoStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The durable store answers the sweeps' queries and the compare-and-set updates by reading the
 * documents they may match, not the whole collection, and answers exactly what a full scan would,
 * through state changes, deletes and a restart (when the index is rebuilt from the documents).
 */
class IndexedQueriesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int SETTLED = 2_000;

    private static List<String> ids(MongoCollection<Document> c, Document filter) {
        return Flux.from(c.find(filter).sort(new Document("_id", 1))).map(d -> d.getString("_id")).collectList()
                .block(TIMEOUT);
    }

    private static Document due(Date now) {
        return new Document("state", "SENDING").append("leaseUntil", new Document("$lt", now));
    }

    @Test
    void sweepsAndCompareAndSetsReadOnlyWhatTheyMayMatchAndFindEveryMatch(@TempDir Path data) {
        Date past = new Date(1_000);
        Date now = new Date();
        Set<String> expectedDue = new TreeSet<>();
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
            // Declared before and after documents exist: both must end up indexed.
            Mono.from(attempts.createIndex(Indexes.ascending("state", "leaseUntil"))).block(TIMEOUT);
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < SETTLED; i++) {
                docs.add(new Document("_id", String.format("settled-%05d", i)).append("state", "SUCCEEDED")
                        .append("leaseUntil", past).append("note", "x".repeat(200)));
            }
            for (int i = 0; i < 5; i++) {
                docs.add(new Document("_id", "open-" + i).append("state", "SENDING").append("leaseUntil", past));
                expectedDue.add("open-" + i);
            }
            docs.add(new Document("_id", "fresh").append("state", "SENDING").append("leaseUntil", new Date(now.getTime() + 60_000)));
            // Odd shapes a string query must still see (an array holding the state) or never see.
            docs.add(new Document("_id", "array").append("state", List.of("SENDING", "X")).append("leaseUntil", past));
            expectedDue.add("array");
            docs.add(new Document("_id", "numeric").append("state", 7).append("leaseUntil", past));
            docs.add(new Document("_id", "missing").append("leaseUntil", past));
            Mono.from(attempts.insertMany(docs)).block(TIMEOUT);
            Mono.from(attempts.createIndex(Indexes.ascending("state", "retryAt"), new IndexOptions().sparse(true)))
                    .block(TIMEOUT);

            long before = store.documentsExamined();
            assertThat(ids(attempts, due(now))).containsExactlyElementsOf(expectedDue);
            assertThat(store.documentsExamined() - before).as("documents read by the sweep's query")
                    .isLessThan(20);

            // A compare-and-set by _id and state reads the one document.
            before = store.documentsExamined();
            assertThat(Mono.from(attempts.updateOne(new Document("_id", "open-0").append("state", "SENDING"),
                    new Document("$set", new Document("state", "PENDING")))).block(TIMEOUT).getModifiedCount())
                    .isEqualTo(1);
            assertThat(Mono.from(attempts.updateOne(new Document("_id", "open-0").append("state", "SENDING"),
                    new Document("$set", new Document("state", "PENDING")))).block(TIMEOUT).getModifiedCount())
                    .as("the second compare-and-set finds the state moved").isZero();
            assertThat(store.documentsExamined() - before).as("documents read by two compare-and-sets")
                    .isLessThanOrEqualTo(2);
            expectedDue.remove("open-0");

            // A settled attempt moved back into the watched state, one deleted: the index follows both.
            Mono.from(attempts.updateOne(new Document("_id", "settled-00007"),
                    new Document("$set", new Document("state", "SENDING")))).block(TIMEOUT);
            expectedDue.add("settled-00007");
            Mono.from(attempts.deleteOne(new Document("_id", "open-1").append("state", "SENDING"))).block(TIMEOUT);
            expectedDue.remove("open-1");
            assertThat(ids(attempts, due(now))).containsExactlyElementsOf(expectedDue);
            assertThat(ids(attempts, new Document("state", new Document("$in", List.of("PENDING", "SENDING")))))
                    .contains("open-0", "settled-00007", "fresh", "array").hasSize(expectedDue.size() + 2);
            assertThat(Mono.from(attempts.countDocuments(new Document("state", "SUCCEEDED"))).block(TIMEOUT))
                    .isEqualTo(SETTLED - 1);
        }

        // Reopened: the index is rebuilt from the documents and answers the same.
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
            Mono.from(attempts.createIndex(Indexes.ascending("state", "leaseUntil"))).block(TIMEOUT);
            long before = store.documentsExamined();
            assertThat(ids(attempts, due(now))).containsExactlyElementsOf(expectedDue);
            assertThat(store.documentsExamined() - before).isLessThan(20);
            Mono.from(attempts.updateOne(new Document("_id", "open-2").append("state", "SENDING"),
                    new Document("$set", new Document("state", "FAILED")))).block(TIMEOUT);
            expectedDue.remove("open-2");
            assertThat(ids(attempts, due(now))).containsExactlyElementsOf(expectedDue);
            List<Document> indexes = Flux.from(attempts.listIndexes()).collectList().block(TIMEOUT);
            assertThat(indexes).extracting(d -> d.getString("name"))
                    .contains("_id_", "state_1_leaseUntil_1", "state_1_retryAt_1");
        }
    }

    /**
     * The store process killed (SIGKILL) right after documents moved into and out of the watched state: after
     * the restart the sweep's query finds exactly the documents in that state, no more and none fewer.
     */
    @Test
    void afterAKillTheSweepFindsEveryDocumentLeftInTheWatchedState(@TempDir Path data) {
        Date past = new Date(1_000);
        Date now = new Date();
        Set<String> expectedDue = new TreeSet<>();
        StoreProcess store = StoreProcess.launch(data, 0);
        try {
            try (MongoClient client = MongoClients.create(store.uri())) {
                MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
                Mono.from(attempts.createIndex(Indexes.ascending("state", "leaseUntil"))).block(TIMEOUT);
                for (int i = 0; i < 300; i++) {
                    String id = "attempt-" + i;
                    Mono.from(attempts.insertOne(new Document("_id", id).append("state", "SENDING")
                            .append("leaseUntil", past))).block(TIMEOUT);
                    if (i % 3 != 0) {
                        // Settled by compare-and-set, as vend-service does; every third is left in flight.
                        Mono.from(attempts.updateOne(new Document("_id", id).append("state", "SENDING"),
                                new Document("$set", new Document("state", "SUCCEEDED")))).block(TIMEOUT);
                    } else {
                        expectedDue.add(id);
                    }
                }
            }
            store.kill();
            store = store.restart();
            try (MongoClient client = MongoClients.create(store.uri())) {
                MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
                assertThat(ids(attempts, due(now))).containsExactlyElementsOf(expectedDue);
            }
        } finally {
            store.close();
        }
    }

    /** An {@code _id} term holding a regular expression is matched as one, not looked up as a literal key. */
    @Test
    void anIdRegexNextToOtherTermsFindsWhatItMatches(@TempDir Path data) {
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
            Mono.from(attempts.insertMany(List.of(new Document("_id", "order-1").append("state", "SENDING"),
                    new Document("_id", "order-2").append("state", "SUCCEEDED"),
                    new Document("_id", "other-1").append("state", "SENDING")))).block(TIMEOUT);
            assertThat(ids(attempts, new Document("_id", new Document("$in", List.of(Pattern.compile("^order-"))))
                    .append("state", "SENDING"))).containsExactly("order-1");
            assertThat(ids(attempts, new Document("_id", Pattern.compile("^order-")).append("state", "SENDING")))
                    .containsExactly("order-1");
            assertThat(ids(attempts, new Document("_id", new Document("$in", List.of("order-1", "order-2")))
                    .append("state", "SENDING"))).containsExactly("order-1");
        }
    }

    /** The non-unique indexes rebuilt when the store opens are committed then, not left in memory. */
    @Test
    void indexesRebuiltAtOpenAreCommittedBeforeTheFirstCommand(@TempDir Path data) {
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
            Mono.from(attempts.createIndex(Indexes.ascending("state", "leaseUntil"))).block(TIMEOUT);
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                docs.add(new Document("_id", "attempt-" + i).append("state", i % 2 == 0 ? "SENDING" : "SUCCEEDED"));
            }
            Mono.from(attempts.insertMany(docs)).block(TIMEOUT);
        }
        DurableH2Backend reopened = DurableH2Backend.open(data.resolve("mongo").resolve("vendstream.mv"), failure -> { });
        try {
            assertThat(reopened.getMvStore().hasUnsavedChanges()).as("unsaved index pages after open").isFalse();
        } finally {
            reopened.close();
        }
    }

    /**
     * The outbox relay's partial index led by {@code _id} is accepted but not kept: its filter is not seen,
     * so it would hold every document and narrow nothing the {@code _id} index does not.
     */
    @Test
    void anIndexLedByIdKeepsNoEntries(@TempDir Path data) {
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> orders = client.getDatabase("vendstream").getCollection("orders");
            Mono.from(orders.insertMany(List.of(new Document("_id", "o-1"), new Document("_id", "o-2")
                    .append("outbox", List.of(new Document("eventId", "e-1")))))).block(TIMEOUT);
            Mono.from(orders.createIndex(new Document("_id", 1).append("outbox.eventId", 1), new IndexOptions()
                    .name("outbox_waiting").partialFilterExpression(new Document("outbox.eventId",
                            new Document("$exists", true))))).block(TIMEOUT);
            assertThat(ids(orders, new Document("outbox.eventId", new Document("$exists", true))))
                    .containsExactly("o-2");
        }
        MVStore file = new MVStore.Builder().fileName(data.resolve("mongo").resolve("vendstream.mv").toString())
                .readOnly().open();
        try {
            assertThat(file.getMapNames()).noneMatch(name -> name.endsWith("._index_outbox_waiting"));
        } finally {
            file.close();
        }
    }

    /**
     * Index entries of different documents never share a key, whatever characters their values and ids
     * hold, and a binary id is found again when its document changes state or goes.
     */
    @Test
    void valuesAndIdsOfAnyContentKeepTheirOwnEntries(@TempDir Path data) {
        try (MongoStore store = MongoStore.start(data, 0); MongoClient client = MongoClients.create(store.uri())) {
            MongoCollection<Document> attempts = client.getDatabase("vendstream").getCollection("vend_attempts");
            Mono.from(attempts.createIndex(Indexes.ascending("state", "leaseUntil"))).block(TIMEOUT);
            // With a NUL between the state and the id, these two were one entry: deleting the second lost the first.
            Mono.from(attempts.insertMany(List.of(new Document("_id", "b\u0000sc").append("state", "a"),
                    new Document("_id", "c").append("state", "a\u0000sb")))).block(TIMEOUT);
            Mono.from(attempts.deleteOne(new Document("_id", "c"))).block(TIMEOUT);
            assertThat(ids(attempts, new Document("state", "a"))).containsExactly("b\u0000sc");

            byte[] binaryId = {1, 2, 3};
            Mono.from(attempts.insertOne(new Document("_id", binaryId).append("state", "SENDING"))).block(TIMEOUT);
            Mono.from(attempts.updateOne(new Document("_id", binaryId),
                    new Document("$set", new Document("state", "SUCCEEDED")))).block(TIMEOUT);
            assertThat(Flux.from(attempts.find(new Document("state", "SENDING"))).collectList().block(TIMEOUT))
                    .isEmpty();
            assertThat(Mono.from(attempts.deleteOne(new Document("_id", binaryId))).block(TIMEOUT).getDeletedCount())
                    .isEqualTo(1);
            assertThat(Flux.from(attempts.find(new Document("state", "SUCCEEDED"))).collectList().block(TIMEOUT))
                    .isEmpty();
        }
    }
}
