package com.vendstream.deploy.store;

import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back each command's reply until everything the command changed or could have seen is on
 * disk: MongoDB's {@code j:true} promise, and what {@code readConcern: majority} promises a reader.
 *
 * <p>One committer thread writes and syncs for every command waiting at that moment (group commit):
 * while one sync runs, the commands finishing meanwhile queue up and share the next one, so N
 * concurrent writers cost far fewer than N syncs and a lone writer waits for exactly one.
 *
 * <p>Commands run under a shared lock and the committer takes the snapshot (writes the chunk, no sync)
 * under the exclusive one, so a chunk on disk always holds whole commands. Without that, a commit could
 * store an insert's unique-index entry without its document: after a crash the store then answers
 * "Expected one element but got zero" for that key. The sync itself runs outside the lock.
 *
 * <p>Which commands write is not guessed from their names: after any command the storage is asked
 * whether it holds unsaved changes (or a sync is under way); if so, the reply waits. A read under
 * concurrent writes therefore waits for the next sync too: it may have seen those writes.
 */
final class GroupCommit implements AutoCloseable {

    /** What the committer needs from the storage engine. */
    interface Storage {

        /** True if anything changed since the last {@link #commit()}. Called with commands excluded. */
        boolean hasUnsavedChanges();

        /** Writes everything changed so far to the file, without syncing; false if there was nothing. */
        boolean commit();

        /** Forces what {@link #commit()} wrote to the disk. */
        void sync();

        /**
         * Housekeeping between rounds, twice a second (rewriting the live pages of sparse chunks so
         * their space can be reused); true if it changed anything to commit.
         */
        default boolean compact() {
            return false;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final long HOUSEKEEPING_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Storage storage;
    private final Consumer<Throwable> onFailure;
    private final ReentrantReadWriteLock commands = new ReentrantReadWriteLock();
    private final ReentrantLock progress = new ReentrantLock();
    private final Condition work = progress.newCondition();
    private final Condition done = progress.newCondition();
    private final Thread committer;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();

    // guarded by progress
    private long requested;
    private long durable;
    private Throwable failure;
    private boolean closing;
    private boolean stopped;

    /** A chunk is written but not yet synced: what it holds must not be shown yet. */
    private volatile boolean syncing;

    GroupCommit(Storage storage, Consumer<Throwable> onFailure) {
        this.storage = storage;
        this.onFailure = onFailure;
        this.committer = new Thread(this::commitLoop, "store-group-commit");
        committer.setDaemon(true);
        committer.start();
    }

    /**
     * Runs a command and returns its answer once what it changed or saw is durable. A failure of the
     * command is rethrown after the same wait (an error reply can reveal state too).
     */
    <T> T run(Supplier<T> command) {
        if (commands.getReadHoldCount() > 0) {
            // nested inside a command: the outer call waits, and waiting here would block the committer
            return command.get();
        }
        throwIfFailed();
        long ticket = 0;
        T answer = null;
        RuntimeException refused = null;
        commands.readLock().lock();
        try {
            try {
                answer = command.get();
            } catch (RuntimeException e) {
                refused = e;
            }
            if (syncing || storage.hasUnsavedChanges()) {
                ticket = request();
            }
        } finally {
            commands.readLock().unlock();
        }
        if (ticket > 0) {
            awaitDurable(ticket);
        }
        if (refused != null) {
            throw refused;
        }
        return answer;
    }

    /** Syncs performed so far. */
    long syncs() {
        return syncs.get();
    }

    /** Commands whose reply waited for a sync so far. */
    long waits() {
        return waits.get();
    }

    /** Makes everything durable and stops the committer; later commands are refused. */
    @Override
    public void close() {
        progress.lock();
        try {
            closing = true;
            work.signalAll();
        } finally {
            progress.unlock();
        }
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long request() {
        waits.incrementAndGet();
        progress.lock();
        try {
            long ticket = ++requested;
            work.signal();
            return ticket;
        } finally {
            progress.unlock();
        }
    }

    private void awaitDurable(long ticket) {
        progress.lock();
        try {
            while (durable < ticket && failure == null && !stopped) {
                done.await();
            }
            if (durable < ticket) {
                throw failure != null ? notDurable(failure)
                        : new MongoServerError(91, "ShutdownInProgress", "the store stopped before this operation was durable");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notDurable(e);
        } finally {
            progress.unlock();
        }
    }

    private void throwIfFailed() {
        progress.lock();
        try {
            if (failure != null) {
                throw notDurable(failure);
            }
            if (closing) {
                throw new MongoServerError(91, "ShutdownInProgress", "the store is shutting down");
            }
        } finally {
            progress.unlock();
        }
    }

    /** Code 91 (ShutdownInProgress): the store stops after a failed write or sync; nothing was acknowledged. */
    private static MongoServerError notDurable(Throwable cause) {
        return new MongoServerError(91, "ShutdownInProgress",
                "the store could not make this operation durable and is stopping: " + cause, cause);
    }

    private void commitLoop() {
        long lastHousekeeping = System.nanoTime();
        try {
            while (true) {
                progress.lock();
                try {
                    while (requested == durable && !closing
                            && System.nanoTime() - lastHousekeeping < HOUSEKEEPING_INTERVAL_NANOS) {
                        work.awaitNanos(HOUSEKEEPING_INTERVAL_NANOS);
                    }
                    if (requested == durable && closing) {
                        break;
                    }
                } finally {
                    progress.unlock();
                }
                boolean compacted = false;
                if (System.nanoTime() - lastHousekeeping >= HOUSEKEEPING_INTERVAL_NANOS) {
                    // between rounds, under load too: each round leaves chunks a little emptier
                    compacted = storage.compact();
                    lastHousekeeping = System.nanoTime();
                }
                if (compacted || hasRequests()) {
                    commitRound();
                }
            }
            if (storage.hasUnsavedChanges()) {
                // changed outside any command (e.g. while opening): nothing waits, but keep it too
                commitRound();
            }
        } catch (Throwable e) {
            log.error("The store could not write or sync its file; no further operation is acknowledged", e);
            progress.lock();
            try {
                failure = e;
                done.signalAll();
            } finally {
                progress.unlock();
            }
            onFailure.accept(e);
        } finally {
            progress.lock();
            try {
                stopped = true;
                done.signalAll();
            } finally {
                progress.unlock();
            }
        }
    }

    private boolean hasRequests() {
        progress.lock();
        try {
            return requested > durable;
        } finally {
            progress.unlock();
        }
    }

    private void commitRound() {
        long target;
        boolean wrote;
        commands.writeLock().lock();
        try {
            // read under the exclusive lock: every ticket up to here belongs to a finished command
            progress.lock();
            try {
                target = requested;
            } finally {
                progress.unlock();
            }
            wrote = storage.commit();
            syncing = wrote;
        } finally {
            commands.writeLock().unlock();
        }
        if (wrote) {
            storage.sync();
            syncs.incrementAndGet();
        }
        progress.lock();
        try {
            durable = target;
            syncing = false;
            done.signalAll();
        } finally {
            progress.unlock();
        }
    }
}
