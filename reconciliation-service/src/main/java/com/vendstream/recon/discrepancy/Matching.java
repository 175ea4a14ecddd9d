package com.vendstream.recon.discrepancy;

import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.recon.ledger.LedgerFigures;
import com.vendstream.recon.ledger.LedgerKey;
import com.vendstream.recon.ledger.OrderFacts;
import com.vendstream.recon.providerreport.PaymentRecords;
import com.vendstream.recon.providerreport.ProviderRecords;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.recon.providerreport.ProviderUnavailableException;
import com.vendstream.recon.providerreport.ProviderView;
import com.vendstream.recon.providerreport.VendToCheck;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds a day's discrepancies and keeps the stored ones (and their events) in step. */
public class Matching {

    private static final Logger log = LoggerFactory.getLogger(Matching.class);

    private final FactStore facts;
    private final ProviderRecords providers;
    private final PaymentRecords payments;
    private final DiscrepancyStore store;
    private final OutboxTrigger relay;
    private final Clock clock;

    public Matching(FactStore facts, ProviderRecords providers, PaymentRecords payments, DiscrepancyStore store,
                    OutboxTrigger relay, Clock clock) {
        this.facts = facts;
        this.providers = providers;
        this.payments = payments;
        this.store = store;
        this.relay = relay;
        this.clock = clock;
    }

    /**
     * What one matching pass of a day found out.
     *
     * @param byProvider per provider, what happened ("matched ..." or "unavailable: ...")
     * @param unanswered our vends and mobile-money postings about which no provider gave a definite
     *                   answer (no answer to the requery, or the provider could not be read at all); the
     *                   day is matched again while this is above zero
     */
    public record Outcome(Map<String, String> byProvider, int unanswered) {
        public Outcome {
            byProvider = Map.copyOf(byProvider);
        }
    }

    /**
     * Matches every provider that vended on the day against its own records. What a provider did not
     * answer proves nothing: a provider that cannot be read keeps its earlier discrepancies untouched,
     * and so does each reference whose requery got no answer.
     */
    public Outcome matchProviders(LocalDate day) {
        List<OrderFacts> orders = facts.ordersOf(day, null);
        Map<String, List<OrderFacts>> byProvider = new TreeMap<>();
        for (OrderFacts o : orders) {
            if (o.reference() != null && !OrderFacts.NO_PROVIDER.equals(o.provider())) {
                byProvider.computeIfAbsent(o.provider(), p -> new ArrayList<>()).add(o);
            }
        }
        Map<String, String> outcome = new TreeMap<>();
        int unanswered = 0;
        for (Map.Entry<String, List<OrderFacts>> e : byProvider.entrySet()) {
            String provider = e.getKey();
            List<OrderFacts> ours = e.getValue();
            List<VendToCheck> toCheck = ours.stream().map(o -> new VendToCheck(o.orderId(), o.reference(),
                    o.providerTransactionId(), o.service(), o.billerId(), o.itemId())).toList();
            ProviderView view;
            try {
                view = providers.fetch(provider, day, toCheck);
            } catch (ProviderUnavailableException ex) {
                log.warn("Cannot match {} for {}: {}", provider, day, ex.getMessage());
                outcome.put(provider, "unavailable: " + ex.getMessage());
                unanswered += ours.size();
                continue;
            }
            Set<String> noAnswer = DiscrepancyMatcher.unanswered(provider, ours, view);
            sync(day, "provider:" + provider, DiscrepancyMatcher.matchProvider(day, provider, ours, view,
                    facts::referenceKnown), noAnswer);
            unanswered += noAnswer.size();
            outcome.put(provider, "matched " + ours.size() + " vends against " + view.records().size() + " "
                    + view.source() + " records" + unansweredNote(noAnswer.size()));
            if (!noAnswer.isEmpty()) {
                log.warn("{} gave no answer about {} of {} vends of {}; matched again on the next pass", provider,
                        noAnswer.size(), ours.size(), day);
            }
        }
        Outcome payments = matchPayments(day, orders);
        outcome.putAll(payments.byProvider());
        return new Outcome(outcome, unanswered + payments.unanswered());
    }

    /** Mobile-money collections and payouts against the payment provider's status of each. */
    Outcome matchPayments(LocalDate day, List<OrderFacts> orders) {
        TreeSet<String> paymentProviders = new TreeSet<>();
        orders.forEach(o -> o.facts().stream().filter(f -> f.kind().name().startsWith("PAY") && f.provider() != null)
                .forEach(f -> paymentProviders.add(f.provider())));
        Map<String, String> outcome = new TreeMap<>();
        int unanswered = 0;
        for (String provider : paymentProviders) {
            List<PaymentMatcher.Posting> postings = PaymentMatcher.postings(orders, provider);
            if (!payments.supports(provider)) {
                outcome.put(provider, "unavailable: no mobile-money connector for " + provider);
                unanswered += postings.size();
                continue;
            }
            Set<String> noAnswer = new TreeSet<>();
            try {
                List<Discrepancy> found = PaymentMatcher.match(day, postings, (direction, ref) -> {
                    ProviderStatus status = payments.status(provider, direction, ref);
                    if (status == ProviderStatus.UNKNOWN) {
                        noAnswer.add(ref);
                    }
                    return status;
                });
                sync(day, "payments:" + provider, found, noAnswer);
            } catch (RuntimeException e) {
                log.warn("Cannot match payments at {} for {}: {}", provider, day, e.toString());
                outcome.put(provider, "unavailable: " + e.getMessage());
                unanswered += postings.size();
                continue;
            }
            unanswered += noAnswer.size();
            outcome.put(provider, "matched " + postings.size() + " mobile-money postings by status"
                    + unansweredNote(noAnswer.size()));
        }
        return new Outcome(outcome, unanswered);
    }

    private static String unansweredNote(int unanswered) {
        return unanswered == 0 ? "" : "; " + unanswered + " without an answer (unknown, asked again on the next pass)";
    }

    /** Contradictions among our own events for one merchant's day (no provider call needed). */
    public void ownEvents(LocalDate day, String merchantId, List<OrderFacts> orders) {
        sync(day, "events:" + merchantId, DiscrepancyMatcher.contradictions(day, merchantId, orders));
    }

    public void imbalances(LocalDate day, String merchantId, Map<LedgerKey, LedgerFigures> ledgers) {
        sync(day, "ledger:" + merchantId, DiscrepancyMatcher.imbalances(merchantId, ledgers));
    }

    private void sync(LocalDate day, String source, Collection<Discrepancy> found) {
        sync(day, source, found, Set.of());
    }

    private void sync(LocalDate day, String source, Collection<Discrepancy> found, Set<String> unanswered) {
        store.sync(day, source, found, unanswered, clock.instant())
                .forEach(id -> relay.relay(DiscrepancyStore.COLLECTION, id));
    }
}
