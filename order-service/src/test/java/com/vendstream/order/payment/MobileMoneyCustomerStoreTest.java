package com.vendstream.order.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.mobilemoney.MobileMoneyCustomers;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers.AccountUse;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers.Customer;
import com.vendstream.testkit.MongoFixture;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The customers Dollr's flow keeps through the providers' port are the documents order-service has always
 * stored in {@code mobileMoneyCustomers}: customers stored before the port moved to providers are still found,
 * and new ones are written in the same shape.
 */
class MobileMoneyCustomerStoreTest {

    private final MongoFixture mongo = new MongoFixture("customers");
    private final MobileMoneyCustomers customers = new MobileMoneyCustomerStore(mongo.template);

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void aCustomerStoredInTheExistingShapeIsFoundThroughThePort() {
        insert(new Document("_id", "dollr:231770000007").append("partyId", 41L).append("counterpartyId", 42)
                .append("method", "ORANGE_MONEY_LBR").append("gatewayProvider", "PAWAPAY").append("countryCode", "LR")
                .append("collectionAccountId", "43").append("payoutAccountId", null)
                .append("createdAt", Date.from(Instant.parse("2026-01-01T00:00:00Z"))));

        Customer found = customers.find(MobileMoneyCustomers.key("dollr", "231770000007")).orElseThrow();

        assertThat(found).isEqualTo(new Customer("dollr:231770000007", 41, 42, "ORANGE_MONEY_LBR", "PAWAPAY", "LR",
                "43", null));
        assertThat(customers.accountIfAbsent(found.key(), AccountUse.PAYOUT, "44")).isEqualTo("44");
        assertThat(customers.accountIfAbsent(found.key(), AccountUse.COLLECTION, "45")).isEqualTo("43");
    }

    @Test
    void aNewCustomerIsStoredInThatShapeAndTheFirstWriterWins() {
        Instant now = Instant.parse("2026-02-01T00:00:00Z");
        Customer first = new Customer("dollr:231770000001", 1, 2, "MTN_MOMO_LBR", "MTN_MOMO_LBR", "LR", null, null);
        Customer second = new Customer("dollr:231770000001", 3, 4, "MTN_MOMO_LBR", "MTN_MOMO_LBR", "LR", null, null);

        assertThat(customers.insertIfAbsent(first, now)).isEqualTo(first);
        assertThat(customers.insertIfAbsent(second, now)).isEqualTo(first);

        Document stored = Mono.from(mongo.template.getMongoDatabase().block()
                .getCollection(MobileMoneyCustomerStore.COLLECTION).find().first()).block();
        assertThat(stored).isEqualTo(new Document("_id", "dollr:231770000001").append("partyId", 1L)
                .append("counterpartyId", 2L).append("method", "MTN_MOMO_LBR").append("gatewayProvider", "MTN_MOMO_LBR")
                .append("countryCode", "LR").append("collectionAccountId", null).append("payoutAccountId", null)
                .append("createdAt", Date.from(now)));
        customers.forget(first.key(), 3);
        assertThat(customers.find(first.key())).contains(first);
        customers.forget(first.key(), 1);
        assertThat(customers.find(first.key())).isEmpty();
    }

    private void insert(Document document) {
        Mono.from(mongo.template.getMongoDatabase().block().getCollection(MobileMoneyCustomerStore.COLLECTION)
                .insertOne(document)).block();
    }
}
