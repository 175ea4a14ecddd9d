package com.vendstream.order.order;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.RejectionReason;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.merchant.Merchants;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.order.wallet.Wallets;
import com.vendstream.order.wallet.Wallets.DebitResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places an order: checks it against the catalogue, stores it under the merchant's client
 * reference (the idempotency key), charges the payer, and queues OrderAccepted + VendRequested or
 * OrderRejected in the same document update.
 */
public class OrderPlacement {

    private static final Logger log = LoggerFactory.getLogger(OrderPlacement.class);

    public enum Outcome { CREATED, REPLAYED, CONFLICT, INVALID }

    /** @param rejection set for INVALID, and for a stored order that was rejected */
    public record Result(Outcome outcome, Order order, Rejection rejection) {
    }

    private final OrderStore store;
    private final Catalog catalog;
    private final Wallets wallets;
    private final Merchants merchants;
    private final OutboxTrigger relay;
    private final Clock clock;
    private final MobileMoneyPayments payments;

    public OrderPlacement(OrderStore store, Catalog catalog, Wallets wallets, Merchants merchants, OutboxTrigger relay,
                          Clock clock) {
        this(store, catalog, wallets, merchants, relay, clock, null);
    }

    /** @param payments null when no mobile-money gateway is configured */
    public OrderPlacement(OrderStore store, Catalog catalog, Wallets wallets, Merchants merchants, OutboxTrigger relay,
                          Clock clock, MobileMoneyPayments payments) {
        this.payments = payments;
        this.store = store;
        this.catalog = catalog;
        this.wallets = wallets;
        this.merchants = merchants;
        this.relay = relay;
        this.clock = clock;
    }

    /**
     * @param storeInvalid true for checkout events, whose invalid orders must still end in an
     *                     OrderRejected event; HTTP callers get the problem in the response instead
     */
    public Result place(OrderRequest request, boolean storeInvalid) {
        return place(request, storeInvalid, Optional.empty());
    }

    /** @param precheck a syntax problem the caller already found; the order is stored rejected with it */
    public Result place(OrderRequest request, boolean storeInvalid, Optional<Rejection> precheck) {
        Optional<Order> existing = store.findByClientReference(request.merchantId(), request.clientReference());
        if (existing.isPresent()) {
            return replay(existing.get(), request);
        }
        Optional<Rejection> invalid = precheck.isPresent() ? precheck : catalog.check(request);
        if (invalid.isEmpty() && request.paymentMethod() == PaymentMethod.WALLET) {
            invalid = wallets.authorise(request.walletId(), request.merchantId(), request.currency(), request.walletPin())
                    .map(OrderPlacement::rejectionFor);
        }
        if (invalid.isEmpty() && request.paymentMethod() == PaymentMethod.MOBILE_MONEY) {
            if (payments == null) {
                invalid = Optional.of(new Rejection(RejectionReason.INVALID_REQUEST,
                        "Mobile-money payment is not available"));
            } else if (request.payerPhone() == null || !request.payerPhone().matches("\\d{10,15}")) {
                invalid = Optional.of(new Rejection(RejectionReason.INVALID_REQUEST,
                        "payerPhone must be the payer's mobile-money number in E.164 digits without '+'"));
            }
        } else if (invalid.isEmpty() && request.paymentMethod() != PaymentMethod.WALLET) {
            invalid = Optional.of(new Rejection(RejectionReason.INVALID_REQUEST,
                    "Payment method " + request.paymentMethod() + " is not supported"));
        }
        if (invalid.isPresent() && !storeInvalid) {
            return new Result(Outcome.INVALID, null, invalid.get());
        }
        Instant now = clock.instant();
        String orderId = UUID.randomUUID().toString();
        Document doc = newOrder(orderId, request, now);
        if (!store.insert(doc)) {
            // Lost a race with a concurrent request using the same reference.
            return replay(store.findByClientReference(request.merchantId(), request.clientReference()).orElseThrow(),
                    request);
        }
        Order order = OrderStore.toOrder(doc);
        if (invalid.isPresent()) {
            reject(order, invalid.get());
        } else if (order.paymentMethod() == PaymentMethod.MOBILE_MONEY) {
            payments.collect(order);
        } else {
            charge(order);
        }
        relay.relay(OrderStore.COLLECTION, orderId);
        Order stored = store.find(orderId).orElseThrow();
        return new Result(Outcome.CREATED, stored, stored.state() == OrderState.REJECTED
                ? new Rejection(RejectionReason.valueOf(stored.rejectionCode()), stored.rejectionMessage()) : null);
    }

    private Result replay(Order existing, OrderRequest request) {
        if (!existing.fingerprint().equals(request.fingerprint())) {
            return new Result(Outcome.CONFLICT, existing, new Rejection(RejectionReason.DUPLICATE_REFERENCE_CONFLICT,
                    "Client reference " + request.clientReference() + " was already used for a different order"));
        }
        return new Result(Outcome.REPLAYED, existing, existing.state() == OrderState.REJECTED
                ? new Rejection(RejectionReason.valueOf(existing.rejectionCode()), existing.rejectionMessage()) : null);
    }

    /**
     * Charges the payer and moves the order on. Safe to repeat: the debit is idempotent per order,
     * so the recovery sweep calls this for orders a crash left in RECEIVED.
     */
    public void charge(Order order) {
        DebitResult debit = wallets.debit(order.walletId(), order.orderId(), order.currency(), order.amountMinor());
        // A refusal is made final only once the debit can no longer land: the request and the recovery
        // sweep may both be charging this order, and a rejected order must never keep the money.
        if (debit == DebitResult.APPLIED || (order.walletId() != null
                && !wallets.fenceDebit(order.walletId(), order.orderId()))) {
            store.transition(order.orderId(), EnumSet.of(OrderState.RECEIVED), OrderState.VENDING, new Document(),
                    OrderEvents.accepted(order, null, clock.instant()), null);
        } else {
            reject(order, rejectionFor(debit));
        }
    }

    private void reject(Order order, Rejection rejection) {
        store.transition(order.orderId(), EnumSet.of(OrderState.RECEIVED), OrderState.REJECTED,
                new Document("rejection", new Document("code", rejection.reason().name())
                        .append("message", rejection.message())),
                List.of(OrderEvents.rejected(order, rejection, clock.instant())), null);
        log.info("Order {} rejected: {}", order.orderId(), rejection.reason());
    }

    /**
     * Re-drives orders a crash left between storing and charging, and collections left without a call
     * or a PaymentPending. Reaches every such order (paging, the filter in the query); one that cannot
     * move is deferred with its reason rather than tried again at once. Returns how many moved on.
     */
    public int recover(Duration olderThan) {
        Instant now = clock.instant();
        Instant before = now.minus(olderThan);
        int moved = RecoverySweep.run(store, OrderState.RECEIVED, new Document(), before, now, o -> {
            if (o.paymentMethod() == PaymentMethod.MOBILE_MONEY) {
                if (payments == null) {
                    return Optional.of(BlockedReason.NO_MOBILE_MONEY);
                }
                payments.recover(o);
            } else {
                charge(o);
            }
            relay.relay(OrderStore.COLLECTION, o.orderId());
            return Optional.empty();
        });
        // Collections already followed by status-poller (pendingAt set) are not the sweep's work.
        moved += RecoverySweep.run(store, OrderState.AWAITING_PAYMENT, new Document("payment.pendingAt", null), before,
                now, o -> {
                    if (payments == null) {
                        return Optional.of(BlockedReason.NO_MOBILE_MONEY);
                    }
                    payments.recover(o);
                    return Optional.empty();
                });
        return moved;
    }

    static Rejection rejectionFor(DebitResult result) {
        return switch (result) {
            case INSUFFICIENT_FUNDS -> new Rejection(RejectionReason.INSUFFICIENT_FUNDS, "The wallet balance is too low");
            case UNKNOWN_WALLET, NOT_OWNER -> new Rejection(RejectionReason.UNKNOWN_WALLET, "No such wallet");
            case CURRENCY_MISMATCH -> new Rejection(RejectionReason.UNSUPPORTED_CURRENCY,
                    "The wallet holds another currency");
            case LOCKED -> new Rejection(RejectionReason.WALLET_LOCKED,
                    "The wallet is locked after too many wrong PINs; try again later");
            case WRONG_PIN -> new Rejection(RejectionReason.WRONG_PIN, "Wrong wallet PIN");
            case PIN_REQUIRED -> new Rejection(RejectionReason.WRONG_PIN, "This wallet needs its PIN");
            case APPLIED -> throw new IllegalArgumentException("not a rejection");
        };
    }

    private Document newOrder(String orderId, OrderRequest r, Instant now) {
        Document line = new Document("service", r.service().name()).append("billerId", r.billerId())
                .append("itemId", r.itemId()).append("account", r.account()).append("customerPhone", r.customerPhone())
                .append("amountMinor", r.amountMinor()).append("currency", r.currency())
                .append("quantity", r.quantity());
        Document payment = new Document("method", r.paymentMethod().name()).append("walletId", r.walletId())
                .append("payerPhone", r.payerPhone())
                // Generated and stored before any call, so a lost reply can be followed by this reference.
                .append("referenceId", r.paymentMethod() == PaymentMethod.MOBILE_MONEY
                        ? MobileMoneyPayments.newReference() : null)
                .append("payoutReference", null);
        return new Document("_id", orderId).append("merchantId", r.merchantId())
                .append("clientReference", r.clientReference()).append("subMerchantId", r.subMerchantId())
                .append("fingerprint", r.fingerprint()).append("state", OrderState.RECEIVED.name())
                .append("line", line).append("payment", payment).append("channel", r.channel())
                .append("createdAt", Date.from(now)).append("updatedAt", Date.from(now))
                .append("businessDate", merchants.businessDate(r.merchantId(), now).toString())
                .append("correlationId", orderId).append("appliedEvents", List.of())
                .append("history", List.of(new Document("state", OrderState.RECEIVED.name()).append("at", Date.from(now))))
                .append("outbox", List.of());
    }
}
