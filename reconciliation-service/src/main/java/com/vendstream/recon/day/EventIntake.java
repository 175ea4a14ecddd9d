package com.vendstream.recon.day;

import com.vendstream.kit.deadletter.BatchFailed;
import com.vendstream.kit.events.Events;
import com.vendstream.recon.ledger.EventFacts;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.recon.ledger.Fact;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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


    /**
     * Takes in a polled batch with the same end state as {@link #accept} one by one: the facts in one bulk
     * write ({@link FactStore#applyAll}), then each closed day's adjustment once per merchant rather than once
     * per late fact (the ledgers are recomputed from all stored facts, so the last recompute is the one that
     * counts). Returns once every fact is durable; throws {@link BatchFailed} naming the first event not taken
     * in, all before it being applied, so only that event is retried or dead-lettered.
     */
    public void acceptAll(List<? extends SpecificRecord> events) {
        List<Fact> batch = new ArrayList<>(events.size());
        List<Integer> positions = new ArrayList<>(events.size());
        List<SpecificRecord> unused = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Optional<Fact> fact;
            try {
                fact = EventFacts.of(events.get(i));
            } catch (Throwable e) {
                // An event that cannot be read as a fact: take in the ones before it, then name it.
                acceptAll(events.subList(0, i));
                throw new BatchFailed("event", i, e);
            }
            if (fact.isPresent()) {
                batch.add(fact.get());
                positions.add(i);
            } else {
                unused.add(events.get(i));
            }
        }
        List<FactStore.Applied> applied;
        try {
            applied = facts.applyAll(batch);
        } catch (Throwable e) {
            // An outage, or one fact the store refuses: one by one fails at the first event during an outage
            // (the batch is tried again from there) and at the refused fact otherwise, so its neighbours are
            // never blamed for it. Facts the bulk did write are then found applied and not counted again; a
            // late one among them is still adjusted (a closed day is recomputed for facts seen again too).
            meters.counter("vendstream.recon.batch.fallback").increment();
            log.debug("Batched fact write failed ({}); taking the batch in one by one", e.getClass().getName());
            for (int i = 0; i < events.size(); i++) {
                try {
                    accept(events.get(i));
                } catch (Throwable failure) {
                    throw new BatchFailed("event", i, failure);
                }
            }
            return;
        }
        unused.forEach(this::ignored);
        // One adjustment per merchant and day covers every late fact of the batch for it; a failure is named at
        // the group's first event, so the retry from there brings the whole group again.
        Map<String, List<FactStore.Applied>> byMerchantAndDay = new LinkedHashMap<>();
        Map<String, Integer> firstPosition = new HashMap<>();
        for (int k = 0; k < applied.size(); k++) {
            FactStore.Applied a = applied.get(k);
            counted(events.get(positions.get(k)), a);
            String key = a.businessDay() + "|" + a.merchantId();
            byMerchantAndDay.computeIfAbsent(key, x -> new ArrayList<>()).add(a);
            firstPosition.putIfAbsent(key, positions.get(k));
        }
        byMerchantAndDay.forEach((key, group) -> {
            try {
                closing.onApplied(group);
            } catch (Throwable e) {
                throw new BatchFailed("event", firstPosition.get(key), e);
            }
        });
    }

    private void counted(SpecificRecord event, FactStore.Applied applied) {
        meters.counter("vendstream.recon.events", "type", Events.typeOf(event), "applied",
                Boolean.toString(applied.isNew())).increment();
        if (!applied.isNew()) {
            log.debug("Already applied {}", Events.describe(event));
        }
    }

    private void ignored(SpecificRecord event) {
        meters.counter("vendstream.recon.events.ignored", "type", Events.typeOf(event)).increment();
    }

    public void accept(SpecificRecord event) {
        EventFacts.of(event).ifPresentOrElse(fact -> {
            FactStore.Applied applied = facts.apply(fact);
            counted(event, applied);
            // A redelivery publishes nothing new here; an adjustment a crash interrupted after the fact was
            // stored is made when the fact comes again (and by the scheduled rematch for recent days).
            closing.onApplied(List.of(applied));
        }, () -> ignored(event));
    }
}
