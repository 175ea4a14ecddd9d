package com.vendstream.order;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.catalog.CatalogProperties;
import com.vendstream.order.merchant.MerchantProperties;
import com.vendstream.order.merchant.Merchants;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.OrderTransitions;
import com.vendstream.order.outcome.OrderOutcomes;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.wallet.MongoWalletLedger;
import com.vendstream.wallet.WalletLedger;
import com.vendstream.wallet.WalletStore;
import com.vendstream.wallet.WalletTransfers;
import com.vendstream.wallet.Wallets;
import com.vendstream.testkit.MongoFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** order-service's domain wired by hand over an in-memory MongoDB wire store; outbox publishing is not exercised here. */
public final class OrderFixture implements AutoCloseable {

    /** The in-memory store, or null when the fixture runs on a store of the caller's. */
    public final MongoFixture mongo;
    private final ReactiveMongoTemplate template;
    public final OrderStore orders;
    public final WalletStore walletStore;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final Clock clock = Clock.systemUTC();
    /** The ledger's operations (PIN hashes, and what a test's own WalletTransfers needs). */
    public final Wallets walletOps;
    /** The port the order code uses, as order-service wires it. */
    public final WalletLedger wallets;
    public final Merchants merchants = new Merchants(List.of(
            new MerchantProperties.Merchant("m1", "Merchant one", Merchants.sha256("key-1"), "Africa/Lagos", List.of()),
            new MerchantProperties.Merchant("m2", "Merchant two", Merchants.sha256("key-2"), "UTC", List.of())));
    public final Catalog catalog = new Catalog(new CatalogProperties(List.of(
            new CatalogProperties.Biller("MTN", ServiceCategory.AIRTIME, "MTN", "NGN", "PHONE", 5000L, 5000000L,
                    List.of("vtpass"), List.of(), List.of()),
            new CatalogProperties.Biller("DSTV", ServiceCategory.CABLE_TV, "DSTV", "NGN", "SMARTCARD", null, null,
                    List.of("vtpass"), List.of(new CatalogProperties.Item("dstv-padi", "Padi", 290000L, null, null)),
                    List.of()))));
    public final OutboxTrigger relay = (collection, id) -> { };
    public final OrderTransitions transitions;
    public final OrderPlacement placement;
    public final OrderOutcomes outcomes;

    public OrderFixture() {
        this(new MongoFixture("vendstream"));
    }

    /** The domain over a store of the caller's (a benchmark's durable store process). */
    public OrderFixture(ReactiveMongoTemplate template) {
        this(null, template);
    }

    private OrderFixture(MongoFixture mongo) {
        this(mongo, mongo.template);
    }

    private OrderFixture(MongoFixture mongo, ReactiveMongoTemplate template) {
        this.mongo = mongo;
        this.template = template;
        orders = new OrderStore(template);
        walletStore = new WalletStore(template);
        walletOps = new Wallets(walletStore, new BCryptPasswordEncoder(4), clock, 5, Duration.ofMinutes(30), meters);
        wallets = ledger(walletStore, walletOps);
        transitions = new OrderTransitions(orders, wallets, clock);
        placement = new OrderPlacement(orders, catalog, wallets, merchants, relay, clock);
        outcomes = new OrderOutcomes(orders, transitions, relay, meters, clock);
        orders.ensureIndexes();
        walletStore.ensureIndexes();
    }

    /** The ledger over {@code store} with other wallet operations built on it (a test's crashing or racing ones). */
    public WalletLedger ledger(WalletStore store, Wallets operations) {
        return new MongoWalletLedger(store, operations, new WalletTransfers(template, store, operations, clock));
    }

    /** The ledger over this fixture's store with other top-up handling (a test's crashing one). */
    public WalletLedger ledger(WalletTransfers transfers) {
        return new MongoWalletLedger(walletStore, walletOps, transfers);
    }

    /** Mobile-money payments through {@code gateway}, which also pay failed orders back from now on. */
    public MobileMoneyPayments mobileMoney(MobileMoneyGateway gateway) {
        MobileMoneyPayments payments = new MobileMoneyPayments(orders, gateway, relay, meters, clock);
        transitions.usePayouts(payments);
        return payments;
    }

    /** Placement that takes mobile-money orders through {@code payments}. */
    public OrderPlacement placement(MobileMoneyPayments payments) {
        return new OrderPlacement(orders, catalog, wallets, merchants, relay, clock, payments);
    }

    /** Airtime for merchant m1, paid by mobile money. */
    public static OrderRequest momo(String reference) {
        return new OrderRequest("m1", reference, null, ServiceCategory.AIRTIME, "MTN", null, "08011111111", null,
                50_000, "NGN", 1, PaymentMethod.MOBILE_MONEY, null, null, "231770000001", "api");
    }

    public static OrderRequest airtime(String merchant, String reference, long amountMinor, String walletId) {
        return new OrderRequest(merchant, reference, null, ServiceCategory.AIRTIME, "MTN", null, "08011111111",
                "08011111111", amountMinor, "NGN", 1, PaymentMethod.WALLET, walletId, null, null, "api");
    }

    @Override
    public void close() {
        if (mongo != null) {
            mongo.close();
        }
    }
}
