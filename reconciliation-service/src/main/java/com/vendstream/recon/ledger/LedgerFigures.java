package com.vendstream.recon.ledger;

/**
 * A ledger's counts and amounts (minor units of the ledger's currency). Double entry: every debit
 * ends up kept (delivered), refunded, or held (still pending or unresolved).
 */
public record LedgerFigures(long ordersAccepted, long ordersVended, long ordersFailed, long ordersRefunded,
                            long ordersUnresolved, long ordersPendingAtCutoff, long grossValueMinor,
                            long providerCostMinor, long commissionMinor, long debitsMinor, long keptMinor,
                            long refundsMinor, long heldMinor) {

    public static final LedgerFigures ZERO = new LedgerFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public boolean balanced() {
        return debitsMinor == keptMinor + refundsMinor + heldMinor;
    }

    /** debits - (kept + refunds + held); non-zero means money is unaccounted for. */
    public long imbalanceMinor() {
        return debitsMinor - (keptMinor + refundsMinor + heldMinor);
    }

    LedgerFigures plus(LedgerFigures o) {
        return new LedgerFigures(ordersAccepted + o.ordersAccepted, ordersVended + o.ordersVended,
                ordersFailed + o.ordersFailed, ordersRefunded + o.ordersRefunded, ordersUnresolved + o.ordersUnresolved,
                ordersPendingAtCutoff + o.ordersPendingAtCutoff, grossValueMinor + o.grossValueMinor,
                providerCostMinor + o.providerCostMinor, commissionMinor + o.commissionMinor,
                debitsMinor + o.debitsMinor, keptMinor + o.keptMinor, refundsMinor + o.refundsMinor,
                heldMinor + o.heldMinor);
    }
}
