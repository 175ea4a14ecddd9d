package com.vendstream.recon.day;

import com.vendstream.kit.deadletter.BatchFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.deadletter.Failure;
import com.vendstream.recon.FakeProvider;
import com.vendstream.recon.Harness;
import com.vendstream.recon.Harnesses;
import com.vendstream.recon.Scenarios;
import com.vendstream.recon.Traffic;
import com.vendstream.recon.ledger.EventFacts;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ledger.LedgerStore;
import com.vendstream.recon.providerreport.ProviderStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;

/**
 * Issue 13, item 3: the consumers take in a polled batch at a time ({@link EventIntake#acceptAll}), its facts
 * in one bulk write, with the end state of taking the same events in one by one (facts, ledgers, late
 * adjustments), a redelivered batch changing nothing, and a failure naming only the event it stopped at.
 */
class FactBatchTest {

    @RegisterExtension
    final Harnesses harnesses = new Harnesses();

    @Test
    void aBatchIsWrittenInOneBulkCommandAndARedeliveredBatchChangesNothing() {
        Harness h = harnesses.open(Scenarios.mixedDayProviders());
        List<SpecificRecord> batch = new ArrayList<>(Scenarios.mixedDay().events);
        // The same event twice in one poll (a producer retry) is applied once.
        batch.add(batch.get(3));
        long facts = batch.stream().filter(e -> EventFacts.of(e).isPresent()).count();
        Map<String, Integer> commands = new ConcurrentHashMap<>();
        CommandListener counting = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.merge(event.getCommandName(), 1, Integer::sum);
            }
        };
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(h.mongo.uri)).addCommandListener(counting).build())) {
            EventIntake intake = new EventIntake(new FactStore(new ReactiveMongoTemplate(client, "recon")),
                    h.closing, h.meters);

            intake.acceptAll(batch);

            // One bulk update of every fact and one read of the orders' scopes, not one findAndModify per event.
            assertThat(commands).containsOnly(Map.entry("update", 1), Map.entry("find", 1));
            assertThat(applied(h, true)).isEqualTo(facts - 1);
            assertThat(applied(h, false)).isEqualTo(1);
            List<Document> before = orders(h);
            assertThat(before).hasSize(9);

            // Redelivered: the same two commands, every duplicate key recognised by its stored event id.
            commands.clear();
            intake.acceptAll(batch);

            assertThat(commands).containsOnly(Map.entry("update", 1), Map.entry("find", 1));
            assertThat(orders(h)).isEqualTo(before);
            assertThat(applied(h, true)).isEqualTo(facts - 1);
            assertThat(applied(h, false)).isEqualTo(1 + facts);
        }
    }

    @Test
    void batchesGiveTheLedgersAndAdjustmentsOfOneByOneIntake() {
        Traffic traffic = Scenarios.mixedDay();
        Traffic.Order late = traffic.order("late-1", Scenarios.at(20, 0), 25_000, "NGN", ServiceCategory.AIRTIME)
                .accepted().via("vtpass", "ref-late-1").failed(Scenarios.at(20, 1));
        Traffic.Order latePending = traffic.order("late-2", Scenarios.at(21, 0), 4_000, "NGN",
                ServiceCategory.DATA).accepted().via("vtpass", "ref-late-2").pending(Scenarios.at(21, 1));
        // Other interleavings across topics, with redeliveries, as after a rebalance.
        List<SpecificRecord> replay = new ArrayList<>(traffic.events);
        replay.addAll(traffic.events.subList(5, 15));
        Collections.shuffle(replay, new Random(7));
        FakeProvider providers = Scenarios.mixedDayProviders()
                .record("vtpass", "ref-late-1", ProviderStatus.FAILED, null, null)
                .record("vtpass", "ref-late-2", ProviderStatus.SUCCEEDED, null, null);
        Harness oneByOne = harnesses.open(providers);
        Harness batched = harnesses.open(providers);

        oneByOne.apply(replay);
        inBatches(batched, replay, 7);

        assertThat(rawFacts(batched)).isEqualTo(rawFacts(oneByOne));
        assertThat(Scenarios.figures(batched.closing.ledgers(Scenarios.DAY, null)))
                .isEqualTo(Scenarios.figures(oneByOne.closing.ledgers(Scenarios.DAY, null)));
        oneByOne.closing.close(Scenarios.DAY, "test");
        batched.closing.close(Scenarios.DAY, "test");
        assertThat(batched.ledgers.ledgersOf(Scenarios.DAY, null))
                .isEqualTo(oneByOne.ledgers.ledgersOf(Scenarios.DAY, null));

        // Late events for the closed day: a refund and a success, each delivered twice, in one batch.
        oneByOne.later(Duration.ofHours(5));
        batched.later(Duration.ofHours(5));
        traffic.events.clear();
        late.refunded(oneByOne.clock.instant());
        latePending.succeeded(oneByOne.clock.instant(), 3_900L).completed(oneByOne.clock.instant());
        List<SpecificRecord> lateEvents = new ArrayList<>(traffic.events);
        lateEvents.addAll(traffic.events);
        oneByOne.apply(lateEvents);
        batched.intake.acceptAll(lateEvents);

        List<Ledger> expected = oneByOne.ledgers.ledgersOf(Scenarios.DAY, null);
        List<Ledger> actual = batched.ledgers.ledgersOf(Scenarios.DAY, null);
        assertThat(Scenarios.figures(actual)).isEqualTo(Scenarios.figures(expected));
        assertThat(actual).allSatisfy(l -> assertThat(l.figures().balanced()).isTrue());
        // The batch's late facts are one adjustment of the ledger they changed (one by one, one per fact).
        Ledger adjusted = actual.stream().filter(l -> l.key().id().contains("|vtpass|AIRTIME|NGN")).findFirst()
                .orElseThrow();
        assertThat(adjusted.version()).isEqualTo(2);
        assertThat(adjusted.figures().refundsMinor()).isEqualTo(20_000 + 30_000 + 25_000);
        assertThat(batched.outbox(LedgerStore.COLLECTION)).hasSizeGreaterThan(actual.size());
        // Every new late fact is counted, as one by one counts them, though the batch adjusts once.
        assertThat(batched.meters.counter("vendstream.recon.late.facts").count())
                .isEqualTo(oneByOne.meters.counter("vendstream.recon.late.facts").count()).isGreaterThan(1);
    }

    @Test
    void anEventThatCannotBeReadIsNamedByItsPositionAndTheOnesBeforeItAreApplied() {
        Harness h = harnesses.open(new FakeProvider());
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        t.order("b1", Scenarios.at(9, 0), 1_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-b1")
                .succeeded(Scenarios.at(9, 1), null).completed(Scenarios.at(9, 1));
        OrderAccepted unreadable = OrderAccepted.newBuilder((OrderAccepted) t.events.get(0)).build();
        unreadable.put("line", null);
        t.order("b2", Scenarios.at(9, 5), 2_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-b2")
                .succeeded(Scenarios.at(9, 6), null);
        List<SpecificRecord> batch = new ArrayList<>(t.events.subList(0, 3));
        batch.add(unreadable);
        batch.addAll(t.events.subList(3, 5));

        assertThatThrownBy(() -> h.intake.acceptAll(batch)).isInstanceOfSatisfying(BatchFailed.class,
                e -> assertThat(e.index()).isEqualTo(3));

        assertThat(h.facts.find("b1").orElseThrow().facts()).hasSize(3);
        assertThat(h.facts.find("b2")).isEmpty();
        // The error handler dead-letters that event alone and delivers the rest again from the one after it.
        h.intake.acceptAll(batch.subList(4, batch.size()));
        assertThat(h.facts.find("b2").orElseThrow().facts()).hasSize(2);
    }

    @Test
    void duringAStoreOutageTheBatchFailsAtItsFirstEventAsTransientAndIsAppliedWhenTheStoreIsBack() {
        Harness h = harnesses.open(new FakeProvider());
        List<SpecificRecord> batch = Scenarios.mixedDay().events;
        try (MongoClient down = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://localhost:1/?serverSelectionTimeoutMS=300"))
                .build())) {
            EventIntake cut = new EventIntake(new FactStore(new ReactiveMongoTemplate(down, "recon")), h.closing,
                    h.meters);

            assertThatThrownBy(() -> cut.acceptAll(batch)).isInstanceOfSatisfying(BatchFailed.class,
                    e -> {
                        assertThat(e.index()).isZero();
                        assertThat(Failure.classify(e.getCause()).kind()).isEqualTo(Failure.TRANSIENT);
                    });
        }
        // Retried from the first event once the store answers: nothing was lost.
        h.intake.acceptAll(batch);
        assertThat(orders(h)).hasSize(9);
        assertThat(applied(h, true)).isEqualTo(batch.stream().filter(e -> EventFacts.of(e).isPresent()).count());
    }

    /**
     * A batch whose facts were stored but whose adjustment of a closed day did not happen (its bulk write
     * answered an error after landing and it fell back to one by one; or the adjustment itself failed and
     * the batch was retried): when the events come again their facts are no longer new, and the closed
     * day's ledger must still be adjusted, not left stale for a rematch that may never cover that day.
     */
    @Test
    void lateFactsStoredWithoutTheirAdjustmentAreAdjustedWhenTheyComeAgain() {
        Traffic traffic = Scenarios.mixedDay();
        Traffic.Order late = traffic.order("late-1", Scenarios.at(20, 0), 25_000, "NGN", ServiceCategory.AIRTIME)
                .accepted().via("vtpass", "ref-late-1").failed(Scenarios.at(20, 1));
        Harness h = harnesses.open(Scenarios.mixedDayProviders().record("vtpass", "ref-late-1", ProviderStatus.FAILED,
                null, null));
        inBatches(h, traffic.events, 7);
        h.closing.close(Scenarios.DAY, "test");
        h.later(Duration.ofHours(5));
        traffic.events.clear();
        late.refunded(h.clock.instant());
        List<SpecificRecord> lateEvents = List.copyOf(traffic.events);
        lateEvents.forEach(e -> EventFacts.of(e).ifPresent(h.facts::apply));

        h.intake.acceptAll(lateEvents);

        Ledger adjusted = h.ledgers.ledgersOf(Scenarios.DAY, null).stream()
                .filter(l -> l.key().id().contains("|vtpass|AIRTIME|NGN")).findFirst().orElseThrow();
        assertThat(adjusted.version()).isEqualTo(2);
        assertThat(adjusted.figures().refundsMinor()).isEqualTo(20_000 + 30_000 + 25_000);
        assertThat(adjusted.figures().balanced()).isTrue();
    }

    static void inBatches(Harness h, List<SpecificRecord> events, int size) {
        for (int from = 0; from < events.size(); from += size) {
            h.intake.acceptAll(events.subList(from, Math.min(events.size(), from + size)));
        }
    }

    static double applied(Harness h, boolean isNew) {
        return h.meters.find("vendstream.recon.events").tag("applied", Boolean.toString(isNew)).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    static List<Document> orders(Harness h) {
        return h.mongo.template.getMongoDatabase()
                .flatMapMany(db -> Flux.from(db.getCollection(FactStore.COLLECTION).find().sort(new Document("_id", 1))))
                .collectList().block();
    }

    /** Each order's scope and its facts as a set (the order within one document's array is not meaningful). */
    static Map<String, Object> rawFacts(Harness h) {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (Document d : orders(h)) {
            List<String> facts = new ArrayList<>(d.getList("facts", Document.class).stream().map(Document::toJson)
                    .toList());
            Collections.sort(facts);
            out.put(d.getString("_id"), List.of(d.getString("merchantId"), d.getString("businessDay"), facts));
        }
        return out;
    }
}
