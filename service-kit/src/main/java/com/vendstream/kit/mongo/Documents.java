package com.vendstream.kit.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import org.bson.Document;
import reactor.core.publisher.Mono;

/** Small MongoDB idioms the services build their idempotency on. */
public final class Documents {

    private Documents() {
    }

    /**
     * Inserts the document unless its unique keys are taken. A duplicate key is the "already done"
     * answer idempotency relies on, so it is a result here, not an error.
     */
    public static boolean insertIfAbsent(MongoCollection<Document> collection, Document document, Duration timeout) {
        try {
            Mono.from(collection.insertOne(document)).block(timeout);
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }
}
