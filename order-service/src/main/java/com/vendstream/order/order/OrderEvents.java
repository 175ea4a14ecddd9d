package com.vendstream.order.order;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderRefunded;
import com.vendstream.events.OrderRejected;
import com.vendstream.events.RefundMethod;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;

/** The events order-service publishes, as outbox entries. */
public final class OrderEvents {

    public static final String SOURCE = "order-service";
    /** Output bindings (see order-service.yml): one per topic this service writes. */
    public static final String ORDERS = "orders-out";
    public static final String VEND_REQUESTS = "vendRequests-out";

    private OrderEvents() {
    }

    static Envelope envelope(Order order, Class<? extends SpecificRecord> type, String discriminator, Instant at,
                             String causationId) {
        return Envelopes.create(Envelopes.eventId(order.orderId(), type.getSimpleName(), discriminator), type,
                order.orderId(), at, order.businessDate(), order.merchantId(), SOURCE, order.correlationId(),
                causationId);
    }

    static OrderLine line(Order o) {
        return OrderLine.newBuilder().setService(o.service()).setBillerId(o.billerId()).setItemId(o.itemId())
                .setAccount(o.account()).setCustomerPhone(o.customerPhone())
                .setAmount(new Money(o.amountMinor(), o.currency())).setQuantity(o.quantity()).build();
    }

    static Document entry(String binding, Order order, SpecificRecord event, Envelope envelope) {
        return Outbox.entry(binding, order.orderId(), envelope.getEventId(), event);
    }

    static List<Document> accepted(Order o, String customerName, Instant at) {
        Envelope accepted = envelope(o, OrderAccepted.class, null, at, null);
        OrderAccepted a = OrderAccepted.newBuilder().setEnvelope(accepted).setClientReference(o.clientReference())
                .setLine(line(o)).setPaymentMethod(o.paymentMethod()).setWalletId(o.walletId())
                .setCustomerName(customerName).build();
        Envelope requested = envelope(o, VendRequested.class, null, at, accepted.getEventId());
        VendRequested r = VendRequested.newBuilder().setEnvelope(requested).setLine(line(o))
                .setCustomerName(customerName).build();
        return List.of(entry(ORDERS, o, a, accepted), entry(VEND_REQUESTS, o, r, requested));
    }

    static Document rejected(Order o, Rejection rejection, Instant at) {
        Envelope e = envelope(o, OrderRejected.class, null, at, null);
        OrderRejected r = OrderRejected.newBuilder().setEnvelope(e).setClientReference(o.clientReference())
                .setReasonCode(rejection.reason()).setReasonMessage(rejection.message()).build();
        return entry(ORDERS, o, r, e);
    }

    static Document completed(Order o, VendSucceeded s, Instant at) {
        Envelope e = envelope(o, OrderCompleted.class, null, at, s.getEnvelope().getEventId());
        VendRef v = s.getVend();
        OrderCompleted c = OrderCompleted.newBuilder().setEnvelope(e).setClientReference(o.clientReference())
                .setAmount(new Money(o.amountMinor(), o.currency())).setVend(v).setToken(s.getToken())
                .setUnits(s.getUnits()).setPins(s.getPins()).setReceipt(s.getReceipt() == null ? Map.of() : s.getReceipt())
                .build();
        return entry(ORDERS, o, c, e);
    }

    static Document refunded(Order o, RefundMethod method, String reason, String refundReference, Instant at,
                             String causationId) {
        Envelope e = envelope(o, OrderRefunded.class, null, at, causationId);
        OrderRefunded r = OrderRefunded.newBuilder().setEnvelope(e).setClientReference(o.clientReference())
                .setAmount(new Money(o.amountMinor(), o.currency())).setRefundMethod(method).setReason(reason)
                .setRefundReference(refundReference).build();
        return entry(ORDERS, o, r, e);
    }
}
