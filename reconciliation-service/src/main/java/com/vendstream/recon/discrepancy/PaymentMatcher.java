package com.vendstream.recon.discrepancy;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.recon.ledger.EventFacts;
import com.vendstream.recon.ledger.Fact;
import com.vendstream.recon.ledger.FactKind;
import com.vendstream.recon.ledger.OrderFacts;
import com.vendstream.recon.providerreport.PaymentRecords.Direction;
import com.vendstream.recon.providerreport.ProviderStatus;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The mobile-money side of the three-way match: our collection and payout postings against the
 * payment provider's own status of each. A collection is the debit of a mobile-money order and a
 * payout its refund, so a disagreement here is money the ledger counts that did not move (or the
 * other way round).
 */
public final class PaymentMatcher {

    private PaymentMatcher() {
    }

    /** One of our postings at the payment provider: what we recorded about one reference_id. */
    public record Posting(OrderFacts order, String provider, String referenceId, Direction direction,
                          ProviderStatus ours, long amountMinor, String currency) {
    }

    /** Our postings of the day at one payment provider, one per reference_id. */
    public static List<Posting> postings(List<OrderFacts> orders, String provider) {
        List<Posting> out = new ArrayList<>();
        for (OrderFacts o : orders) {
            Map<String, List<Fact>> byRef = new LinkedHashMap<>();
            for (Fact f : o.facts()) {
                if (f.kind().name().startsWith("PAY") && provider.equals(f.provider()) && f.reference() != null) {
                    byRef.computeIfAbsent(f.reference(), r -> new ArrayList<>()).add(f);
                }
            }
            byRef.forEach((ref, facts) -> {
                Direction direction = EventFacts.PAYOUT.equals(facts.get(0).detail()) ? Direction.PAYOUT
                        : Direction.COLLECTION;
                ProviderStatus ours = ProviderStatus.PENDING;
                for (Fact f : facts) {
                    if (f.kind() == FactKind.PAYMENT_COLLECTED || f.kind() == FactKind.PAYOUT_SUCCEEDED) {
                        ours = ProviderStatus.SUCCEEDED;
                    } else if ((f.kind() == FactKind.PAYMENT_FAILED || f.kind() == FactKind.PAYOUT_FAILED)
                            && ours != ProviderStatus.SUCCEEDED) {
                        ours = ProviderStatus.FAILED;
                    }
                }
                Fact first = facts.get(0);
                out.add(new Posting(o, provider, ref, direction, ours, first.amountMinor() == null ? 0
                        : first.amountMinor(), first.currency()));
            });
        }
        return out;
    }

    public static List<Discrepancy> match(LocalDate day, List<Posting> postings,
                                          BiFunction<Direction, String, ProviderStatus> theirStatus) {
        List<Discrepancy> found = new ArrayList<>();
        for (Posting p : postings) {
            ProviderStatus theirs = theirStatus.apply(p.direction(), p.referenceId());
            String what = p.direction() == Direction.COLLECTION ? "collection" : "payout";
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("orderId", p.order().orderId());
            evidence.put("merchantId", p.order().merchantId());
            evidence.put("our." + what, p.ours().name());
            evidence.put("provider." + what, theirs.name());
            evidence.put("referenceId", p.referenceId());
            evidence.put("wallet.debitMinor", Long.toString(p.order().sum(FactKind.ACCEPTED)));
            evidence.put("wallet.refundMinor", Long.toString(p.order().sum(FactKind.REFUNDED)));
            evidence.put("currency", p.currency());
            if (theirs == ProviderStatus.UNKNOWN) {
                continue;
            }
            if (theirs == ProviderStatus.PENDING) {
                found.add(discrepancy(day, p, DiscrepancyKind.PENDING_AT_PROVIDER, evidence,
                        p.provider() + " has not settled this " + what + " yet; it resolves itself when it does. "
                                + "Do not execute it again."));
            } else if (p.ours() == ProviderStatus.SUCCEEDED && theirs != ProviderStatus.SUCCEEDED) {
                found.add(discrepancy(day, p, DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, evidence,
                        p.direction() == Direction.COLLECTION
                                ? "We counted a collection of " + money(p) + " that " + p.provider() + " did not "
                                + "complete: the order was delivered unpaid. Collect again or write it off."
                                : "We recorded the refund payout of " + money(p) + " as paid but " + p.provider()
                                + " did not pay it: the customer is still owed; pay out again."));
            } else if (p.ours() != ProviderStatus.SUCCEEDED && theirs == ProviderStatus.SUCCEEDED) {
                found.add(discrepancy(day, p, DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, evidence,
                        p.direction() == Direction.COLLECTION
                                ? p.provider() + " collected " + money(p) + " that we recorded as not collected: "
                                + "the payer paid for an order we rejected or never vended. Pay it back."
                                : p.provider() + " paid out the refund of " + money(p) + " that we recorded as "
                                + "failed: do not pay it again; mark the order refunded."));
            }
        }
        return found;
    }

    private static Discrepancy discrepancy(LocalDate day, Posting p, DiscrepancyKind kind, Map<String, String> evidence,
                                           String action) {
        return new Discrepancy(Discrepancy.idOf(kind, day, p.provider(), p.direction() + ":" + p.referenceId()), day,
                kind, p.provider(), p.referenceId(), p.order().orderId(), p.order().merchantId(), p.amountMinor(), null,
                p.currency(), evidence, action, "payments:" + p.provider(), DiscrepancyStatus.OPEN);
    }

    private static String money(Posting p) {
        return p.currency() + " " + p.amountMinor() + " (minor units)";
    }
}
