package com.vendstream.order.order;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.RefundMethod;
import com.vendstream.events.VendSucceeded;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.wallet.WalletLedger;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The money-moving transitions after a vend: completion keeps the debit; a failure refunds it
 * exactly once, in two steps (mark REFUNDING, credit the wallet idempotently, mark REFUNDED) so a
 * crash between them is finished by the recovery sweep rather than repeated. REFUNDED means the money
 * is back: a refund that could not be made leaves the order REFUNDING, deferred, counted and retried.
 */
public class OrderTransitions {

    private static final Logger log = LoggerFactory.getLogger(OrderTransitions.class);

    private final OrderStore store;
    private final WalletLedger wallets;
    private final Clock clock;

    private MobileMoneyPayments payments;

    public OrderTransitions(OrderStore store, WalletLedger wallets, Clock clock) {
        this.store = store;
        this.wallets = wallets;
        this.clock = clock;
    }

    public boolean complete(Order order, VendSucceeded s) {
        return store.write(completion(order, null, s));
    }

    /**
     * The guarded change that completes an order with the vend's delivery and its OrderCompleted, from any
     * state awaiting an outcome or only from {@code in} (the state a batch expects it in): written alone
     * ({@link #complete}) or with other orders' changes (outcome batches).
     */
    public OrderStore.Transition completion(Order order, OrderState in, VendSucceeded s) {
        Fields fields = Fields.of("vend.provider", s.getVend().getProvider())
                .and("vend.providerReference", s.getVend().getProviderReference())
                .and("vend.providerTransactionId", s.getVend().getProviderTransactionId())
                .and("vend.token", s.getToken()).and("vend.units", s.getUnits())
                .and("vend.pins", s.getPins()).and("vend.receipt",
                        s.getReceipt() == null ? java.util.Map.of() : new java.util.HashMap<String, Object>(s.getReceipt()));
        return new OrderStore.Transition(order.orderId(), OrderLifecycle.VEND_SUCCEEDED, in, fields,
                List.of(OrderEvents.completed(order, s, clock.instant())), s.getEnvelope().getEventId(), null);
    }

    public boolean startRefund(Order order, String causeEventId, String reason, RefundMethod method) {
        return startRefund(order, causeEventId, reason, method, Fields.none());
    }

    /** @param vendFields the failed vend's provider and reference, kept on the order */
    public boolean startRefund(Order order, String causeEventId, String reason, RefundMethod method,
                               Fields vendFields) {
        Fields fields = vendFields.and("failureReason", reason).and("refundCause", causeEventId)
                .and("refundMethod", method.name());
        boolean moved = store.transition(order.orderId(), OrderLifecycle.VEND_FAILED, fields, List.of(), causeEventId);
        if (moved) {
            finishRefund(store.find(order.orderId()).orElseThrow()).ifPresent(blocked ->
                    store.defer(order.orderId(), OrderState.REFUNDING, blocked, clock.instant()));
        }
        return moved;
    }

    /** Mobile-money orders are paid back by payout instead of a wallet credit. */
    public void usePayouts(MobileMoneyPayments payments) {
        this.payments = payments;
    }

    /**
     * Gives a REFUNDING order's money back and marks it REFUNDED only once that is confirmed: the credit
     * posting applied to the wallet the order was debited from, or a payout the provider completed.
     * Otherwise the order stays REFUNDING and the reason is returned (the caller defers it; the recovery
     * sweep tries again). A mobile-money order is never credited to a wallet: it has none.
     */
    public Optional<BlockedReason> finishRefund(Order order) {
        if (order.paymentMethod() == PaymentMethod.MOBILE_MONEY) {
            if (payments == null) {
                log.warn("Order {} cannot be paid back: no mobile-money gateway is configured", order.orderId());
                return Optional.of(BlockedReason.NO_MOBILE_MONEY);
            }
            return payments.payout(order);
        }
        WalletLedger.CreditResult credit = wallets.refund(order.walletId(), order.orderId(), order.currency(),
                order.amountMinor());
        if (credit != WalletLedger.CreditResult.APPLIED) {
            log.warn("Refund of order {} not applied: {}", order.orderId(), credit);
            return Optional.of(BlockedReason.WALLET_CREDIT_REFUSED);
        }
        store.transition(order.orderId(), OrderLifecycle.REFUND_CREDITED, Fields.none(),
                List.of(OrderEvents.refunded(order, RefundMethod.WALLET_CREDIT, order.failureReason(),
                        WalletLedger.refundOp(order.orderId()), clock.instant(), null)), null);
        return Optional.empty();
    }
}
