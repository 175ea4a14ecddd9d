package com.vendstream.poller.payment;

import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentPending;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.NewRequery;
import com.vendstream.poller.requery.Owner;

/** Reads a PaymentPending as a schedule to start: one per payment reference. */
public final class PaymentPendings {

    private PaymentPendings() {
    }

    public static NewRequery toRequery(PaymentPending p, Owner owner) {
        Kind kind = p.getKind() == PaymentKind.PAYOUT ? Kind.PAYOUT : Kind.COLLECTION;
        return new NewRequery(kind, p.getReferenceId(), p.getEnvelope().getOrderId(), p.getProvider(),
                p.getReferenceId(), null, null, null, null, p.getSessionId(), p.getAmount().getAmountMinor(),
                p.getAmount().getCurrency(), p.getEnvelope().getOccurredAt(), null, p.getEnvelope().getEventId(), p,
                owner);
    }
}
