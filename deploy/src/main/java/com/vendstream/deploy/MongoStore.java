package com.vendstream.deploy;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A MongoDB wire-protocol store (mongo-java-server) persisting to an H2 MVStore file under the data
 * folder. It supports what vendstream relies on (unique indexes, findOneAndUpdate with $inc,
 * aggregation) but not multi-document transactions, which the design does not use.
 *
 * <p>mongo-java-server answers the legacy {@code isMaster} but not {@code hello}, which Spring Boot's
 * MongoDB health indicator sends (after {@code listDatabases}): every service's /actuator/health was
 * DOWN while the store was fine. Both backends here answer {@code hello} as a standalone primary.
 */
public final class MongoStore implements AutoCloseable {

    private final MongoServer server;
    private final String uri;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MongoStore(MongoServer server, String uri) {
        this.server = server;
        this.uri = uri;
    }

    /** The local stack's store, kept in {@code <dataDir>/mongo/vendstream.mv}; port 0 picks a free one. */
    public static MongoStore start(Path dataDir, int port) {
        try {
            Path file = Files.createDirectories(dataDir.resolve("mongo")).resolve("vendstream.mv");
            return bind(new H2WithHello(file.toString()), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A store in memory on a free port (tests). */
    public static MongoStore inMemory() {
        return bind(new MemoryWithHello(), 0);
    }

    private static MongoStore bind(MongoBackend backend, int port) {
        MongoServer server = new MongoServer(backend);
        server.bind("localhost", port);
        InetSocketAddress address = server.getLocalAddress();
        return new MongoStore(server, "mongodb://localhost:" + address.getPort() + "/vendstream");
    }

    public String uri() {
        return uri;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
        }
    }

    /**
     * {@code hello} is {@code isMaster} under its current name; its reply names the primary
     * {@code isWritablePrimary}. Anything else goes to the backend as before.
     */
    private static Document hello(String command, Supplier<Document> isMaster) {
        if (!"hello".equalsIgnoreCase(command)) {
            return null;
        }
        Document reply = isMaster.get();
        Object primary = reply.remove("ismaster");
        reply.put("isWritablePrimary", primary == null ? Boolean.TRUE : primary);
        return reply;
    }

    private static final class H2WithHello extends H2Backend {
        H2WithHello(String file) {
            super(file);
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Document hello = hello(command, () -> super.handleCommand(channel, database, "ismaster", query));
            return hello != null ? hello : super.handleCommand(channel, database, command, query);
        }
    }

    private static final class MemoryWithHello extends MemoryBackend {
        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Document hello = hello(command, () -> super.handleCommand(channel, database, "ismaster", query));
            return hello != null ? hello : super.handleCommand(channel, database, command, query);
        }
    }
}
