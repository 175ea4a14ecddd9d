package com.vendstream.order.payment;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * The ids a mobile-money provider gave a customer (party, counterparty, payment accounts), kept so
 * each customer is set up at the provider once, not once per order. Keyed by provider and E.164
 * phone; the first writer wins and later writers adopt its ids, so a race leaves at most an unused
 * party at the provider, never two sets of ids in use.
 */
public class MobileMoneyCustomers {

    public static final String COLLECTION = "mobileMoneyCustomers";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Which cached payment account: the provider keeps collection and payout accounts apart. */
    public enum AccountUse {
        COLLECTION("collectionAccountId"), PAYOUT("payoutAccountId");

        final String field;

        AccountUse(String field) {
            this.field = field;
        }
    }

    /**
     * @param method the provider's payment method for this phone's operator
     * @param gatewayProvider the provider's name for the operator's gateway
     */
    public record Customer(String key, long partyId, long counterpartyId, String method, String gatewayProvider,
                           String countryCode, String collectionAccountId, String payoutAccountId) {

        public String account(AccountUse use) {
            return use == AccountUse.COLLECTION ? collectionAccountId : payoutAccountId;
        }

        @Override
        public String toString() {
            // The key holds the phone number.
            return "Customer[partyId=" + partyId + ", method=" + method + "]";
        }
    }

    private final ReactiveMongoTemplate mongo;

    public MobileMoneyCustomers(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public static String key(String provider, String e164Phone) {
        return provider + ":" + e164Phone;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    public Optional<Customer> find(String key) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", key)).first()).block(TIMEOUT))
                .map(MobileMoneyCustomers::toCustomer);
    }

    /** Stores the customer unless one is stored under its key already; returns whichever is stored. */
    public Customer insertIfAbsent(Customer customer, Instant now) {
        Document doc = new Document("_id", customer.key()).append("partyId", customer.partyId())
                .append("counterpartyId", customer.counterpartyId()).append("method", customer.method())
                .append("gatewayProvider", customer.gatewayProvider()).append("countryCode", customer.countryCode())
                .append(AccountUse.COLLECTION.field, customer.collectionAccountId())
                .append(AccountUse.PAYOUT.field, customer.payoutAccountId())
                .append("createdAt", Date.from(now));
        if (Documents.insertIfAbsent(collection(), doc, TIMEOUT)) {
            return customer;
        }
        return find(customer.key()).orElseThrow();
    }

    /** Records a payment account unless one is recorded already; returns the recorded one. */
    public String accountIfAbsent(String key, AccountUse use, String accountId) {
        Mono.from(collection().updateOne(new Document("_id", key).append(use.field, null),
                new Document("$set", new Document(use.field, accountId)))).block(TIMEOUT);
        return find(key).orElseThrow().account(use);
    }

    /**
     * Forgets a stored customer whose ids the provider no longer accepts, unless another order already
     * replaced it (the party id must still match), so the next payment sets the customer up again.
     */
    public void forget(String key, long partyId) {
        Mono.from(collection().deleteOne(new Document("_id", key).append("partyId", partyId))).block(TIMEOUT);
    }

    public long count() {
        return Mono.from(collection().countDocuments()).block(TIMEOUT);
    }

    private static Customer toCustomer(Document d) {
        return new Customer(d.getString("_id"), ((Number) d.get("partyId")).longValue(),
                ((Number) d.get("counterpartyId")).longValue(), d.getString("method"), d.getString("gatewayProvider"),
                d.getString("countryCode"), d.getString(AccountUse.COLLECTION.field),
                d.getString(AccountUse.PAYOUT.field));
    }
}
