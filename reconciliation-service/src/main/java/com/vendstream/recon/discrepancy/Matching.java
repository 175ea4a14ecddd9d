package com.vendstream.recon.discrepancy;

import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.recon.ledger.LedgerFigures;
import com.vendstream.recon.ledger.LedgerKey;
import com.vendstream.recon.ledger.OrderFacts;
import com.vendstream.recon.providerreport.PaymentRecords;
import com.vendstream.recon.providerreport.ProviderRecords;
import com.vendstream.recon.providerreport.ProviderUnavailableException;
import com.vendstream.recon.providerreport.ProviderView;
import com.vendstream.recon.providerreport.VendToCheck;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
     * Matches every provider that vended on the day against its own records. A provider that cannot
     * be read keeps its earlier discrepancies untouched: an unreadable report proves nothing.
     *
     * @return per provider, what happened ("matched ..." or "unavailable: ...")
     */
    public Map<String, String> matchProviders(LocalDate day) {
        List<OrderFacts> orders = facts.ordersOf(day, null);
        Map<String, List<OrderFacts>> byProvider = new TreeMap<>();
        for (OrderFacts o : orders) {
            if (o.reference() != null && !OrderFacts.NO_PROVIDER.equals(o.provider())) {
                byProvider.computeIfAbsent(o.provider(), p -> new ArrayList<>()).add(o);
            }
        }
        Map<String, String> outcome = new TreeMap<>();
        byProvider.forEach((provider, ours) -> {
            List<VendToCheck> toCheck = ours.stream().map(o -> new VendToCheck(o.orderId(), o.reference(),
                    o.providerTransactionId(), o.service(), o.billerId(), o.itemId())).toList();
            ProviderView view;
            try {
                view = providers.fetch(provider, day, toCheck);
            } catch (ProviderUnavailableException e) {
                log.warn("Cannot match {} for {}: {}", provider, day, e.getMessage());
                outcome.put(provider, "unavailable: " + e.getMessage());
                return;
            }
            List<Discrepancy> found = DiscrepancyMatcher.matchProvider(day, provider, ours, view,
                    facts::referenceKnown);
            sync(day, "provider:" + provider, found);
            outcome.put(provider, "matched " + ours.size() + " vends against " + view.records().size() + " "
                    + view.source() + " records");
        });
        outcome.putAll(matchPayments(day, orders));
        return outcome;
    }

    /** Mobile-money collections and payouts against the payment provider's status of each. */
    Map<String, String> matchPayments(LocalDate day, List<OrderFacts> orders) {
        java.util.TreeSet<String> paymentProviders = new java.util.TreeSet<>();
        orders.forEach(o -> o.facts().stream().filter(f -> f.kind().name().startsWith("PAY") && f.provider() != null)
                .forEach(f -> paymentProviders.add(f.provider())));
        Map<String, String> outcome = new TreeMap<>();
        for (String provider : paymentProviders) {
            if (!payments.supports(provider)) {
                outcome.put(provider, "unavailable: no mobile-money connector for " + provider);
                continue;
            }
            List<PaymentMatcher.Posting> postings = PaymentMatcher.postings(orders, provider);
            try {
                sync(day, "payments:" + provider, PaymentMatcher.match(day, postings,
                        (direction, ref) -> payments.status(provider, direction, ref)));
            } catch (RuntimeException e) {
                log.warn("Cannot match payments at {} for {}: {}", provider, day, e.toString());
                outcome.put(provider, "unavailable: " + e.getMessage());
                continue;
            }
            outcome.put(provider, "matched " + postings.size() + " mobile-money postings by status");
        }
        return outcome;
    }

    /** Contradictions among our own events for one merchant's day (no provider call needed). */
    public void ownEvents(LocalDate day, String merchantId, List<OrderFacts> orders) {
        sync(day, "events:" + merchantId, DiscrepancyMatcher.contradictions(day, merchantId, orders));
    }

    public void imbalances(LocalDate day, String merchantId, Map<LedgerKey, LedgerFigures> ledgers) {
        sync(day, "ledger:" + merchantId, DiscrepancyMatcher.imbalances(merchantId, ledgers));
    }

    private void sync(LocalDate day, String source, Collection<Discrepancy> found) {
        store.sync(day, source, found, clock.instant())
                .forEach(id -> relay.relay(DiscrepancyStore.COLLECTION, id));
    }
}
