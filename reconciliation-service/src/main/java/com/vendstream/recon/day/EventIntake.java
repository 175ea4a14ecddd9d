package com.vendstream.recon.day;

import com.vendstream.kit.events.Events;
import com.vendstream.recon.ledger.EventFacts;
import com.vendstream.recon.ledger.FactStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies one consumed event: its fact at most once, then any adjustment its closed day needs. */
public class EventIntake {

    private static final Logger log = LoggerFactory.getLogger(EventIntake.class);

    private final FactStore facts;
    private final DayClosing closing;
    private final MeterRegistry meters;

    public EventIntake(FactStore facts, DayClosing closing, MeterRegistry meters) {
        this.facts = facts;
        this.closing = closing;
        this.meters = meters;
    }

    public void accept(SpecificRecord event) {
        EventFacts.of(event).ifPresentOrElse(fact -> {
            FactStore.Applied applied = facts.apply(fact);
            meters.counter("vendstream.recon.events", "type", Events.typeOf(event), "applied",
                    Boolean.toString(applied.isNew())).increment();
            if (!applied.isNew()) {
                log.debug("Already applied {}", Events.describe(event));
            }
            // A redelivery publishes nothing here; an adjustment a crash interrupted after the fact was
            // stored is caught by the scheduled rematch, which recomputes recent closed days.
            closing.onApplied(applied);
        }, () -> meters.counter("vendstream.recon.events.ignored", "type", Events.typeOf(event)).increment());
    }
}
