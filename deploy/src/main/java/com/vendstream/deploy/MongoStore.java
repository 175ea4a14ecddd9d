package com.vendstream.deploy;

import com.vendstream.deploy.store.DurableH2Backend;
import com.vendstream.deploy.store.Hello;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB wire-protocol store (mongo-java-server), in this JVM. It supports what vendstream relies
 * on (unique indexes, findOneAndUpdate with $inc, aggregation) but not multi-document transactions,
 * which the design does not use. Both backends answer {@code hello} ({@link Hello}).
 *
 * <p>{@link #start} keeps the data in an H2 MVStore file and acknowledges nothing before it is synced
 * to disk ({@link DurableH2Backend}); {@link #inMemory()} is for tests. {@code
 * com.vendstream.deploy.store.StoreProcess} runs the file-backed store as its own process, which is how the
 * local stack runs it (ProcessStack).
 */
public final class MongoStore implements AutoCloseable {

    /**
     * Netty event loops. A reply waits for its sync on the loop's thread, so each loop serves one
     * connection at a time while it waits; with Netty's default (two per core) only four writers could
     * share a sync here. Loops are cheap when idle.
     */
    private static final int EVENT_LOOPS = Math.max(64, 4 * Runtime.getRuntime().availableProcessors());

    private final MongoServer server;
    private final MongoBackend backend;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MongoStore(MongoServer server, MongoBackend backend, int port) {
        this.server = server;
        this.backend = backend;
        this.port = port;
    }

    /** The durable store, kept in {@code <dataDir>/mongo/vendstream.mv}; port 0 picks a free one. */
    public static MongoStore start(Path dataDir, int port) {
        return start(dataDir, port, failure -> LoggerFactory.getLogger(MongoStore.class)
                .error("The store's file failed; it acknowledges nothing more until restarted", failure));
    }

    /**
     * The durable store; {@code onStorageFailure} hears of a write or sync of its file that failed
     * (the store then refuses every operation; a process should exit and be restarted).
     */
    public static MongoStore start(Path dataDir, int port, Consumer<Throwable> onStorageFailure) {
        try {
            Path file = Files.createDirectories(dataDir.resolve("mongo")).resolve("vendstream.mv");
            return bind(DurableH2Backend.open(file, onStorageFailure), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A store in memory on a free port (tests). */
    public static MongoStore inMemory() {
        return inMemory(0);
    }

    /** A store in memory; port 0 picks a free one. */
    public static MongoStore inMemory(int port) {
        return bind(new MemoryWithHello(), port);
    }

    private static MongoStore bind(MongoBackend backend, int port) {
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(new InetSocketAddress("localhost", port), 1, EVENT_LOOPS);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return new MongoStore(server, backend, server.getLocalAddress().getPort());
    }

    public String uri() {
        return "mongodb://localhost:" + port + "/vendstream";
    }

    public int port() {
        return port;
    }

    /** Syncs of the store file so far; 0 in memory. */
    public long syncs() {
        return backend instanceof DurableH2Backend durable ? durable.syncs() : 0;
    }

    /** Documents queries read and matched so far; 0 in memory. */
    public long documentsExamined() {
        return backend instanceof DurableH2Backend durable ? durable.documentsExamined() : 0;
    }

    /** Replies that waited for a sync so far; 0 in memory. */
    public long durableReplies() {
        return backend instanceof DurableH2Backend durable ? durable.durableReplies() : 0;
    }

    /** Stops accepting, lets commands under way finish and become durable, then closes the file. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
        }
    }

    private static final class MemoryWithHello extends MemoryBackend {
        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Document hello = Hello.answer(command, () -> super.handleCommand(channel, database, "ismaster", query));
            return hello != null ? hello : super.handleCommand(channel, database, command, query);
        }
    }
}
