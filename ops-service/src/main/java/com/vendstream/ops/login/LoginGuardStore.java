package com.vendstream.ops.login;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * Login guards, one document per user under its name, in MongoDB: a lockout survives a restart of the service
 * and of the store, and every instance of the service sees the same one. Each write is a compare-and-set on
 * the version (an insert for the first), so concurrent failures are never lost.
 */
public class LoginGuardStore {

    public static final String COLLECTION = "ops_login_guards";

    private final ReactiveMongoTemplate mongo;

    public LoginGuardStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private Mono<MongoCollection<Document>> collection() {
        return mongo.getCollection(COLLECTION);
    }

    /** The user's guard; a fresh one when nothing is stored. */
    public Mono<LoginGuard> find(String username) {
        return collection().flatMap(c -> Mono.from(c.find(new Document("_id", username)).first()))
                .map(LoginGuardStore::toGuard).defaultIfEmpty(LoginGuard.fresh(username));
    }

    /** Stores {@code next} if the stored guard is still {@code previous}; false when another write came first. */
    public Mono<Boolean> replace(LoginGuard previous, LoginGuard next) {
        Document state = new Document("failures", next.failures())
                .append("firstFailureAt", date(next.firstFailureAt()))
                .append("lockedUntil", date(next.lockedUntil())).append("version", next.version());
        if (previous.version() == 0) {
            return collection().flatMap(c -> Mono.from(c.insertOne(new Document("_id", next.username())
                            .append("failures", next.failures()).append("firstFailureAt", date(next.firstFailureAt()))
                            .append("lockedUntil", date(next.lockedUntil())).append("version", next.version()))))
                    .thenReturn(true)
                    .onErrorResume(MongoWriteException.class, e -> e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY
                            ? Mono.just(false) : Mono.error(e));
        }
        return collection().flatMap(c -> Mono.from(c.updateOne(
                        new Document("_id", previous.username()).append("version", previous.version()),
                        new Document("$set", state))))
                .map(result -> result.getMatchedCount() == 1);
    }

    private static Date date(Instant at) {
        return at == null ? null : Date.from(at);
    }

    private static LoginGuard toGuard(Document d) {
        Date first = d.getDate("firstFailureAt");
        Date until = d.getDate("lockedUntil");
        return new LoginGuard(d.getString("_id"), d.getInteger("failures", 0), first == null ? null : first.toInstant(),
                until == null ? null : until.toInstant(), ((Number) d.get("version")).longValue());
    }
}
