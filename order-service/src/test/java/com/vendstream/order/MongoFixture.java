package com.vendstream.order;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** A MongoDB wire-protocol server in memory, reached through the real reactive driver. */
public final class MongoFixture implements AutoCloseable {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client;
    public final ReactiveMongoTemplate template;
    /** Where the store listens, for a test that needs a client of its own (one that watches its commands). */
    public final String uri;

    public MongoFixture() {
        InetSocketAddress address = server.bind();
        uri = "mongodb://localhost:" + address.getPort();
        client = MongoClients.create(uri);
        template = new ReactiveMongoTemplate(client, "vendstream");
    }

    @Override
    public void close() {
        client.close();
        server.shutdown();
    }
}
