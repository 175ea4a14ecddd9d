package com.vendstream.recon.ledger;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderRefunded;
import com.vendstream.events.OrderRejected;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/** Reduces the events reconciliation consumes to {@link Fact}s; events it does not use give none. */
public final class EventFacts {

    /** Direction of a mobile-money posting, kept in {@link Fact#detail()} of payment facts. */
    public static final String COLLECTION = "COLLECTION";
    public static final String PAYOUT = "PAYOUT";

    private EventFacts() {
    }

    public static Optional<Fact> of(SpecificRecord event) {
        if (event instanceof OrderAccepted a) {
            OrderLine l = a.getLine();
            return fact(a.getEnvelope(), FactKind.ACCEPTED, null, l.getAmount(), null, l, a.getPaymentMethod().name(),
                    null);
        }
        if (event instanceof OrderRejected r) {
            return fact(r.getEnvelope(), FactKind.REJECTED, null, null, null, null, null, r.getReasonCode().name());
        }
        if (event instanceof OrderCompleted c) {
            return fact(c.getEnvelope(), FactKind.COMPLETED, c.getVend(), c.getAmount(), null, null, null, null);
        }
        if (event instanceof OrderRefunded r) {
            return fact(r.getEnvelope(), FactKind.REFUNDED, null, r.getAmount(), null, null, null,
                    r.getRefundMethod().name());
        }
        if (event instanceof VendPending p) {
            return fact(p.getEnvelope(), FactKind.VEND_PENDING, p.getVend(), p.getAmount(), null, p.getLine(), null,
                    p.getReason().name());
        }
        if (event instanceof VendSucceeded s) {
            return fact(s.getEnvelope(), FactKind.VEND_SUCCEEDED, s.getVend(), s.getAmount(), s.getProviderCost(), null,
                    null, s.getResolvedBy().name());
        }
        if (event instanceof VendFailed f) {
            return fact(f.getEnvelope(), FactKind.VEND_FAILED, f.getVend(), f.getAmount(), null, null, null,
                    f.getReasonClass().name());
        }
        if (event instanceof VendUnresolved u) {
            return fact(u.getEnvelope(), FactKind.VEND_UNRESOLVED, u.getVend(), u.getAmount(), null, null, null,
                    "requeries=" + u.getRequeryCount());
        }
        if (event instanceof PaymentPending p) {
            return payment(p.getEnvelope(), FactKind.PAYMENT_PENDING, p.getProvider(), p.getReferenceId(), p.getAmount(),
                    p.getKind().name());
        }
        if (event instanceof PaymentCollected p) {
            return payment(p.getEnvelope(), FactKind.PAYMENT_COLLECTED, p.getProvider(), p.getReferenceId(),
                    p.getAmount(), COLLECTION);
        }
        if (event instanceof PaymentFailed p) {
            return payment(p.getEnvelope(), FactKind.PAYMENT_FAILED, p.getProvider(), p.getReferenceId(), p.getAmount(),
                    COLLECTION);
        }
        if (event instanceof PayoutSucceeded p) {
            return payment(p.getEnvelope(), FactKind.PAYOUT_SUCCEEDED, p.getProvider(), p.getReferenceId(),
                    p.getAmount(), PAYOUT);
        }
        if (event instanceof PayoutFailed p) {
            return payment(p.getEnvelope(), FactKind.PAYOUT_FAILED, p.getProvider(), p.getReferenceId(), p.getAmount(),
                    PAYOUT);
        }
        return Optional.empty();
    }

    private static Optional<Fact> fact(Envelope e, FactKind kind, VendRef vend, Money amount, Money cost, OrderLine line,
                                       String paymentMethod, String detail) {
        if (e.getOrderId() == null) {
            return Optional.empty();
        }
        return Optional.of(new Fact(e.getEventId(), kind, e.getOccurredAt(), e.getBusinessDate(), e.getMerchantId(),
                e.getOrderId(), vend == null ? null : vend.getProvider(),
                vend == null ? null : vend.getProviderReference(), vend == null ? null : vend.getProviderTransactionId(),
                amount == null ? null : amount.getAmountMinor(), amount == null ? null : amount.getCurrency(),
                cost == null ? null : cost.getAmountMinor(), line == null ? null : line.getService().name(),
                line == null ? null : line.getBillerId(), line == null ? null : line.getItemId(), paymentMethod, detail));
    }

    /**
     * Mobile-money postings, the wallet side of mobile-money orders. Their provider is the payment
     * provider (Dollr), not a vend provider; ledgers are keyed by vend events only, so the two never mix.
     *
     * @param direction COLLECTION or PAYOUT
     */
    private static Optional<Fact> payment(Envelope e, FactKind kind, String provider, String referenceId, Money amount,
                                          String direction) {
        if (e.getOrderId() == null) {
            return Optional.empty();
        }
        return Optional.of(new Fact(e.getEventId(), kind, e.getOccurredAt(), e.getBusinessDate(), e.getMerchantId(),
                e.getOrderId(), provider, referenceId, null, amount.getAmountMinor(), amount.getCurrency(), null, null,
                null, null, null, direction));
    }
}
