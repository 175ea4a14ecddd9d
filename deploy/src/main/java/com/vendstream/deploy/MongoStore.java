package com.vendstream.deploy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MongoDB wire-protocol store (mongo-java-server) persisting to an H2 MVStore file under the data
 * folder. It supports what vendstream relies on (unique indexes, findOneAndUpdate with $inc,
 * aggregation) but not multi-document transactions, which the design does not use.
 */
public final class MongoStore implements AutoCloseable {

    private final MongoServer server;
    private final String uri;

    private MongoStore(MongoServer server, String uri) {
        this.server = server;
        this.uri = uri;
    }

    public static MongoStore start(Path dataDir, int port) {
        try {
            Path file = Files.createDirectories(dataDir.resolve("mongo")).resolve("vendstream.mv");
            H2Backend backend = new H2Backend(file.toString());
            MongoServer server = new MongoServer(backend);
            server.bind("localhost", port);
            return new MongoStore(server, "mongodb://localhost:" + port + "/vendstream");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String uri() {
        return uri;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
