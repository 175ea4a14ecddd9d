package com.vendstream.order.order;

import com.vendstream.events.RefundMethod;
import com.vendstream.events.VendSucceeded;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.order.wallet.Wallets;
import java.time.Clock;
import java.util.List;
import org.bson.Document;

/**
 * The money-moving transitions after a vend: completion keeps the debit; a failure refunds it
 * exactly once, in two steps (mark REFUNDING, credit the wallet idempotently, mark REFUNDED) so a
 * crash between them is finished by the recovery sweep rather than repeated.
 */
public class OrderTransitions {

    private final OrderStore store;
    private final Wallets wallets;
    private final Clock clock;

    private MobileMoneyPayments payments;

    public OrderTransitions(OrderStore store, Wallets wallets, Clock clock) {
        this.store = store;
        this.wallets = wallets;
        this.clock = clock;
    }

    public boolean complete(Order order, VendSucceeded s) {
        Document fields = new Document("vend.provider", s.getVend().getProvider())
                .append("vend.providerReference", s.getVend().getProviderReference())
                .append("vend.providerTransactionId", s.getVend().getProviderTransactionId())
                .append("vend.token", s.getToken()).append("vend.units", s.getUnits())
                .append("vend.pins", s.getPins()).append("vend.receipt", new Document(
                        s.getReceipt() == null ? java.util.Map.of() : new java.util.HashMap<String, Object>(s.getReceipt())));
        return store.transition(order.orderId(), OrderState.AWAITING_OUTCOME, OrderState.COMPLETED, fields,
                List.of(OrderEvents.completed(order, s, clock.instant())), s.getEnvelope().getEventId());
    }

    public boolean startRefund(Order order, String causeEventId, String reason, RefundMethod method) {
        return startRefund(order, causeEventId, reason, method, new Document());
    }

    /** @param vendFields the failed vend's provider and reference, kept on the order */
    public boolean startRefund(Order order, String causeEventId, String reason, RefundMethod method,
                               Document vendFields) {
        Document fields = new Document(vendFields).append("failureReason", reason).append("refundCause", causeEventId)
                .append("refundMethod", method.name());
        boolean moved = store.transition(order.orderId(), OrderState.AWAITING_OUTCOME, OrderState.REFUNDING,
                fields, List.of(), causeEventId);
        if (moved) {
            finishRefund(store.find(order.orderId()).orElseThrow());
        }
        return moved;
    }

    /** Mobile-money orders are paid back by payout instead of a wallet credit. */
    public void usePayouts(MobileMoneyPayments payments) {
        this.payments = payments;
    }

    public void finishRefund(Order order) {
        if (order.paymentMethod() == com.vendstream.events.PaymentMethod.MOBILE_MONEY && payments != null) {
            payments.payout(order);
            return;
        }
        String posting = wallets.refund(order.walletId(), order.orderId(), order.currency(), order.amountMinor());
        store.transition(order.orderId(), List.of(OrderState.REFUNDING), OrderState.REFUNDED, new Document(),
                List.of(OrderEvents.refunded(order, RefundMethod.WALLET_CREDIT, order.failureReason(), posting,
                        clock.instant(), null)), null);
    }
}
