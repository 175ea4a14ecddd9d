package com.vendstream.recon.day;

import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.recon.discrepancy.Matching;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ledger.LedgerCalculator;
import com.vendstream.recon.ledger.LedgerFigures;
import com.vendstream.recon.ledger.LedgerKey;
import com.vendstream.recon.ledger.LedgerStore;
import com.vendstream.recon.ledger.OrderFacts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing business days: ledgers version 1 at the close, an adjustment (version + 1) for every fact
 * that changes a closed day's figures, and matching against the providers' records after cut-off.
 */
public class DayClosing {

    private static final Logger log = LoggerFactory.getLogger(DayClosing.class);
    static final int AUTO_CLOSE_LOOKBACK_DAYS = 31;

    private final FactStore facts;
    private final LedgerStore ledgers;
    private final DayStore days;
    private final Matching matching;
    private final BusinessCalendar calendar;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;
    private final AtomicLong unfinished = new AtomicLong();

    public DayClosing(FactStore facts, LedgerStore ledgers, DayStore days, Matching matching, BusinessCalendar calendar,
                      OutboxTrigger relay, MeterRegistry meters, Clock clock) {
        this.facts = facts;
        this.ledgers = ledgers;
        this.days = days;
        this.matching = matching;
        this.calendar = calendar;
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
        Gauge.builder("vendstream.recon.days.unfinished", unfinished, AtomicLong::get)
                .description("Days marked closed whose ledgers and matching could not be finished").register(meters);
    }

    /** @param unanswered vends and postings the day's last matching got no definite provider answer about */
    public record CloseResult(LocalDate day, boolean alreadyClosed, Instant closedAt, List<Ledger> ledgers,
                              Map<String, String> matching, int unanswered) {
    }

    /**
     * Closes the day: idempotent, a second close (explicit or scheduled) changes nothing and
     * reports the first one.
     *
     * @throws DayNotOverException before the day has ended in every trading merchant's time zone
     */
    public CloseResult close(LocalDate day, String by) {
        return close(day, by, false);
    }

    /**
     * @param early close before the cut-off (demos and drills where waiting for midnight is not an
     *              option). Whatever happens after such a close arrives as a late event and becomes a
     *              versioned adjustment, exactly as for a day closed on time; the close records who
     *              closed it early.
     */
    public CloseResult close(LocalDate day, String by, boolean early) {
        // The metric is tagged with how the day was closed, never with who: tags must stay few.
        String tag = by.startsWith("schedule") ? "schedule" : "api";
        if (days.isClosed(day)) {
            return summary(day, true);
        }
        TreeSet<String> merchants = facts.merchantsOf(day);
        Instant cutoff = calendar.latestCutoff(day, merchants);
        Instant now = clock.instant();
        if (now.isBefore(cutoff)) {
            if (!early) {
                throw new DayNotOverException(day, cutoff);
            }
            by = by + " (early, before the cut-off " + cutoff + ")";
            tag = "early";
            log.warn("Business day {} closed before its cut-off {} by {}", day, cutoff, by);
        }
        // Marked closed before the facts are read: a fact applied after this point sees the day closed
        // and publishes an adjustment itself, so none can slip between the read and the mark.
        if (!days.markClosed(day, now, by)) {
            return summary(day, true);
        }
        merchants.addAll(ledgers.merchantsOf(day));
        merchants.forEach(m -> recompute(day, m));
        record(day, matching.matchProviders(day));
        meters.counter("vendstream.recon.days.closed", "by", tag).increment();
        log.info("Closed business day {} ({} merchants) by {}", day, merchants.size(), by);
        return summary(day, false);
    }

    /**
     * Facts applied for one merchant and business day (one, or a batch's): if the day is closed, each new one is
     * counted as late and the merchant's ledgers are adjusted once (they are recomputed from every stored fact).
     */
    public void onApplied(List<FactStore.Applied> sameMerchantAndDay) {
        FactStore.Applied first = sameMerchantAndDay.get(0);
        if (!days.isClosed(first.businessDay())) {
            return;
        }
        long late = sameMerchantAndDay.stream().filter(FactStore.Applied::isNew).count();
        if (late > 0) {
            meters.counter("vendstream.recon.late.facts").increment(late);
        }
        // A fact seen again recomputes too: its first delivery may have stored it and then failed before this
        // adjustment (a crash, a batch that fell back to one by one, an adjustment that failed). A recompute
        // publishes only what changed, so a plain redelivery publishes nothing.
        recompute(first.businessDay(), first.merchantId());
    }

    /**
     * Recomputes a closed day's ledgers (publishing only what changed) and re-runs provider matching:
     * pending vends settle at the provider, and an adjustment a crash interrupted is published.
     */
    public Matching.Outcome rematch(LocalDate day) {
        if (!days.isClosed(day)) {
            return new Matching.Outcome(Map.of(), 0);
        }
        TreeSet<String> merchants = facts.merchantsOf(day);
        merchants.addAll(ledgers.merchantsOf(day));
        merchants.forEach(m -> recompute(day, m));
        return record(day, matching.matchProviders(day));
    }

    private Matching.Outcome record(LocalDate day, Matching.Outcome outcome) {
        days.recordMatching(day, clock.instant(), outcome.byProvider(), outcome.unanswered());
        if (outcome.unanswered() > 0) {
            meters.counter("vendstream.recon.matching.unanswered").increment(outcome.unanswered());
        }
        return outcome;
    }

    /**
     * Finishes closes a crash interrupted. A close marks the day closed first, then publishes its ledgers
     * and matches the providers, and records the matching last; a day marked closed for longer than
     * {@code olderThan} without its matching recorded had its close cut short, and neither the scheduled
     * close (the day is closed) nor the rematch (only recent days) may come back to it. Its ledgers are
     * recomputed (published only where they are missing or differ) and its providers matched. Days that
     * still cannot be finished are counted in {@code vendstream.recon.days.unfinished}.
     */
    public List<LocalDate> finishInterrupted(Duration olderThan) {
        Instant before = clock.instant().minus(olderThan);
        List<LocalDate> finished = new ArrayList<>();
        for (DayStore.ClosedDay day : days.unfinished(before)) {
            try {
                rematch(day.day());
                finished.add(day.day());
                log.warn("Business day {}, marked closed at {} by {}, had an unfinished close; finished now",
                        day.day(), day.closedAt(), day.closedBy());
            } catch (RuntimeException e) {
                // Left for the next run; one day that cannot be finished holds up no other.
                log.warn("Unfinished close of business day {} could not be finished yet: {}", day.day(), e.toString());
            }
        }
        unfinished.set(days.countUnfinished(before));
        return finished;
    }

    /**
     * Closes every day with facts whose cut-off plus grace has passed, looking back a bounded number
     * of days so the scan does not grow with history (older days are closed by then, or by hand).
     */
    public List<LocalDate> autoClose(Duration grace) {
        List<LocalDate> closed = new ArrayList<>();
        Instant now = clock.instant();
        LocalDate from = LocalDate.ofInstant(now, calendar.defaultZone()).minusDays(AUTO_CLOSE_LOOKBACK_DAYS);
        for (LocalDate day : facts.days(from)) {
            if (days.isClosed(day)) {
                continue;
            }
            if (!now.isBefore(calendar.latestCutoff(day, facts.merchantsOf(day)).plus(grace))) {
                if (!close(day, "schedule").alreadyClosed()) {
                    closed.add(day);
                }
            }
        }
        return closed;
    }

    /**
     * Rematches closed days of the last {@code window}, and older days up to {@code unansweredWindow}
     * back whose last matching left vends without a provider's answer (a provider that was throttling,
     * down or timing out is asked again until it answers).
     */
    public void rematchRecent(Duration window, Duration unansweredWindow) {
        Instant now = clock.instant();
        TreeSet<LocalDate> due = new TreeSet<>();
        days.closedSince(LocalDate.ofInstant(now.minus(window), calendar.defaultZone()))
                .forEach(d -> due.add(d.day()));
        days.unansweredSince(LocalDate.ofInstant(now.minus(unansweredWindow), calendar.defaultZone()))
                .forEach(d -> due.add(d.day()));
        due.forEach(this::rematch);
    }

    void recompute(LocalDate day, String merchantId) {
        List<OrderFacts> orders = facts.ordersOf(day, merchantId);
        Map<LedgerKey, LedgerFigures> computed = new TreeMap<>(LedgerCalculator.compute(orders, calendar::cutoff));
        Map<LedgerKey, LedgerFigures> all = new TreeMap<>(computed);
        // A ledger whose orders all moved elsewhere (a vend event gave them a provider) drops to zero
        // in a new version instead of silently keeping stale figures.
        ledgers.ledgersOf(day, merchantId).forEach(l -> all.putIfAbsent(l.key(), LedgerFigures.ZERO));
        Instant now = clock.instant();
        all.forEach((key, figures) -> ledgers.publish(key, figures, now).ifPresent(published -> {
            if (published.version() > 1) {
                meters.counter("vendstream.recon.ledger.adjustments").increment();
                log.info("Ledger {} adjusted to version {}", key.id(), published.version());
            }
            relay.relay(LedgerStore.COLLECTION, key.id());
        }));
        matching.ownEvents(day, merchantId, orders);
        matching.imbalances(day, merchantId, computed);
    }

    /**
     * A day's ledgers: the published ones once the day is closed; before that a provisional view
     * computed now (version 0), which is what the close would publish if it ran at this moment.
     */
    public List<Ledger> ledgers(LocalDate day, String merchantId) {
        if (days.isClosed(day)) {
            return ledgers.ledgersOf(day, merchantId);
        }
        Instant now = clock.instant();
        List<Ledger> out = new ArrayList<>();
        LedgerCalculator.compute(facts.ordersOf(day, merchantId), calendar::cutoff)
                .forEach((key, figures) -> out.add(new Ledger(key, 0, figures, now)));
        return out;
    }

    public Optional<DayStore.ClosedDay> closedDay(LocalDate day) {
        return days.find(day);
    }

    private CloseResult summary(LocalDate day, boolean alreadyClosed) {
        DayStore.ClosedDay closed = days.find(day).orElseThrow();
        return new CloseResult(day, alreadyClosed, closed.closedAt(), ledgers.ledgersOf(day, null), closed.matching(),
                closed.unanswered());
    }
}
