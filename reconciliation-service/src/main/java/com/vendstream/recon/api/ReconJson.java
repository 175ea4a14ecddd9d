package com.vendstream.recon.api;

import com.vendstream.recon.day.DayClosing;
import com.vendstream.recon.discrepancy.Discrepancy;
import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ledger.LedgerFigures;
import java.util.List;
import java.util.Map;

/** JSON shapes of the reconciliation API. Amounts are minor units with their ISO 4217 currency. */
final class ReconJson {

    private ReconJson() {
    }

    /** @param version 0 for a provisional ledger of a day not yet closed */
    record LedgerView(String ledgerId, String businessDay, String merchantId, String provider, String service,
                      String currency, int version, boolean provisional, long ordersAccepted, long ordersVended,
                      long ordersFailed, long ordersRefunded, long ordersUnresolved, long ordersPendingAtCutoff,
                      long grossValueMinor, long providerCostMinor, long commissionMinor, long debitsMinor,
                      long keptMinor, long refundsMinor, long heldMinor, boolean balanced, String closedAt) {

        static LedgerView of(Ledger l) {
            LedgerFigures f = l.figures();
            return new LedgerView(l.key().id(), l.key().businessDay().toString(), l.key().merchantId(),
                    l.key().provider(), l.key().service(), l.key().currency(), l.version(), l.version() == 0,
                    f.ordersAccepted(), f.ordersVended(), f.ordersFailed(), f.ordersRefunded(), f.ordersUnresolved(),
                    f.ordersPendingAtCutoff(), f.grossValueMinor(), f.providerCostMinor(), f.commissionMinor(),
                    f.debitsMinor(), f.keptMinor(), f.refundsMinor(), f.heldMinor(), f.balanced(),
                    l.version() == 0 ? null : l.closedAt().toString());
        }
    }

    /** Minor units of an ISO 4217 currency. */
    record Money(long minor, String currency) {
        static Money of(Long minor, String currency) {
            return minor == null || currency == null ? null : new Money(minor, currency);
        }
    }

    /**
     * A discrepancy with what finance did about it. The amounts twice: as minor units beside the currency (as
     * before) and as money ({@code {minor, currency}}). {@code note} is the latest note (the resolution's, else
     * the acknowledgement's); both are kept.
     */
    record DiscrepancyView(String discrepancyId, String businessDay, String kind, String status, String provider,
                           String providerReference, String orderId, String merchantId, Long ourAmountMinor,
                           Long providerAmountMinor, String currency, Money ourAmount, Money providerAmount,
                           Map<String, String> evidence, String suggestedAction, String acknowledgedBy,
                           String acknowledgedAt, String acknowledgeNote, String resolution, String resolvedBy,
                           String resolvedAt, String resolutionNote, String note) {

        static DiscrepancyView of(Discrepancy d) {
            Discrepancy.Handling h = d.handling();
            return new DiscrepancyView(d.discrepancyId(), d.businessDay().toString(), d.kind().name(),
                    d.status().name(), d.provider(), d.providerReference(), d.orderId(), d.merchantId(),
                    d.ourAmountMinor(), d.providerAmountMinor(), d.currency(), Money.of(d.ourAmountMinor(), d.currency()),
                    Money.of(d.providerAmountMinor(), d.currency()), d.evidence(), d.suggestedAction(),
                    h.acknowledgedBy(), text(h.acknowledgedAt()), h.acknowledgeNote(),
                    h.resolution() == null ? null : h.resolution().name(), h.resolvedBy(), text(h.resolvedAt()),
                    h.resolutionNote(), h.resolutionNote() != null ? h.resolutionNote() : h.acknowledgeNote());
        }

        private static String text(java.time.Instant at) {
            return at == null ? null : at.toString();
        }
    }

    /** @param unanswered vends and postings no provider gave a definite answer about; matched again later */
    record CloseView(String businessDay, boolean alreadyClosed, String closedAt, Map<String, String> matching,
                     int unanswered, List<LedgerView> ledgers) {

        static CloseView of(DayClosing.CloseResult r) {
            return new CloseView(r.day().toString(), r.alreadyClosed(), r.closedAt().toString(), r.matching(),
                    r.unanswered(), r.ledgers().stream().map(LedgerView::of).toList());
        }
    }

    record RematchView(String businessDay, Map<String, String> matching, int unanswered) {
    }
}
