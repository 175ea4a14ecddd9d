package com.vendstream.testkit;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server in memory (mongo-java-server) on a random localhost port, reached by the
 * services through the real driver. A restartable one keeps its data when stopped and comes back on the same
 * port, as a real store does after an outage.
 */
public final class EmbeddedStore implements AutoCloseable {

    /** Connection options for a test that stops the store: each attempt fails within a second, not thirty. */
    public static final String FAIL_FAST = "?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000";

    private final MemoryBackend data;
    private final boolean restartable;
    private final int port;
    private volatile MongoServer server;

    private EmbeddedStore(MemoryBackend data, boolean restartable) {
        this.data = data;
        this.restartable = restartable;
        server = new MongoServer(data);
        port = server.bind().getPort();
    }

    public static EmbeddedStore inMemory() {
        return new EmbeddedStore(new MemoryBackend(), false);
    }

    /** A store whose data outlives {@link #stop()}; {@link #start()} brings it back on the same port. */
    public static EmbeddedStore restartable() {
        return new EmbeddedStore(new MemoryBackend() {
            @Override
            public void close() {
                // The data outlives the server, as a real store's files do.
            }
        }, true);
    }

    public int port() {
        return port;
    }

    /** mongodb://localhost:port, no database. */
    public String uri() {
        return "mongodb://localhost:" + port;
    }

    /** The connection string for {@code database}, which may carry options ({@link #FAIL_FAST}). */
    public String uri(String database) {
        return uri() + "/" + database;
    }

    /** Stops at once, open connections cut: an outage. */
    public void stop() {
        server.shutdownNow();
    }

    /** Listens again on the same port; a restartable store still holds what it held. */
    public void start() {
        server = new MongoServer(data);
        server.bind("localhost", port);
    }

    @Override
    public void close() {
        if (restartable) {
            server.shutdownNow();
        } else {
            server.shutdown();
        }
    }
}
