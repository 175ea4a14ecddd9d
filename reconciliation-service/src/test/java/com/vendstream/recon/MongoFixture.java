package com.vendstream.recon;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** A MongoDB wire-protocol server in memory, reached through the real reactive driver. */
final class MongoFixture implements AutoCloseable {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client;
    final ReactiveMongoTemplate template;
    final String uri;

    MongoFixture() {
        InetSocketAddress address = server.bind();
        uri = "mongodb://localhost:" + address.getPort();
        client = MongoClients.create(uri);
        template = new ReactiveMongoTemplate(client, "recon");
    }

    @Override
    public void close() {
        client.close();
        server.shutdown();
    }
}
