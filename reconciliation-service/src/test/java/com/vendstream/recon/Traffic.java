package com.vendstream.recon;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderRefunded;
import com.vendstream.events.OrderRejected;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.PendingReason;
import com.vendstream.events.RefundMethod;
import com.vendstream.events.RejectionReason;
import com.vendstream.events.Resolution;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.recon.ledger.EventFacts;
import com.vendstream.recon.ledger.Fact;
import com.vendstream.recon.ledger.FactKind;
import com.vendstream.recon.ledger.OrderFacts;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Synthetic event sequences, shaped like the ones order-service and vend-service publish. */
public final class Traffic {

    public static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");

    public final String merchantId;
    public final ZoneId zone;
    public final List<SpecificRecord> events = new ArrayList<>();

    public Traffic(String merchantId, ZoneId zone) {
        this.merchantId = merchantId;
        this.zone = zone;
    }

    public Order order(String orderId, Instant acceptedAt, long amountMinor, String currency, ServiceCategory service) {
        return new Order(orderId, acceptedAt, amountMinor, currency, service);
    }

    /** Events grouped per order as the fact store would hold them (for the pure tests). */
    public List<OrderFacts> orderFacts() {
        return orderFacts(events);
    }

    public static List<OrderFacts> orderFacts(List<SpecificRecord> events) {
        Map<String, List<Fact>> byOrder = new LinkedHashMap<>();
        for (SpecificRecord e : events) {
            EventFacts.of(e).ifPresent(f -> {
                List<Fact> facts = byOrder.computeIfAbsent(f.orderId(), k -> new ArrayList<>());
                if (facts.stream().noneMatch(x -> x.eventId().equals(f.eventId()))) {
                    facts.add(f);
                }
            });
        }
        List<OrderFacts> out = new ArrayList<>();
        byOrder.forEach((id, facts) -> {
            Fact anchor = facts.stream().filter(f -> f.kind() == FactKind.ACCEPTED).findFirst().orElse(facts.get(0));
            out.add(new OrderFacts(id, anchor.merchantId(), anchor.businessDay(), facts));
        });
        return out;
    }

    public final class Order {
        public final String orderId;
        public final Instant acceptedAt;
        public final long amountMinor;
        public final String currency;
        public final ServiceCategory service;
        public final LocalDate businessDate;
        public String provider;
        public String reference;

        public Order(String orderId, Instant acceptedAt, long amountMinor, String currency, ServiceCategory service) {
            this.orderId = orderId;
            this.acceptedAt = acceptedAt;
            this.amountMinor = amountMinor;
            this.currency = currency;
            this.service = service;
            // As order-service does: the business date is the acceptance instant in the merchant's zone.
            this.businessDate = Envelopes.businessDate(acceptedAt, zone);
        }

        public Envelope envelope(Class<?> type, String discriminator, Instant at, String source) {
            return Envelopes.create(Envelopes.eventId(orderId, type.getSimpleName(), discriminator), type, orderId, at,
                    businessDate, merchantId, source, orderId, null);
        }

        public OrderLine line() {
            return OrderLine.newBuilder().setService(service).setBillerId("BILLER").setAccount("08011111111")
                    .setAmount(new Money(amountMinor, currency)).build();
        }

        public Money money() {
            return new Money(amountMinor, currency);
        }

        public VendRef vend() {
            return VendRef.newBuilder().setProvider(provider).setProviderReference(reference).build();
        }

        private Order add(SpecificRecord e) {
            events.add(e);
            return this;
        }

        public Order accepted() {
            return add(OrderAccepted.newBuilder().setEnvelope(envelope(OrderAccepted.class, null, acceptedAt,
                    "order-service")).setClientReference("c-" + orderId).setLine(line())
                    .setPaymentMethod(PaymentMethod.WALLET).setWalletId("w1").build());
        }

        public Order rejected() {
            return add(OrderRejected.newBuilder().setEnvelope(envelope(OrderRejected.class, null, acceptedAt,
                    "order-service")).setClientReference("c-" + orderId).setReasonCode(RejectionReason.INSUFFICIENT_FUNDS)
                    .setReasonMessage("no funds").build());
        }

        public Order via(String provider, String reference) {
            this.provider = provider;
            this.reference = reference;
            return this;
        }

        public Order pending(Instant at) {
            return add(VendPending.newBuilder().setEnvelope(envelope(VendPending.class, reference, at, "vend-service"))
                    .setVend(vend()).setAmount(money()).setReason(PendingReason.TIMEOUT).setLine(line()).build());
        }

        public Order succeeded(Instant at, Long costMinor) {
            return add(VendSucceeded.newBuilder().setEnvelope(envelope(VendSucceeded.class, reference, at,
                    "vend-service")).setVend(vend()).setAmount(money()).setToken("1234-5678")
                    .setProviderCost(costMinor == null ? null : new Money(costMinor, currency))
                    .setResolvedBy(Resolution.VEND_CALL).build());
        }

        public Order failed(Instant at) {
            return failed(at, FailureClass.DECLINED_BY_PROVIDER);
        }

        public Order failed(Instant at, FailureClass reason) {
            return add(VendFailed.newBuilder().setEnvelope(envelope(VendFailed.class, reference, at, "vend-service"))
                    .setVend(vend()).setAmount(money()).setReasonClass(reason)
                    .setResolvedBy(Resolution.VEND_CALL).build());
        }

        public Order unresolved(Instant at) {
            return add(VendUnresolved.newBuilder().setEnvelope(envelope(VendUnresolved.class, reference, at,
                    "status-poller")).setVend(vend()).setAmount(money()).setFirstPendingAt(acceptedAt)
                    .setRequeryCount(12).build());
        }

        public Order collected(String paymentProvider, String referenceId, Instant at) {
            return add(PaymentCollected.newBuilder().setEnvelope(envelope(PaymentCollected.class, referenceId, at,
                    "order-service")).setProvider(paymentProvider).setReferenceId(referenceId).setAmount(money())
                    .build());
        }

        public Order collectionFailed(String paymentProvider, String referenceId, Instant at) {
            return add(PaymentFailed.newBuilder().setEnvelope(envelope(PaymentFailed.class, referenceId, at,
                    "order-service")).setProvider(paymentProvider).setReferenceId(referenceId).setAmount(money())
                    .setReason("EXPIRED").build());
        }

        public Order payoutPending(String paymentProvider, String referenceId, Instant at) {
            return add(PaymentPending.newBuilder().setEnvelope(envelope(PaymentPending.class, referenceId, at,
                    "order-service")).setProvider(paymentProvider).setKind(PaymentKind.PAYOUT)
                    .setReferenceId(referenceId).setAmount(money()).build());
        }

        public Order paidOut(String paymentProvider, String referenceId, Instant at) {
            return add(PayoutSucceeded.newBuilder().setEnvelope(envelope(PayoutSucceeded.class, referenceId, at,
                    "order-service")).setProvider(paymentProvider).setReferenceId(referenceId).setAmount(money())
                    .build());
        }

        public Order completed(Instant at) {
            return add(OrderCompleted.newBuilder().setEnvelope(envelope(OrderCompleted.class, null, at,
                    "order-service")).setClientReference("c-" + orderId).setAmount(money()).setVend(vend()).build());
        }

        public Order refunded(Instant at) {
            return add(OrderRefunded.newBuilder().setEnvelope(envelope(OrderRefunded.class, null, at, "order-service"))
                    .setClientReference("c-" + orderId).setAmount(money()).setRefundMethod(RefundMethod.WALLET_CREDIT)
                    .setReason("vend failed").build());
        }
    }
}
