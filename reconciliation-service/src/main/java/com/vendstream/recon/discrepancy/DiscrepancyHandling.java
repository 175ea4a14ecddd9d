package com.vendstream.recon.discrepancy;

import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.kit.outbox.OutboxTrigger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Finance's hand on a discrepancy: acknowledge it (taken up), or resolve it (RECOVERED, WRITTEN_OFF, REFUNDED).
 * Each is one compare-and-set on the stored discrepancy with its ReconDiscrepancy event in the same write, so
 * an answered change is stored and will be published; repeating it changes and publishes nothing.
 */
public class DiscrepancyHandling {

    private final DiscrepancyStore store;
    private final OutboxTrigger relay;
    private final Clock clock;

    public DiscrepancyHandling(DiscrepancyStore store, OutboxTrigger relay, Clock clock) {
        this.store = store;
        this.relay = relay;
        this.clock = clock;
    }

    /**
     * @param by who acknowledged it (the back-office user's name)
     * @return the discrepancy as stored; empty when there is none with this id
     * @throws Discrepancy.StateConflict when it is resolved
     */
    public Optional<Discrepancy> acknowledge(String discrepancyId, String by, String note) {
        Instant at = now();
        return stored(store.change(discrepancyId, d -> d.acknowledgedBy(by, note, at), at));
    }

    /**
     * @return the discrepancy as stored; empty when there is none with this id
     * @throws Discrepancy.StateConflict when it is resolved otherwise (another resolution, or by the matching)
     */
    public Optional<Discrepancy> resolve(String discrepancyId, DiscrepancyResolution resolution, String by,
                                         String note) {
        Instant at = now();
        return stored(store.change(discrepancyId, d -> d.resolvedBy(by, resolution, note, at), at));
    }

    private Optional<Discrepancy> stored(Optional<DiscrepancyStore.Changed> changed) {
        changed.filter(DiscrepancyStore.Changed::stored)
                .ifPresent(c -> relay.relay(DiscrepancyStore.COLLECTION, c.discrepancy().discrepancyId()));
        return changed.map(DiscrepancyStore.Changed::discrepancy);
    }

    /** To the millisecond: what the store and the event keep, so the answer is what a later read gives. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
