package com.vendstream.ops.login;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * Login guards in MongoDB, one document per typed name, whether or not it is a user: a lockout survives a restart
 * of the service and of the store, every instance sees the same one, and known and unknown names cost the same
 * store operations. A document's id is the HMAC-SHA256 of the name under the guard key, so nothing typed (it may
 * be a password typed into the wrong field) is stored in clear. Each write is a compare-and-set on the version
 * (an insert for the first), so concurrent attempts are never lost.
 */
public class LoginGuardStore {

    public static final String COLLECTION = "ops_login_guards";

    private final ReactiveMongoTemplate mongo;
    private final SecretKeySpec key;

    public LoginGuardStore(ReactiveMongoTemplate mongo, byte[] guardKey) {
        if (guardKey == null || guardKey.length < 16) {
            throw new IllegalArgumentException("The login guard key needs at least 16 bytes");
        }
        this.mongo = mongo;
        this.key = new SecretKeySpec(guardKey.clone(), "HmacSHA256");
    }

    private Mono<MongoCollection<Document>> collection() {
        return mongo.getCollection(COLLECTION);
    }

    /** The stored id of a typed name: its HMAC under the guard key (base64url). */
    public String idOf(String typedName) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((typedName == null ? "" : typedName).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The guard of this id; a fresh one when nothing is stored. */
    public Mono<LoginGuard> find(String id) {
        return collection().flatMap(c -> Mono.from(c.find(new Document("_id", id)).first()))
                .map(LoginGuardStore::toGuard).defaultIfEmpty(LoginGuard.fresh(id));
    }

    /** Stores {@code next} if the stored guard is still {@code previous}; false when another write came first. */
    public Mono<Boolean> replace(LoginGuard previous, LoginGuard next) {
        Document state = state(next);
        if (previous.version() == 0) {
            Document first = new Document("_id", next.id());
            first.putAll(state);
            return collection().flatMap(c -> Mono.from(c.insertOne(first)))
                    .thenReturn(true)
                    .onErrorResume(MongoWriteException.class, e -> e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY
                            ? Mono.just(false) : Mono.error(e));
        }
        return collection().flatMap(c -> Mono.from(c.updateOne(
                        new Document("_id", previous.id()).append("version", previous.version()),
                        new Document("$set", state))))
                .map(result -> result.getMatchedCount() == 1);
    }

    /**
     * After a right password: forgets the failures, but only while no lock is in force at {@code now} other than
     * the one {@code ticket} (the attempt's own count) set. False when another attempt's lock stands: a success
     * never lifts or shortens it.
     */
    public Mono<Boolean> clearUnlessLocked(LoginGuard ticket, Instant now) {
        Document filter = new Document("_id", ticket.id()).append("$or", List.of(
                new Document("lockedUntil", null),
                new Document("lockedUntil", new Document("$lte", Date.from(now))),
                new Document("lockTicket", ticket.version()).append("lockedUntil", date(ticket.lockedUntil()))));
        return collection().flatMap(c -> Mono.from(c.updateOne(filter, cleared())))
                .map(result -> result.getMatchedCount() == 1);
    }

    /** An operator's unlock: idempotent (clearing twice is clearing once). */
    public Mono<Void> clear(String id) {
        return collection().flatMap(c -> Mono.from(c.updateOne(new Document("_id", id), cleared()))).then();
    }

    private static Document cleared() {
        return new Document("$set", new Document("failures", 0).append("firstFailureAt", null)
                .append("lockedUntil", null).append("lockTicket", 0L))
                .append("$inc", new Document("version", 1L));
    }

    private static Document state(LoginGuard g) {
        return new Document("failures", g.failures()).append("firstFailureAt", date(g.firstFailureAt()))
                .append("lockedUntil", date(g.lockedUntil())).append("lockTicket", g.lockTicket())
                .append("version", g.version());
    }

    private static Date date(Instant at) {
        return at == null ? null : Date.from(at);
    }

    private static LoginGuard toGuard(Document d) {
        Date first = d.getDate("firstFailureAt");
        Date until = d.getDate("lockedUntil");
        Object ticket = d.get("lockTicket");
        return new LoginGuard(d.getString("_id"), d.getInteger("failures", 0), first == null ? null : first.toInstant(),
                until == null ? null : until.toInstant(), ticket == null ? 0 : ((Number) ticket).longValue(),
                ((Number) d.get("version")).longValue());
    }
}
