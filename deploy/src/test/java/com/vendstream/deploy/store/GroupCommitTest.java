package com.vendstream.deploy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import de.bwaldvogel.mongo.exception.MongoServerError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit against a scripted storage engine whose sync can be held: when a reply may leave,
 * how many syncs concurrent writers share, and that a chunk never holds half a command.
 */
class GroupCommitTest {

    private final ScriptedStorage storage = new ScriptedStorage();
    private final AtomicReference<Throwable> reported = new AtomicReference<>();
    private final GroupCommit commits = new GroupCommit(storage, reported::set);
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        storage.releaseSyncs();
        clients.shutdownNow();
        commits.close();
    }

    @Test
    void aWriteIsAnsweredOnlyAfterTheSyncOfWhatItChanged() {
        storage.holdSyncs();
        CompletableFuture<String> reply = write("w1");

        await().until(() -> storage.syncsStarted.get() == 1);
        assertThat(storage.committed).as("written to the file before the sync").contains("w1");
        assertThat(reply).as("no reply while the sync is under way").isNotDone();

        storage.releaseSyncs();
        assertThat(reply.join()).isEqualTo("w1");
        assertThat(commits.syncs()).isEqualTo(1);
    }

    @Test
    void writersWaitingAtTheSameMomentShareOneSync() {
        storage.holdSyncs();
        CompletableFuture<String> first = write("first");
        await().until(() -> storage.syncsStarted.get() == 1);

        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            queued.add(write("w" + i));
        }
        await().until(() -> commits.waits() == 16);
        storage.releaseSyncs();

        first.join();
        queued.forEach(CompletableFuture::join);
        assertThat(commits.syncs()).as("one sync for the first writer, one for the 15 that queued behind it")
                .isEqualTo(2);
        assertThat(storage.committed).hasSize(16);
    }

    @Test
    void aReadOfACleanStoreNeverWaitsForASync() {
        assertThat(commits.run(() -> "read")).isEqualTo("read");
        assertThat(commits.waits()).isZero();
        assertThat(storage.syncsStarted).hasValue(0);
    }

    @Test
    void aReadDuringASyncWaitsForIt() {
        storage.holdSyncs();
        CompletableFuture<String> write = write("w1");
        await().until(() -> storage.syncsStarted.get() == 1);

        // the read may have seen w1, which is in the file but not yet on the disk
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> commits.run(() -> "read"), clients);
        await().until(() -> commits.waits() == 2);
        assertThat(read).isNotDone();

        storage.releaseSyncs();
        assertThat(read.join()).isEqualTo("read");
        write.join();
        assertThat(commits.syncs()).as("the read's round finds nothing new to write or sync").isEqualTo(1);
    }

    @Test
    void aCommitNeverTakesACommandHalfDone() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean halfDone = new AtomicBoolean();
        storage.onCommit = () -> {
            if (halfDone.get()) {
                throw new AssertionError("a commit ran while a command was half done");
            }
        };
        // an insert that has written its index entry but not yet its document
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> commits.run(() -> {
            storage.change("index entry");
            halfDone.set(true);
            inside.countDown();
            awaitLatch(finish);
            halfDone.set(false);
            storage.change("document");
            return "slow";
        }), clients);
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<String> other = write("other");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> storage.commits.get() == 0 && !other.isDone());

        finish.countDown();
        assertThat(slow.join()).isEqualTo("slow");
        assertThat(other.join()).isEqualTo("other");
        assertThat(storage.committed).contains("index entry", "document", "other");
    }

    @Test
    void aFailedSyncAcknowledgesNothingAndStopsTheStore() {
        storage.failSyncs = true;

        assertThatThrownBy(() -> commits.run(() -> storage.change("w1")))
                .isInstanceOf(MongoServerError.class)
                .satisfies(e -> assertThat(((MongoServerError) e).getCode()).isEqualTo(91));
        // The committer answers the waiting commands first, then reports (the process's handler halts it).
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(reported.get()).hasMessageContaining("disk gone"));
        assertThatThrownBy(() -> commits.run(() -> "later read")).isInstanceOf(MongoServerError.class);
    }

    @Test
    void aRefusedCommandThatChangedSomethingIsRefusedOnlyAfterTheSync() {
        storage.holdSyncs();
        // e.g. an unordered insertMany whose second document hits a duplicate key
        CompletableFuture<Throwable> refused = CompletableFuture.supplyAsync(() -> {
            try {
                commits.run(() -> {
                    storage.change("first of many");
                    throw new IllegalStateException("duplicate key");
                });
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        }, clients);
        await().until(() -> storage.syncsStarted.get() == 1);
        assertThat(refused).isNotDone();

        storage.releaseSyncs();
        assertThat(refused.join()).hasMessage("duplicate key");
    }

    @Test
    void closingMakesWhatIsPendingDurable() {
        commits.run(() -> storage.change("w1"));
        storage.change("changed outside a command, e.g. while opening");
        commits.close();
        assertThat(storage.pending).isEmpty();
    }

    private CompletableFuture<String> write(String change) {
        return CompletableFuture.supplyAsync(() -> commits.run(() -> storage.change(change)), clients);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A storage engine keeping its changes in lists; its syncs can be held or made to fail. */
    private static final class ScriptedStorage implements GroupCommit.Storage {
        final List<String> pending = new ArrayList<>();
        final List<String> committed = new ArrayList<>();
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger syncsStarted = new AtomicInteger();
        volatile CountDownLatch syncGate = new CountDownLatch(0);
        volatile boolean failSyncs;
        volatile Runnable onCommit = () -> { };

        synchronized String change(String change) {
            pending.add(change);
            return change;
        }

        @Override
        public synchronized boolean hasUnsavedChanges() {
            return !pending.isEmpty();
        }

        @Override
        public synchronized boolean commit() {
            onCommit.run();
            if (pending.isEmpty()) {
                return false;
            }
            commits.incrementAndGet();
            committed.addAll(pending);
            pending.clear();
            return true;
        }

        @Override
        public void sync() {
            syncsStarted.incrementAndGet();
            if (failSyncs) {
                throw new IllegalStateException("disk gone");
            }
            awaitLatch(syncGate);
        }

        void holdSyncs() {
            syncGate = new CountDownLatch(1);
        }

        void releaseSyncs() {
            syncGate.countDown();
        }
    }
}
