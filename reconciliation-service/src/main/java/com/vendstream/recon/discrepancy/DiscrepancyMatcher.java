package com.vendstream.recon.discrepancy;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.recon.ledger.Fact;
import com.vendstream.recon.ledger.FactKind;
import com.vendstream.recon.ledger.LedgerFigures;
import com.vendstream.recon.ledger.LedgerKey;
import com.vendstream.recon.ledger.OrderFacts;
import com.vendstream.recon.ledger.VendStatus;
import com.vendstream.recon.providerreport.ProviderRecord;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.recon.providerreport.ProviderView;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * Three-way matching of one day: our vend events, the provider's records and the wallet postings
 * (order debits, completions, refunds). Pure: the same inputs always give the same discrepancies,
 * with the same ids.
 */
public final class DiscrepancyMatcher {

    private DiscrepancyMatcher() {
    }

    /**
     * Our vends at one provider against the provider's view.
     *
     * @param knownReference whether any of our orders (on any day) used a reference at a provider; a
     *                       report line we cannot place on this day is only a loss if nobody has it
     */
    public static List<Discrepancy> matchProvider(LocalDate day, String provider, List<OrderFacts> ours,
                                                  ProviderView view, BiPredicate<String, String> knownReference) {
        Map<String, List<ProviderRecord>> byReference = byReference(view);
        List<Discrepancy> found = new ArrayList<>();
        Set<String> ourReferences = new HashSet<>();
        for (OrderFacts order : ours) {
            String reference = order.reference();
            if (reference == null || !provider.equals(order.provider())) {
                continue;
            }
            ourReferences.add(reference);
            found.addAll(matchOrder(day, provider, order, byReference.getOrDefault(reference, List.of()), view));
        }
        if (view.fullReport()) {
            byReference.forEach((reference, records) -> {
                if (ourReferences.contains(reference) || knownReference.test(provider, reference)) {
                    return;
                }
                List<ProviderRecord> succeeded = records.stream()
                        .filter(r -> r.status() == ProviderStatus.SUCCEEDED && (r.day() == null || r.day().equals(day)))
                        .toList();
                if (!succeeded.isEmpty()) {
                    Map<String, String> evidence = new LinkedHashMap<>();
                    evidence.put("our.order", "none: no event of ours carries this reference");
                    providerEvidence(evidence, view, succeeded);
                    ProviderRecord r = succeeded.get(0);
                    found.add(new Discrepancy(Discrepancy.idOf(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, day,
                            provider, reference), day, DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, provider, reference,
                            null, null, null, r.amountMinor(), r.currency(), evidence,
                            "The provider delivered a vend we have no order for, so nobody paid for it: ask "
                                    + provider + " who sent it and claim a reversal if it was not us.",
                            "provider:" + provider, DiscrepancyStatus.OPEN));
                }
            });
        }
        return found;
    }

    /**
     * Our references at the provider about which its view says nothing definite (a requery that got no
     * answer, a report line of unknown status). They are neither a discrepancy nor a reason to resolve
     * one: matching keeps what it knew about them and asks again on its next pass.
     */
    public static Set<String> unanswered(String provider, List<OrderFacts> ours, ProviderView view) {
        Map<String, List<ProviderRecord>> byReference = byReference(view);
        Set<String> unanswered = new TreeSet<>();
        for (OrderFacts order : ours) {
            String reference = order.reference();
            if (reference != null && provider.equals(order.provider()) && providerStatus(
                    byReference.getOrDefault(reference, List.of()), view.fullReport()) == ProviderStatus.UNKNOWN) {
                unanswered.add(reference);
            }
        }
        return unanswered;
    }

    private static Map<String, List<ProviderRecord>> byReference(ProviderView view) {
        Map<String, List<ProviderRecord>> byReference = new LinkedHashMap<>();
        for (ProviderRecord r : view.records()) {
            if (r.reference() != null) {
                byReference.computeIfAbsent(r.reference(), k -> new ArrayList<>()).add(r);
            }
        }
        return byReference;
    }

    private static List<Discrepancy> matchOrder(LocalDate day, String provider, OrderFacts order,
                                                List<ProviderRecord> records, ProviderView view) {
        List<Discrepancy> found = new ArrayList<>();
        String reference = order.reference();
        VendStatus ours = order.vendStatus();
        boolean refunded = order.has(FactKind.REFUNDED);
        boolean completed = order.has(FactKind.COMPLETED);
        long face = order.faceValueMinor();
        String currency = order.currency();

        List<ProviderRecord> succeeded = records.stream().filter(r -> r.status() == ProviderStatus.SUCCEEDED).toList();
        ProviderStatus theirs = providerStatus(records, view.fullReport());
        Map<String, String> evidence = evidence(order, view, records);

        if (succeeded.size() > 1) {
            // One unreadable amount makes the total unknown, not smaller.
            Long total = succeeded.stream().anyMatch(r -> r.amountMinor() == null) ? null
                    : succeeded.stream().mapToLong(ProviderRecord::amountMinor).sum();
            found.add(discrepancy(day, provider, order, DiscrepancyKind.DUPLICATE_AT_PROVIDER, face,
                    total, currency, evidence,
                    "The provider recorded " + succeeded.size() + " successful transactions for one reference; "
                            + "we were debited once per order: claim a reversal of the extra ones from " + provider
                            + "."));
        }
        switch (theirs) {
            case SUCCEEDED -> {
                Long theirAmount = succeeded.get(0).amountMinor();
                if (ours != VendStatus.SUCCEEDED && !completed) {
                    String action = refunded
                            ? "Loss: the customer received the value and was also refunded "
                                    + money(face, currency) + ". Recover it from the customer or write it off, and "
                                    + "correct the order to delivered."
                            : "The provider delivered: complete the order and keep the held " + money(face, currency)
                                    + " instead of refunding it.";
                    found.add(discrepancy(day, provider, order, DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, face,
                            theirAmount, currency, evidence, action));
                } else if (theirAmount != null && theirAmount.longValue() != order.vendedAmountMinor().orElse(face)) {
                    // An amount the provider did not state, or stated unreadably, is unknown: never a mismatch
                    // (the evidence of any other discrepancy says it was not read).
                    long ourAmount = order.vendedAmountMinor().orElse(face);
                    found.add(discrepancy(day, provider, order, DiscrepancyKind.AMOUNT_MISMATCH, ourAmount, theirAmount,
                            currency, evidence, theirAmount > ourAmount
                                    ? "The provider vended more than the customer paid for: claim the difference of "
                                    + money(theirAmount - ourAmount, currency) + " back from " + provider + "."
                                    : "The provider vended less than the customer paid for: the customer is owed "
                                    + money(ourAmount - theirAmount, currency) + "; refund the difference."));
                }
            }
            case FAILED, NOT_FOUND -> {
                if (ours == VendStatus.SUCCEEDED || completed) {
                    found.add(discrepancy(day, provider, order, DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, face,
                            null, currency, evidence,
                            "We kept " + money(face, currency) + " as delivered but " + provider + " has no successful "
                                    + "transaction: confirm with the customer and the provider; if no value arrived, "
                                    + "refund the customer."));
                }
            }
            case PENDING -> {
                // A vend the provider refused at validation never became a transaction there: a requery
                // that finds nothing settled about its reference (Pay4Power answers 404, read as pending)
                // agrees with our failure rather than disputing it.
                if (!refusedAtValidation(order, ours, completed)) {
                    found.add(discrepancy(day, provider, order, DiscrepancyKind.PENDING_AT_PROVIDER, face, null,
                            currency, evidence, "The provider has not settled this vend yet. Do not refund or re-vend; "
                                    + "it resolves itself when " + provider + " settles (escalate to " + provider
                                    + " if it stays pending)."));
                }
            }
            default -> {
            }
        }
        return found;
    }

    private static boolean refusedAtValidation(OrderFacts order, VendStatus ours, boolean completed) {
        return ours == VendStatus.FAILED && !completed && order.all(FactKind.VEND_FAILED).stream()
                .anyMatch(f -> "VALIDATION".equals(f.detail()));
    }

    /** Our own events disagree: a success and a failure, or a completion and a refund, for one order. */
    public static List<Discrepancy> contradictions(LocalDate day, String merchantId, List<OrderFacts> orders) {
        List<Discrepancy> found = new ArrayList<>();
        for (OrderFacts order : orders) {
            if (!order.isContradictory()) {
                continue;
            }
            Map<String, String> evidence = new LinkedHashMap<>();
            ownEvidence(evidence, order);
            found.add(new Discrepancy(Discrepancy.idOf(DiscrepancyKind.CONTRADICTORY_OUTCOME, day, order.provider(),
                    order.orderId()), day, DiscrepancyKind.CONTRADICTORY_OUTCOME, order.provider(), order.reference(),
                    order.orderId(), order.merchantId(), order.faceValueMinor(), null, order.currency(), evidence,
                    "Our events say both delivered and failed/refunded. Requery " + order.provider()
                            + " with the reference and correct whichever side is wrong (kept or refunded, not both).",
                    "events:" + merchantId, DiscrepancyStatus.OPEN));
        }
        return found;
    }

    /** An unbalanced ledger: debits that are neither kept, refunded nor held. */
    public static List<Discrepancy> imbalances(String merchantId, Map<LedgerKey, LedgerFigures> ledgers) {
        List<Discrepancy> found = new ArrayList<>();
        ledgers.forEach((key, f) -> {
            if (f.balanced()) {
                return;
            }
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("ledger", key.id());
            evidence.put("debitsMinor", Long.toString(f.debitsMinor()));
            evidence.put("keptMinor", Long.toString(f.keptMinor()));
            evidence.put("refundsMinor", Long.toString(f.refundsMinor()));
            evidence.put("heldMinor", Long.toString(f.heldMinor()));
            evidence.put("imbalanceMinor", Long.toString(f.imbalanceMinor()));
            found.add(new Discrepancy(Discrepancy.idOf(DiscrepancyKind.LEDGER_IMBALANCE, key.businessDay(),
                    key.provider(), key.id()), key.businessDay(), DiscrepancyKind.LEDGER_IMBALANCE, key.provider(),
                    null, null, key.merchantId(), f.debitsMinor(), null, key.currency(), evidence,
                    "Debits do not equal kept + refunds + held by " + money(f.imbalanceMinor(), key.currency())
                            + ": find the order settled twice or settled without a debit (see CONTRADICTORY_OUTCOME "
                            + "discrepancies of the same day).",
                    "ledger:" + merchantId, DiscrepancyStatus.OPEN));
        });
        return found;
    }

    private static ProviderStatus providerStatus(List<ProviderRecord> records, boolean fullReport) {
        if (records.stream().anyMatch(r -> r.status() == ProviderStatus.SUCCEEDED)) {
            return ProviderStatus.SUCCEEDED;
        }
        if (records.stream().anyMatch(r -> r.status() == ProviderStatus.PENDING)) {
            return ProviderStatus.PENDING;
        }
        if (records.stream().anyMatch(r -> r.status() == ProviderStatus.FAILED)) {
            return ProviderStatus.FAILED;
        }
        if (records.stream().anyMatch(r -> r.status() == ProviderStatus.NOT_FOUND)
                || (records.isEmpty() && fullReport)) {
            return ProviderStatus.NOT_FOUND;
        }
        return ProviderStatus.UNKNOWN;
    }

    private static Discrepancy discrepancy(LocalDate day, String provider, OrderFacts order, DiscrepancyKind kind,
                                           Long ourAmount, Long theirAmount, String currency,
                                           Map<String, String> evidence, String action) {
        return new Discrepancy(Discrepancy.idOf(kind, day, provider, order.reference()), day, kind, provider,
                order.reference(), order.orderId(), order.merchantId(), ourAmount, theirAmount, currency, evidence,
                action, "provider:" + provider, DiscrepancyStatus.OPEN);
    }

    private static Map<String, String> evidence(OrderFacts order, ProviderView view, List<ProviderRecord> records) {
        Map<String, String> evidence = new LinkedHashMap<>();
        ownEvidence(evidence, order);
        providerEvidence(evidence, view, records);
        return evidence;
    }

    private static void ownEvidence(Map<String, String> evidence, OrderFacts order) {
        evidence.put("orderId", order.orderId());
        evidence.put("merchantId", order.merchantId());
        evidence.put("our.vendStatus", order.vendStatus().name());
        evidence.put("our.vendEvents", order.facts().stream().filter(f -> f.kind().isVendOutcome())
                .map(f -> f.kind() + (f.detail() == null ? "" : "(" + f.detail() + ")") + "@" + f.at())
                .collect(Collectors.joining(", ")));
        evidence.put("wallet.debitMinor", Long.toString(order.sum(FactKind.ACCEPTED)));
        evidence.put("wallet.keptMinor", Long.toString(order.sum(FactKind.COMPLETED)));
        evidence.put("wallet.refundMinor", Long.toString(order.sum(FactKind.REFUNDED)));
        List<Fact> payments = order.facts().stream().filter(f -> f.kind().name().startsWith("PAY")).toList();
        if (!payments.isEmpty()) {
            evidence.put("mobileMoney", payments.stream().map(f -> f.kind() + ":" + f.amountMinor())
                    .collect(Collectors.joining(", ")));
        }
        evidence.put("currency", order.currency());
    }

    private static void providerEvidence(Map<String, String> evidence, ProviderView view, List<ProviderRecord> records) {
        evidence.put("provider.source", view.source());
        evidence.put("provider.records", records.isEmpty() ? "none" : records.stream()
                .map(r -> r.status() + (r.amountMinor() == null ? "" : ":" + r.amountMinor())
                        + (r.providerTransactionId() == null ? "" : "#" + r.providerTransactionId()))
                .collect(Collectors.joining(", ")));
        if (view.fullReport() && records.stream().anyMatch(r -> r.amountMinor() == null)) {
            // A report line without an amount is one the provider left out or sent unreadably (finer than the
            // currency, not a number): unknown, so it was not checked, and the person reviewing should know.
            evidence.put("provider.amount", "not stated or not readable in the report; amount not checked");
        }
    }

    static String money(long minor, String currency) {
        return currency + " " + minor + " (minor units)";
    }
}
