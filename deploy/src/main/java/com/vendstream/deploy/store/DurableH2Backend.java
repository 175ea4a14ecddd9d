package com.vendstream.deploy.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's H2 (MVStore) backend made durable before it answers: MVStore's own auto-commit
 * (a background commit about once a second, never synced) is off, and every command's reply waits for
 * a {@link GroupCommit} of what it changed or saw. A {@code kill -9} of the store then loses no
 * acknowledged write; MVStore reopens at its last complete chunk (a chunk whose footer did not reach
 * the file, i.e. a torn last write, is ignored and the version before it is used).
 */
public final class DurableH2Backend extends H2Backend {

    private static final Logger log = LoggerFactory.getLogger(DurableH2Backend.class);

    /**
     * Chunks no longer used are free for reuse at once. MVStore keeps them 45 s by default in case the
     * disk has not yet flushed what replaced them; here every commit is synced before anything is
     * acknowledged, so nothing on disk still needs them. With the default the file grew about 6 MiB/s
     * under 16 writers (189 MiB after 30 s for 2 MiB of live data, StoreBench).
     */
    private static final int RETENTION_MILLIS = 0;
    /**
     * Each commit writes a new chunk and leaves older ones a little emptier; the live pages of chunks
     * less full than this (percent) are rewritten, at most {@link #COMPACT_WRITE_BYTES} each time, so
     * their space is reused. Measured with StoreBench (16 writers, 2 MiB live): without it the file
     * still grew after 30 s (28 MiB); at 60 it stays at 15-17 MiB over 60 s (80 hardly smaller).
     */
    private static final int COMPACT_FILL_RATE = 60;
    private static final int COMPACT_WRITE_BYTES = 1024 * 1024;

    private final MVStore mvStore;
    private final GroupCommit commits;
    private final LongAdder examined = new LongAdder();
    /** Set once the library has opened every database (in the constructor), before any command. */
    private volatile boolean opened;

    private DurableH2Backend(MVStore mvStore, GroupCommit commits) {
        super(mvStore);
        this.mvStore = mvStore;
        this.commits = commits;
        this.opened = true;
    }

    /**
     * Opens (recovering after a crash) or creates the store file. {@code onStorageFailure} hears of a
     * failed write or sync, after which nothing more is acknowledged.
     */
    public static DurableH2Backend open(Path file, Consumer<Throwable> onStorageFailure) {
        log.info("opening the durable store {}", file);
        MVStore mvStore = new MVStore.Builder()
                .fileName(file.toString())
                // no background commit thread, and no commit from a writer's thread when its changes
                // pile up: the group commit is the only one, so it knows what is on disk
                .autoCommitDisabled()
                .autoCommitBufferSize(0)
                .open();
        mvStore.getFileStore().setRetentionTime(RETENTION_MILLIS);
        GroupCommit commits = new GroupCommit(new MvStoreStorage(mvStore), onStorageFailure);
        return new DurableH2Backend(mvStore, commits);
    }

    /** Databases whose queries read only the documents they may match ({@link IndexedH2Database}). */
    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new IndexedH2Database(databaseName, getMvStore(), getCursorRegistry()) {
            @Override
            protected MVStore store() {
                return getMvStore();
            }

            @Override
            protected LongAdder examined() {
                return examined;
            }

            @Override
            protected boolean opening() {
                // the library opens the databases in the backend's constructor, before commands are taken,
                // so a commit then cannot split a command (GroupCommit)
                return !opened;
            }
        };
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return commits.run(() -> {
            Document hello = Hello.answer(command, () -> super.handleCommand(channel, database, "ismaster", query));
            return hello != null ? hello : super.handleCommand(channel, database, command, query);
        });
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        return commits.run(() -> super.handleQuery(query));
    }

    /** Documents read and matched against a query so far (a full scan reads every document of its collection). */
    public long documentsExamined() {
        return examined.sum();
    }

    /** Syncs of the store file so far (each one covers every command waiting at that moment). */
    public long syncs() {
        return commits.syncs();
    }

    /** Replies that waited for a sync so far (writes, and reads that may have seen unsynced writes). */
    public long durableReplies() {
        return commits.waits();
    }

    @Override
    public void close() {
        commits.close();
        super.close();
    }

    private record MvStoreStorage(MVStore store) implements GroupCommit.Storage {

        @Override
        public boolean hasUnsavedChanges() {
            return store.hasUnsavedChanges();
        }

        @Override
        public boolean commit() {
            return store.commit() >= 0;
        }

        @Override
        public void sync() {
            store.sync();
        }

        @Override
        public boolean compact() {
            return store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES) && store.hasUnsavedChanges();
        }
    }
}
