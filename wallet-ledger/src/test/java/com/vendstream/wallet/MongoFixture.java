package com.vendstream.wallet;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** A MongoDB wire-protocol server in memory, reached through the real reactive driver (as order-service's tests do). */
final class MongoFixture implements AutoCloseable {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client;
    final ReactiveMongoTemplate template;

    MongoFixture() {
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://localhost:" + address.getPort());
        template = new ReactiveMongoTemplate(client, "vendstream");
    }

    @Override
    public void close() {
        client.close();
        server.shutdown();
    }
}
