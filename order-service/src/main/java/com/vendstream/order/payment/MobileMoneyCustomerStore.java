package com.vendstream.order.payment;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers.AccountUse;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers.Customer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * The providers' mobile-money customer port ({@link MobileMoneyCustomers}) in MongoDB, one document each
 * under its key ({@code provider:phone}, e.g. {@code dollr:231770000002}):
 * {@code partyId}, {@code counterpartyId}, {@code method}, {@code gatewayProvider}, {@code countryCode},
 * {@code collectionAccountId} and {@code payoutAccountId} once made, {@code createdAt}.
 */
public class MobileMoneyCustomerStore implements MobileMoneyCustomers {

    public static final String COLLECTION = "mobileMoneyCustomers";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public MobileMoneyCustomerStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    /** Where a payment account of {@code use} is kept. */
    private static String field(AccountUse use) {
        return use == AccountUse.COLLECTION ? "collectionAccountId" : "payoutAccountId";
    }

    @Override
    public Optional<Customer> find(String key) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", key)).first()).block(TIMEOUT))
                .map(MobileMoneyCustomerStore::toCustomer);
    }

    @Override
    public Customer insertIfAbsent(Customer customer, Instant now) {
        Document doc = new Document("_id", customer.key()).append("partyId", customer.partyId())
                .append("counterpartyId", customer.counterpartyId()).append("method", customer.method())
                .append("gatewayProvider", customer.gatewayProvider()).append("countryCode", customer.countryCode())
                .append(field(AccountUse.COLLECTION), customer.collectionAccountId())
                .append(field(AccountUse.PAYOUT), customer.payoutAccountId())
                .append("createdAt", Date.from(now));
        if (Documents.insertIfAbsent(collection(), doc, TIMEOUT)) {
            return customer;
        }
        return find(customer.key()).orElseThrow();
    }

    @Override
    public String accountIfAbsent(String key, AccountUse use, String accountId) {
        Mono.from(collection().updateOne(new Document("_id", key).append(field(use), null),
                new Document("$set", new Document(field(use), accountId)))).block(TIMEOUT);
        return find(key).orElseThrow().account(use);
    }

    @Override
    public void forget(String key, long partyId) {
        Mono.from(collection().deleteOne(new Document("_id", key).append("partyId", partyId))).block(TIMEOUT);
    }

    public long count() {
        return Mono.from(collection().countDocuments()).block(TIMEOUT);
    }

    private static Customer toCustomer(Document d) {
        return new Customer(d.getString("_id"), ((Number) d.get("partyId")).longValue(),
                ((Number) d.get("counterpartyId")).longValue(), d.getString("method"), d.getString("gatewayProvider"),
                d.getString("countryCode"), d.getString(field(AccountUse.COLLECTION)),
                d.getString(field(AccountUse.PAYOUT)));
    }
}
