package com.vendstream.order.order;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.RejectionReason;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.merchant.Merchants;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.wallet.WalletLedger;
import com.vendstream.wallet.WalletLedger.DebitResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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

    /** Set on an order stored after its checks and its payer's authorisation (PIN included) passed. */
    static final String AUTHORISED_AT = "payment.authorisedAt";

    private final OrderStore store;
    private final Catalog catalog;
    private final WalletLedger wallets;
    private final Merchants merchants;
    private final OutboxTrigger relay;
    private final Clock clock;
    private final MobileMoneyPayments payments;

    public OrderPlacement(OrderStore store, Catalog catalog, WalletLedger wallets, Merchants merchants, OutboxTrigger relay,
                          Clock clock) {
        this(store, catalog, wallets, merchants, relay, clock, null);
    }

    /** @param payments null when no mobile-money gateway is configured */
    public OrderPlacement(OrderStore store, Catalog catalog, WalletLedger wallets, Merchants merchants, OutboxTrigger relay,
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

    /**
     * @param precheck a problem the caller already found (a checkout event's shape, judged on its own client
     *                 reference); the order is stored rejected with it
     */
    public Result place(OrderRequest request, boolean storeInvalid, Optional<Rejection> precheck) {
        Optional<Order> existing = store.findByClientReference(request.merchantId(), request.clientReference());
        if (existing.isPresent()) {
            return replay(existing.get(), request);
        }
        Optional<Rejection> invalid = precheck.isPresent() ? precheck : check(request);
        if (invalid.isEmpty() && request.paymentMethod() == PaymentMethod.WALLET) {
            invalid = wallets.authorise(request.walletId(), request.merchantId(), request.currency(), request.walletPin())
                    .map(OrderPlacement::rejectionFor);
        }
        if (invalid.isPresent() && !storeInvalid) {
            return new Result(Outcome.INVALID, null, invalid.get());
        }
        Instant now = clock.instant();
        String orderId = UUID.randomUUID().toString();
        // An invalid order is stored REJECTED, with its OrderRejected, by this one write: stored RECEIVED first, a
        // crash or a slow insert would leave it for the recovery sweep to charge.
        Rejection rejection = invalid.orElse(null);
        // A collection's reference is generated and stored before any call, so a lost reply can be followed by it.
        // A valid order's payer (owner, lock, PIN) was authorised: it is stored marked so, for the recovery sweep.
        Optional<Order> inserted = store.insert(orderId, request, now,
                merchants.businessDate(request.merchantId(), now),
                request.paymentMethod() == PaymentMethod.MOBILE_MONEY ? MobileMoneyPayments.newReference() : null,
                rejection, o -> List.of(OrderEvents.rejected(o, rejection, now)));
        if (inserted.isEmpty()) {
            // Lost a race with a concurrent request using the same reference.
            return replay(store.findByClientReference(request.merchantId(), request.clientReference()).orElseThrow(),
                    request);
        }
        Order order = inserted.get();
        if (invalid.isPresent()) {
            log.info("Order {} rejected: {}", orderId, invalid.get().reason());
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

    /**
     * Everything about an order but the payer's PIN: its shape (the same rules for both intakes), the
     * catalogue (biller, item, amount, the account's form for the biller) and whether its payment method
     * can be used here. Empty when the order may be charged once the payer is authorised.
     */
    private Optional<Rejection> check(OrderRequest request) {
        List<String> problems = OrderValidation.problems(request);
        if (!problems.isEmpty()) {
            return Optional.of(new Rejection(RejectionReason.INVALID_REQUEST, String.join("; ", problems)));
        }
        if (request.paymentMethod() == PaymentMethod.MOBILE_MONEY && payments == null) {
            return Optional.of(new Rejection(RejectionReason.INVALID_REQUEST, "Mobile-money payment is not available"));
        }
        return catalog.check(request);
    }

    /**
     * The answer to a request whose client reference is stored already (REPLAYED, or CONFLICT for another body),
     * without placing anything: one read by the unique index. Empty when the reference is new.
     */
    public Optional<Result> replayOf(OrderRequest request) {
        return store.findByClientReference(request.merchantId(), request.clientReference())
                .map(existing -> replay(existing, request));
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
     * so the recovery sweep calls this (after {@link #reauthorise}) for orders a crash left in RECEIVED.
     */
    public void charge(Order order) {
        DebitResult debit = wallets.debit(order.walletId(), order.orderId(), order.currency(), order.amountMinor());
        if (debit == DebitResult.APPLIED) {
            accept(order);
        } else {
            refuse(order, rejectionFor(debit));
        }
    }

    private void accept(Order order) {
        store.transition(order.orderId(), OrderLifecycle.PAID_FROM_WALLET, Fields.none(),
                OrderEvents.accepted(order, null, clock.instant()), null);
    }

    /**
     * Refuses an order not charged yet. A refusal is made final only once the debit can no longer land: the
     * request and the recovery sweep may both be driving this order, and a rejected order must never keep
     * the money. If the other driver's debit did land, the order was authorised and goes on.
     */
    private void refuse(Order order, Rejection rejection) {
        if (order.paymentMethod() == PaymentMethod.WALLET && order.walletId() != null
                && !wallets.fenceDebit(order.walletId(), order.orderId())) {
            accept(order);
        } else {
            reject(order, rejection);
        }
    }

    private void reject(Order order, Rejection rejection) {
        store.transition(order.orderId(), OrderLifecycle.REFUSED,
                Fields.of("rejection", rejection.fields()),
                List.of(OrderEvents.rejected(order, rejection, clock.instant())), null);
        log.info("Order {} rejected: {}", order.orderId(), rejection.reason());
    }

    /**
     * Re-drives orders a crash left between storing and charging, collections left without a call
     * or a PaymentPending, and payouts of collections that completed after a rejection. Reaches every
     * such order (paging, the filter in the query); one that cannot move is deferred with its reason
     * rather than tried again at once. Returns how many moved on.
     */
    public int recover(Duration olderThan) {
        Instant now = clock.instant();
        Instant before = now.minus(olderThan);
        int moved = RecoverySweep.run(store, OrderState.RECEIVED, OrderStore.Backlog.ALL, before, now, o -> {
            if (o.paymentMethod() == PaymentMethod.MOBILE_MONEY && payments == null) {
                return Optional.of(BlockedReason.NO_MOBILE_MONEY);
            }
            resume(o);
            relay.relay(OrderStore.COLLECTION, o.orderId());
            return Optional.empty();
        });
        // Collections already followed by status-poller (pendingAt set) are not the sweep's work, nor are those
        // whose call may still be under way (a throttled gateway can hold one call past recovery-after).
        moved += RecoverySweep.run(store, OrderState.AWAITING_PAYMENT, OrderStore.Backlog.UNFOLLOWED_COLLECTIONS, before,
                now, o -> {
            if (payments == null) {
                return Optional.of(BlockedReason.NO_MOBILE_MONEY);
            }
            payments.recover(o);
            return Optional.empty();
        });
        if (payments != null) {
            // Collections that completed after their order was rejected, until their payout is confirmed.
            moved += payments.recoverReturns(before, now);
            // Collections status-poller follows but has said nothing about for a while: asked about again.
            payments.remindCollections(now);
        }
        return moved;
    }

    /**
     * Charges (or collects for) an order found RECEIVED, after authorising it again: whatever wrote it, an
     * order is never charged on the strength of its being stored.
     */
    private void resume(Order order) {
        Optional<Rejection> refused = reauthorise(order);
        if (refused.isPresent()) {
            refuse(order, refused.get());
        } else if (order.paymentMethod() == PaymentMethod.MOBILE_MONEY) {
            payments.recover(order);
        } else {
            charge(order);
        }
    }

    /**
     * The placement's checks over the stored order (shape and amount sign, catalogue, the wallet's owner,
     * currency and lock). The PIN is not stored, so it is not checked again: a PIN wallet is charged only for
     * an order stored with the mark that its payer was authorised ({@value #AUTHORISED_AT}).
     */
    private Optional<Rejection> reauthorise(Order order) {
        OrderRequest request = new OrderRequest(order.merchantId(), order.clientReference(), order.subMerchantId(),
                order.service(), order.billerId(), order.itemId(), order.account(), order.customerPhone(),
                order.amountMinor(), order.currency(), order.quantity(), order.paymentMethod(), order.walletId(), null,
                order.payerPhone(), order.channel());
        Optional<Rejection> invalid = check(request);
        if (invalid.isEmpty() && order.paymentMethod() == PaymentMethod.WALLET) {
            invalid = wallets.reauthorise(order.walletId(), order.merchantId(), order.currency(),
                    store.hasField(order.orderId(), AUTHORISED_AT)).map(OrderPlacement::rejectionFor);
        }
        return invalid;
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
            case INVALID_AMOUNT -> new Rejection(RejectionReason.AMOUNT_OUT_OF_RANGE, "The amount must be positive");
            case APPLIED -> throw new IllegalArgumentException("not a rejection");
        };
    }
}
