package com.vendstream.recon.ledger;

import com.vendstream.events.DailyLedger;
import com.vendstream.events.Envelope;
import com.vendstream.events.ServiceCategory;
import com.vendstream.schemas.envelope.Envelopes;

/** DailyLedger events. Ids derive from the ledger key and version, so a re-published version keeps its id. */
public final class LedgerEvents {

    public static final String SOURCE = "reconciliation-service";
    /** Output binding of the ledgers topic (see reconciliation-service.yml). */
    public static final String BINDING = "ledgers-out";

    private LedgerEvents() {
    }

    public static DailyLedger dailyLedger(Ledger ledger) {
        LedgerKey k = ledger.key();
        LedgerFigures f = ledger.figures();
        String eventId = Envelopes.eventId(k.id(), "DailyLedger", "v" + ledger.version());
        Envelope e = Envelopes.create(eventId, DailyLedger.class, null, ledger.closedAt(), k.businessDay(),
                k.merchantId(), SOURCE, "recon-" + k.businessDay(), null);
        return DailyLedger.newBuilder().setEnvelope(e).setBusinessDay(k.businessDay()).setMerchantId(k.merchantId())
                .setProvider(k.provider()).setService(service(k.service())).setCurrency(k.currency())
                .setVersion(ledger.version()).setOrdersAccepted(f.ordersAccepted()).setOrdersVended(f.ordersVended())
                .setOrdersFailed(f.ordersFailed()).setOrdersRefunded(f.ordersRefunded())
                .setOrdersUnresolved(f.ordersUnresolved()).setOrdersPendingAtCutoff(f.ordersPendingAtCutoff())
                .setGrossValueMinor(f.grossValueMinor()).setProviderCostMinor(f.providerCostMinor())
                .setCommissionMinor(f.commissionMinor()).setDebitsMinor(f.debitsMinor()).setKeptMinor(f.keptMinor())
                .setRefundsMinor(f.refundsMinor()).setHeldMinor(f.heldMinor()).setBalanced(f.balanced())
                .setClosedAt(ledger.closedAt()).build();
    }

    static ServiceCategory service(String name) {
        try {
            return ServiceCategory.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ServiceCategory.OTHER;
        }
    }

}
