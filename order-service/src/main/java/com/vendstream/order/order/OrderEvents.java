package com.vendstream.order.order;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderRefunded;
import com.vendstream.events.OrderRejected;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.RefundMethod;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** The events order-service publishes, as outbox entries. */
public final class OrderEvents {

    public static final String SOURCE = "order-service";
    /** Output bindings (see order-service.yml): one per topic this service writes. */
    public static final String ORDERS = "orders-out";
    public static final String VEND_REQUESTS = "vendRequests-out";
    public static final String PAYMENTS = "payments-out";

    private OrderEvents() {
    }

    static Envelope envelope(Order order, Class<? extends SpecificRecord> type, String discriminator, Instant at,
                             String causationId) {
        return Envelopes.create(Envelopes.eventId(order.orderId(), type.getSimpleName(), discriminator), type,
                order.orderId(), at, order.businessDate(), order.merchantId(), SOURCE, order.correlationId(),
                causationId);
    }

    /** The line as vend-service needs it: the account in full, for the provider. */
    static OrderLine line(Order o) {
        return line(o, o.account(), o.customerPhone());
    }

    /** The line as merchants' checkout systems see it on the orders topic: account and phone masked. */
    static OrderLine merchantLine(Order o) {
        return line(o, AccountMasking.account(o.account()), AccountMasking.account(o.customerPhone()));
    }

    private static OrderLine line(Order o, String account, String customerPhone) {
        return OrderLine.newBuilder().setService(o.service()).setBillerId(o.billerId()).setItemId(o.itemId())
                .setAccount(account).setCustomerPhone(customerPhone)
                .setAmount(new Money(o.amountMinor(), o.currency())).setQuantity(o.quantity()).build();
    }

    static OutboxEntry entry(String binding, Order order, SpecificRecord event, Envelope envelope) {
        return new OutboxEntry(binding, order.orderId(), envelope.getEventId(), event);
    }

    public static List<OutboxEntry> accepted(Order o, String customerName, Instant at) {
        Envelope accepted = envelope(o, OrderAccepted.class, null, at, null);
        OrderAccepted a = OrderAccepted.newBuilder().setEnvelope(accepted).setClientReference(o.clientReference())
                .setLine(merchantLine(o)).setPaymentMethod(o.paymentMethod()).setWalletId(o.walletId())
                .setCustomerName(customerName).build();
        return List.of(entry(ORDERS, o, a, accepted), vendRequested(o, customerName, at));
    }

    /**
     * The order's one VendRequested (its id derived from the order alone): queued with OrderAccepted, and
     * the same event again when the order is asked about ({@link OrderStore#remind}).
     */
    public static OutboxEntry vendRequested(Order o, String customerName, Instant at) {
        Envelope requested = envelope(o, VendRequested.class, null, at,
                Envelopes.eventId(o.orderId(), OrderAccepted.class.getSimpleName(), null));
        VendRequested r = VendRequested.newBuilder().setEnvelope(requested).setLine(line(o))
                .setCustomerName(customerName).build();
        return entry(VEND_REQUESTS, o, r, requested);
    }

    public static OutboxEntry paymentPending(Order o, PaymentKind kind, String provider, String referenceId, String sessionId,
                                   Instant at) {
        Envelope e = envelope(o, PaymentPending.class, referenceId, at, null);
        PaymentPending p = PaymentPending.newBuilder().setEnvelope(e).setProvider(provider).setKind(kind)
                .setReferenceId(referenceId).setAmount(new Money(o.amountMinor(), o.currency())).setSessionId(sessionId)
                .build();
        return entry(PAYMENTS, o, p, e);
    }

    public static OutboxEntry paymentCollected(Order o, String provider, String referenceId, String providerTransactionId,
                                     Long feeMinor, Instant at) {
        Envelope e = envelope(o, PaymentCollected.class, referenceId, at, null);
        PaymentCollected p = PaymentCollected.newBuilder().setEnvelope(e).setProvider(provider)
                .setReferenceId(referenceId).setAmount(new Money(o.amountMinor(), o.currency()))
                .setFee(feeMinor == null ? null : new Money(feeMinor, o.currency()))
                .setProviderTransactionId(providerTransactionId).build();
        return entry(PAYMENTS, o, p, e);
    }

    public static OutboxEntry paymentFailed(Order o, String provider, String referenceId, String reason, Instant at) {
        Envelope e = envelope(o, PaymentFailed.class, referenceId, at, null);
        PaymentFailed p = PaymentFailed.newBuilder().setEnvelope(e).setProvider(provider).setReferenceId(referenceId)
                .setAmount(new Money(o.amountMinor(), o.currency())).setReason(reason).build();
        return entry(PAYMENTS, o, p, e);
    }

    public static OutboxEntry payoutSucceeded(Order o, String provider, String referenceId, Instant at) {
        Envelope e = envelope(o, PayoutSucceeded.class, referenceId, at, null);
        PayoutSucceeded p = PayoutSucceeded.newBuilder().setEnvelope(e).setProvider(provider).setReferenceId(referenceId)
                .setAmount(new Money(o.amountMinor(), o.currency())).build();
        return entry(PAYMENTS, o, p, e);
    }

    public static OutboxEntry payoutFailed(Order o, String provider, String referenceId, String reason, Instant at) {
        Envelope e = envelope(o, PayoutFailed.class, referenceId, at, null);
        PayoutFailed p = PayoutFailed.newBuilder().setEnvelope(e).setProvider(provider).setReferenceId(referenceId)
                .setAmount(new Money(o.amountMinor(), o.currency())).setReason(reason).build();
        return entry(PAYMENTS, o, p, e);
    }

    public static OutboxEntry refundedByPayout(Order o, String payoutReference, Instant at) {
        return refunded(o, RefundMethod.MOBILE_MONEY_PAYOUT, o.failureReason(), payoutReference, at, null);
    }

    public static OutboxEntry rejected(Order o, Rejection rejection, Instant at) {
        Envelope e = envelope(o, OrderRejected.class, null, at, null);
        OrderRejected r = OrderRejected.newBuilder().setEnvelope(e).setClientReference(o.clientReference())
                .setReasonCode(rejection.reason()).setReasonMessage(AccountMasking.rejectionMessage(
                        rejection.reason().name(), rejection.message(), o.account(), o.customerPhone(), o.payerPhone()))
                .build();
        return entry(ORDERS, o, r, e);
    }

    static OutboxEntry completed(Order o, VendSucceeded s, Instant at) {
        Envelope e = envelope(o, OrderCompleted.class, null, at, s.getEnvelope().getEventId());
        VendRef v = s.getVend();
        OrderCompleted c = OrderCompleted.newBuilder().setEnvelope(e).setClientReference(o.clientReference())
                .setAmount(new Money(o.amountMinor(), o.currency())).setVend(v).setToken(s.getToken())
                .setUnits(s.getUnits()).setPins(s.getPins())
                .setReceipt(AccountMasking.fields(s.getReceipt(), o.account(), o.customerPhone())).build();
        return entry(ORDERS, o, c, e);
    }

    static OutboxEntry refunded(Order o, RefundMethod method, String reason, String refundReference, Instant at,
                             String causationId) {
        Envelope e = envelope(o, OrderRefunded.class, null, at, causationId);
        OrderRefunded r = OrderRefunded.newBuilder().setEnvelope(e).setClientReference(o.clientReference())
                .setAmount(new Money(o.amountMinor(), o.currency())).setRefundMethod(method)
                .setReason(AccountMasking.text(reason, o.account(), o.customerPhone()))
                .setRefundReference(refundReference).build();
        return entry(ORDERS, o, r, e);
    }
}
