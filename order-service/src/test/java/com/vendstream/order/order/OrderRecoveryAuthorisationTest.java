package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.OrderRejected;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.RejectionReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.order.OrderFixture;
import com.vendstream.wallet.WalletLedger.DebitResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Issue 11 item 14: an order that was not authorised can never be charged. An invalid checkout order is
 * stored REJECTED by its first write (no RECEIVED window for the recovery sweep), the sweep re-runs the
 * authorisation before charging an order a crash left RECEIVED, and a debit of nothing or of a negative
 * amount moves no money whoever asks for it.
 */
class OrderRecoveryAuthorisationTest {

    /** Keeps a copy of every document inserted, and can crash right after the insert (before the charge). */
    static final class RecordingStore extends OrderStore {
        final List<Document> inserted = new ArrayList<>();
        volatile boolean crashAfterInsert;

        RecordingStore(OrderFixture f) {
            super(f.mongo.template);
        }

        @Override
        public boolean insert(Document order) {
            inserted.add(Document.parse(order.toJson()));
            boolean done = super.insert(order);
            if (crashAfterInsert) {
                throw new IllegalStateException("crash between storing and charging");
            }
            return done;
        }
    }

    private final OrderFixture f = new OrderFixture();
    private final RecordingStore store = new RecordingStore(f);
    private final OrderPlacement placement = new OrderPlacement(store, f.catalog, f.wallets, f.merchants, f.relay,
            f.clock);

    @BeforeEach
    void wallets() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 1_000_000, null);
        f.walletStore.createIfAbsent("others", "m2", "MERCHANT", "NGN", 1_000_000, null);
        f.walletStore.createIfAbsent("pin", "m1", "CUSTOMER", "NGN", 1_000_000, f.walletOps.hashPin("1234"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anInvalidCheckoutOrderIsStoredRejectedWithItsEventInTheFirstWriteAndRecoveryLeavesItAlone() {
        OrderPlacement.Result result = placement.place(OrderFixture.airtime("m1", "bad-amount", 1_000, "w"), true);

        assertThat(store.inserted).hasSize(1);
        Document first = store.inserted.get(0);
        assertThat(first.getString("state")).isEqualTo("REJECTED");
        assertThat(first.get("rejection", Document.class).getString("code")).isEqualTo("AMOUNT_OUT_OF_RANGE");
        assertThat(first.getList("history", Document.class)).extracting(h -> h.getString("state"))
                .containsExactly("REJECTED");
        assertThat(first.getList("outbox", Document.class)).singleElement()
                .satisfies(e -> assertThat(e.getString("type")).isEqualTo(OrderRejected.class.getName()));
        assertThat(result.order().state()).isEqualTo(OrderState.REJECTED);

        placement.recover(Duration.ofSeconds(-60));
        assertThat(f.orders.find(result.order().orderId()).orElseThrow().state()).isEqualTo(OrderState.REJECTED);
        assertThat(balance("w")).isEqualTo(1_000_000);
        assertThat(outboxTypes(result.order().orderId())).containsExactly("OrderRejected");
    }

    @Test
    void anInvalidCheckoutEventWithAShapeProblemIsAlsoStoredRejectedFirst() {
        OrderRequest negative = new OrderRequest("m1", "negative", null, ServiceCategory.AIRTIME, "MTN", null,
                "08011111111", null, -5_000, "NGN", 1, PaymentMethod.WALLET, "w", null, null, "checkout");
        placement.place(negative, true, Optional.of(new Rejection(RejectionReason.INVALID_REQUEST, "bad")));
        assertThat(store.inserted).singleElement().satisfies(d -> assertThat(d.getString("state")).isEqualTo("REJECTED"));
        placement.recover(Duration.ofSeconds(-60));
        assertThat(balance("w")).isEqualTo(1_000_000);
    }

    @Test
    void recoveryDoesNotChargeAnOrderOnAnotherMerchantsWallet() {
        assertRecoveryRejects("r-others", new Document("payment.walletId", "others"), "UNKNOWN_WALLET");
        assertThat(balance("others")).isEqualTo(1_000_000);
    }

    @Test
    void recoveryDoesNotChargeANegativeAmountThatWouldCreditTheWallet() {
        assertRecoveryRejects("r-negative", new Document("line.amountMinor", -50_000L), "INVALID_REQUEST");
    }

    @Test
    void recoveryDoesNotChargeAnOrderOutsideTheCatalogue() {
        assertRecoveryRejects("r-catalogue", new Document("line.billerId", "NOSUCH"), "UNKNOWN_BILLER");
    }

    /**
     * An order of 50,000 on wallet "w" left RECEIVED by a crash, then changed as {@code tampering} says (what
     * an older version stored for an invalid checkout order): the sweep rejects it and charges nothing.
     */
    private void assertRecoveryRejects(String reference, Document tampering, String reason) {
        String orderId = crashedAfterInsert(OrderFixture.airtime("m1", reference, 50_000, "w"));
        tamper(orderId, tampering);

        placement.recover(Duration.ofSeconds(-60));

        assertThat(balance("w")).isEqualTo(1_000_000);
        assertThat(f.orders.find(orderId).orElseThrow().state()).isEqualTo(OrderState.REJECTED);
        assertThat(f.orders.find(orderId).orElseThrow().rejectionCode()).isEqualTo(reason);
    }

    @Test
    void aPinWalletOrderIsChargedByRecoveryOnlyIfItsPinWasCheckedBeforeItWasStored() {
        OrderRequest withPin = new OrderRequest("m1", "r-pin", null, ServiceCategory.AIRTIME, "MTN", null,
                "08011111111", null, 50_000, "NGN", 1, PaymentMethod.WALLET, "pin", "1234", null, "api");
        String authorised = crashedAfterInsert(withPin);
        assertThat(store.inserted.get(0).toJson()).doesNotContain("1234\"");

        // The same order as stored by a version that did not record the authorisation (or by a tampered write).
        OrderRequest unchecked = new OrderRequest("m1", "r-pin-unchecked", null, ServiceCategory.AIRTIME, "MTN",
                null, "08011111111", null, 70_000, "NGN", 1, PaymentMethod.WALLET, "pin", "1234", null, "api");
        String notAuthorised = crashedAfterInsert(unchecked);
        untamper(notAuthorised, "payment.authorisedAt");

        placement.recover(Duration.ofSeconds(-60));

        assertThat(f.orders.find(authorised).orElseThrow().state()).isEqualTo(OrderState.VENDING);
        assertThat(f.orders.find(notAuthorised).orElseThrow().state()).isEqualTo(OrderState.REJECTED);
        assertThat(f.orders.find(notAuthorised).orElseThrow().rejectionCode()).isEqualTo("WRONG_PIN");
        assertThat(balance("pin")).isEqualTo(950_000);
    }

    @Test
    void aDebitOfNothingOrOfANegativeAmountMovesNothing() {
        assertThat(f.wallets.debit("w", "zero", "NGN", 0)).isNotEqualTo(DebitResult.APPLIED);
        assertThat(f.wallets.debit("w", "negative", "NGN", -5_000)).isNotEqualTo(DebitResult.APPLIED);
        assertThatThrownBy(() -> f.walletStore.apply("w", "NGN", "credit-as-debit", "x", "DEBIT", 5_000, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.walletStore.apply("w", "NGN", "zero-debit", "x", "DEBIT", 0, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(balance("w")).isEqualTo(1_000_000);
        assertThat(f.walletStore.statement("w", null, null, 0, 10)).extracting(p -> p.kind()).containsExactly("OPENING");
    }

    /** Places an order whose process dies right after storing it: it is left RECEIVED for the sweep. */
    private String crashedAfterInsert(OrderRequest request) {
        store.crashAfterInsert = true;
        try {
            placement.place(request, false);
        } catch (IllegalStateException expected) {
            // the crash
        } finally {
            store.crashAfterInsert = false;
        }
        String orderId = f.orders.findByClientReference(request.merchantId(), request.clientReference()).orElseThrow()
                .orderId();
        assertThat(f.orders.find(orderId).orElseThrow().state()).isEqualTo(OrderState.RECEIVED);
        return orderId;
    }

    private void tamper(String orderId, Document set) {
        Mono.from(orders().updateOne(new Document("_id", orderId), new Document("$set", set))).block();
    }

    private void untamper(String orderId, String field) {
        Mono.from(orders().updateOne(new Document("_id", orderId), new Document("$unset", new Document(field, "")))).block();
    }

    private com.mongodb.reactivestreams.client.MongoCollection<Document> orders() {
        return f.mongo.template.getCollection(OrderStore.COLLECTION).block();
    }

    private long balance(String walletId) {
        return f.walletStore.find(walletId).orElseThrow().balanceMinor();
    }

    private List<String> outboxTypes(String orderId) {
        Document d = Mono.from(orders().find(new Document("_id", orderId)).first()).block();
        List<String> types = new ArrayList<>();
        for (Document entry : d.getList("outbox", Document.class)) {
            SpecificRecord event = EventCodec.decode(entry.getString("type"), entry.get("payload", Binary.class).getData());
            types.add(event.getClass().getSimpleName());
        }
        return types;
    }
}
