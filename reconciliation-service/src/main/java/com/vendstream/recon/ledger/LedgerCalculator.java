package com.vendstream.recon.ledger;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Folds per-order facts into ledgers. A pure function of the facts and the cut-off instants, so the
 * same facts (in any arrival order, with any duplicates) always give the same ledgers.
 */
public final class LedgerCalculator {

    private LedgerCalculator() {
    }

    /**
     * @param cutoff the instant a merchant's business day ends (midnight in its time zone); orders
     *               without a final vend outcome by then count as pending at cut-off
     */
    public static Map<LedgerKey, LedgerFigures> compute(Collection<OrderFacts> orders,
                                                        BiFunction<String, java.time.LocalDate, Instant> cutoff) {
        Map<LedgerKey, LedgerFigures> ledgers = new TreeMap<>();
        for (OrderFacts order : orders) {
            if (!order.isLedgerRelevant()) {
                continue;
            }
            LedgerKey key = new LedgerKey(order.merchantId(), order.businessDay(), order.provider(), order.service(),
                    order.currency());
            ledgers.merge(key, figures(order, cutoff.apply(order.merchantId(), order.businessDay())),
                    LedgerFigures::plus);
        }
        return ledgers;
    }

    static LedgerFigures figures(OrderFacts o, Instant cutoff) {
        boolean accepted = o.has(FactKind.ACCEPTED);
        boolean completed = o.has(FactKind.COMPLETED);
        boolean refunded = o.has(FactKind.REFUNDED);
        VendStatus status = o.vendStatus();
        VendStatus atCutoff = o.vendStatusAt(cutoff);
        boolean vended = status == VendStatus.SUCCEEDED;

        long gross = vended ? o.vendedAmountMinor().orElse(o.faceValueMinor()) : 0;
        long cost = 0;
        long commission = 0;
        if (vended && o.providerCostMinor().isPresent()) {
            // Cost and commission only where the provider told us its price; never estimated.
            cost = o.providerCostMinor().get();
            commission = gross - cost;
        }
        long debits = o.sum(FactKind.ACCEPTED);
        long kept = o.sum(FactKind.COMPLETED);
        long refunds = o.sum(FactKind.REFUNDED);
        // Held is what was debited and has not yet gone either way. It is not derived as
        // debits - kept - refunds: that would make every ledger balance by definition and hide
        // double settlements or settlements without a debit.
        long held = accepted && !completed && !refunded ? debits : 0;

        return new LedgerFigures(accepted ? 1 : 0, vended ? 1 : 0, status == VendStatus.FAILED ? 1 : 0,
                refunded ? 1 : 0, status == VendStatus.UNRESOLVED ? 1 : 0,
                accepted && (atCutoff == VendStatus.NONE || atCutoff == VendStatus.PENDING) ? 1 : 0,
                gross, cost, commission, debits, kept, refunds, held);
    }
}
