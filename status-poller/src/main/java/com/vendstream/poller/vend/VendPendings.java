package com.vendstream.poller.vend;

import com.vendstream.events.OrderLine;
import com.vendstream.events.VendPending;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.NewRequery;
import com.vendstream.poller.requery.Owner;

/** Reads a VendPending as a schedule to start: one per vend, keyed by order id. */
public final class VendPendings {

    private VendPendings() {
    }

    public static NewRequery toRequery(VendPending p, Owner owner) {
        OrderLine line = p.getLine();
        String orderId = p.getEnvelope().getOrderId();
        return new NewRequery(Kind.VEND, orderId, orderId, p.getVend().getProvider(),
                p.getVend().getProviderReference(), p.getVend().getProviderTransactionId(),
                line.getService().name(), line.getBillerId(), line.getItemId(), null,
                p.getAmount().getAmountMinor(), p.getAmount().getCurrency(), p.getEnvelope().getOccurredAt(),
                p.getProviderCode(), p.getEnvelope().getEventId(), p, owner);
    }
}
