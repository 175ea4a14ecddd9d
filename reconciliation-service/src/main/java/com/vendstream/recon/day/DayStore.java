package com.vendstream.recon.day;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Which business days are closed. The first close wins (insert-if-absent); a day never reopens. */
public class DayStore {

    public static final String COLLECTION = "recon_days";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public DayStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    /** @param unanswered vends and postings the last matching got no definite provider answer about */
    public record ClosedDay(LocalDate day, Instant closedAt, String closedBy, Instant matchedAt,
                            Map<String, String> matching, int unanswered) {
    }

    /** True when this call closed the day, false when it already was closed. */
    public boolean markClosed(LocalDate day, Instant at, String by) {
        return Documents.insertIfAbsent(collection(), new Document("_id", day.toString())
                .append("closedAt", Date.from(at)).append("closedBy", by), TIMEOUT);
    }

    public boolean isClosed(LocalDate day) {
        return Mono.from(collection().countDocuments(new Document("_id", day.toString()))).block(TIMEOUT) > 0;
    }

    public void recordMatching(LocalDate day, Instant at, Map<String, String> outcome, int unanswered) {
        Mono.from(collection().updateOne(new Document("_id", day.toString()), new Document("$set",
                new Document("matchedAt", Date.from(at)).append("matching", new Document(Map.copyOf(outcome)))
                        .append("unanswered", unanswered))))
                .block(TIMEOUT);
    }

    public Optional<ClosedDay> find(LocalDate day) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", day.toString())).first())
                .block(TIMEOUT)).map(DayStore::toClosedDay);
    }

    /**
     * Days marked closed before {@code closedBefore} whose close never recorded its matching, its last step:
     * a crash (or a failure) between the mark and the end left their ledgers or matching unfinished.
     */
    public List<ClosedDay> unfinished(Instant closedBefore) {
        return find(unfinishedFilter(closedBefore));
    }

    public long countUnfinished(Instant closedBefore) {
        return Mono.from(collection().countDocuments(unfinishedFilter(closedBefore))).block(TIMEOUT);
    }

    private static Document unfinishedFilter(Instant closedBefore) {
        return new Document("matchedAt", null).append("closedAt", new Document("$lt", Date.from(closedBefore)));
    }

    /** Days closed on or after {@code from}, oldest first. */
    public List<ClosedDay> closedSince(LocalDate from) {
        return find(new Document("_id", new Document("$gte", from.toString())));
    }

    /** Days on or after {@code from} whose last matching left vends or postings without a provider's answer. */
    public List<ClosedDay> unansweredSince(LocalDate from) {
        return find(new Document("_id", new Document("$gte", from.toString()))
                .append("unanswered", new Document("$gt", 0)));
    }

    private List<ClosedDay> find(Document filter) {
        List<Document> docs = Flux.from(collection().find(filter).sort(new Document("_id", 1))).collectList()
                .block(TIMEOUT);
        List<ClosedDay> out = new ArrayList<>();
        docs.forEach(d -> out.add(toClosedDay(d)));
        return out;
    }

    private static ClosedDay toClosedDay(Document d) {
        Document matching = d.get("matching", Document.class);
        Map<String, String> m = new java.util.TreeMap<>();
        if (matching != null) {
            matching.forEach((k, v) -> m.put(k, String.valueOf(v)));
        }
        Date matchedAt = d.getDate("matchedAt");
        return new ClosedDay(LocalDate.parse(d.getString("_id")), d.getDate("closedAt").toInstant(),
                d.getString("closedBy"), matchedAt == null ? null : matchedAt.toInstant(), m,
                d.getInteger("unanswered", 0));
    }
}
