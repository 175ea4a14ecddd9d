package com.vendstream.testkit;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** An in-memory store reached through the real reactive driver, with a template on one database. */
public final class MongoFixture implements AutoCloseable {

    private final EmbeddedStore store = EmbeddedStore.inMemory();
    private final MongoClient client;
    public final ReactiveMongoTemplate template;
    /** Where the store listens, for a test that needs a client of its own (one that watches its commands). */
    public final String uri;

    public MongoFixture(String database) {
        uri = store.uri();
        client = MongoClients.create(uri);
        template = new ReactiveMongoTemplate(client, database);
    }

    @Override
    public void close() {
        client.close();
        store.close();
    }
}
