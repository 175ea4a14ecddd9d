package com.vendstream.recon.day;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.recon.Harness;
import com.vendstream.recon.Harnesses;
import com.vendstream.recon.Scenarios;
import com.vendstream.recon.day.DayClosing.CloseResult;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ledger.LedgerStore;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/**
 * Issue 12, item 4, reconciliation's part: a crash during a day's close (marked closed, its ledgers or
 * matching not finished) is finished by the schedule, once, with balanced ledgers published.
 */
class DayCloseRecoveryTest {

    private static final Duration FINISH_AFTER = Duration.ofMinutes(10);

    @RegisterExtension
    final Harnesses harnesses = new Harnesses();

    @Test
    void aCrashAfterTheDayWasMarkedClosedBeforeItsLedgersIsFinishedOnce() {
        // What the close would have published, from a twin that did not crash.
        Harness twin = harnesses.open(Scenarios.mixedDayProviders());
        twin.apply(Scenarios.mixedDay().events);
        CloseResult expected = twin.closing.close(Scenarios.DAY, "schedule");

        Harness h = harnesses.open(Scenarios.mixedDayProviders());
        h.apply(Scenarios.mixedDay().events);
        // The close's first step, then the crash: marked closed, nothing computed, nothing published.
        assertThat(h.days.markClosed(Scenarios.DAY, h.clock.instant(), "schedule")).isTrue();
        assertThat(h.closing.autoClose(Duration.ofHours(2))).as("the scheduled close sees it closed").isEmpty();
        assertThat(h.closing.finishInterrupted(FINISH_AFTER)).as("a close may still be under way").isEmpty();

        h.later(Duration.ofMinutes(11));
        assertThat(h.closing.finishInterrupted(FINISH_AFTER)).containsExactly(Scenarios.DAY);

        List<Ledger> ledgers = h.ledgers.ledgersOf(Scenarios.DAY, null);
        assertThat(Scenarios.figures(ledgers)).isEqualTo(Scenarios.figures(expected.ledgers()));
        assertThat(ledgers).allSatisfy(l -> {
            assertThat(l.version()).isEqualTo(1);
            assertThat(l.figures().balanced()).isTrue();
        });
        assertThat(h.outbox(LedgerStore.COLLECTION)).hasSize(expected.ledgers().size());
        assertThat(h.outbox(DiscrepancyStore.COLLECTION)).hasSameSizeAs(twin.outbox(DiscrepancyStore.COLLECTION));
        assertThat(h.days.find(Scenarios.DAY).orElseThrow().matchedAt()).isNotNull();
        assertThat(unfinishedGauge(h)).isZero();

        // Finished: the next runs leave it alone and publish nothing more.
        h.later(Duration.ofMinutes(5));
        assertThat(h.closing.finishInterrupted(FINISH_AFTER)).isEmpty();
        assertThat(h.outbox(LedgerStore.COLLECTION)).hasSize(expected.ledgers().size());
    }

    @Test
    void aCrashAfterSomeLedgersWerePublishedPublishesOnlyTheMissingOnes() {
        Harness h = harnesses.open(Scenarios.mixedDayProviders());
        h.apply(Scenarios.mixedDay().events);
        CloseResult closed = h.closing.close(Scenarios.DAY, "schedule");
        // Rebuild what a crash part-way through the ledgers leaves: the first three written (and relayed),
        // the other two not, and the matching never recorded.
        List<Ledger> all = closed.ledgers();
        block(collection(h, LedgerStore.COLLECTION).deleteMany(new Document("_id", new Document("$in",
                all.subList(3, all.size()).stream().map(l -> l.key().id()).toList()))));
        block(collection(h, LedgerStore.COLLECTION).updateMany(new Document(),
                new Document("$set", new Document("outbox", List.of()))));
        block(collection(h, DayStore.COLLECTION).updateOne(new Document("_id", Scenarios.DAY.toString()),
                new Document("$unset", new Document("matchedAt", ""))));
        h.later(Duration.ofMinutes(11));

        assertThat(h.closing.finishInterrupted(FINISH_AFTER)).containsExactly(Scenarios.DAY);

        List<Ledger> now = h.ledgers.ledgersOf(Scenarios.DAY, null);
        assertThat(Scenarios.figures(now)).isEqualTo(Scenarios.figures(all));
        assertThat(now).allSatisfy(l -> assertThat(l.version()).isEqualTo(1));
        assertThat(h.outbox(LedgerStore.COLLECTION)).as("the two missing ones, nothing twice")
                .hasSize(all.size() - 3);
    }

    @Test
    void aDayWhoseCloseCannotBeFinishedIsCountedAndTriedAgain() {
        Harness h = harnesses.open((provider, day, ours) -> {
            throw new IllegalStateException("store failing");
        });
        h.apply(Scenarios.mixedDay().events);
        h.days.markClosed(Scenarios.DAY, h.clock.instant(), "schedule");
        h.later(Duration.ofMinutes(11));

        assertThat(h.closing.finishInterrupted(FINISH_AFTER)).isEmpty();

        assertThat(unfinishedGauge(h)).isEqualTo(1);
        assertThat(h.days.find(Scenarios.DAY).orElseThrow().matchedAt()).isNull();
    }

    private static double unfinishedGauge(Harness h) {
        return h.meters.get("vendstream.recon.days.unfinished").gauge().value();
    }

    private static com.mongodb.reactivestreams.client.MongoCollection<Document> collection(Harness h, String name) {
        return h.mongo.template.getCollection(name).block();
    }

    private static void block(org.reactivestreams.Publisher<?> p) {
        Flux.from(p).blockLast();
    }
}
