package com.vendstream.kit.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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

    /**
     * Narrows {@code filter} to {@code field} at or after {@code from} and before {@code to}; either
     * bound may be null. Returns the filter.
     */
    public static Document within(Document filter, String field, Instant from, Instant to) {
        Document range = new Document();
        if (from != null) {
            range.append("$gte", Date.from(from));
        }
        if (to != null) {
            range.append("$lt", Date.from(to));
        }
        if (!range.isEmpty()) {
            filter.append(field, range);
        }
        return filter;
    }
}
