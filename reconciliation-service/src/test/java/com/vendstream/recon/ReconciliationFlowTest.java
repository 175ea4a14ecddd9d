package com.vendstream.recon;

import static com.vendstream.recon.Scenarios.AFTER_DAY;
import static com.vendstream.recon.Scenarios.figures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.events.DailyLedger;
import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.events.ReconDiscrepancy;
import com.vendstream.events.ServiceCategory;
import com.vendstream.recon.day.DayClosing.CloseResult;
import com.vendstream.recon.day.DayNotOverException;
import com.vendstream.recon.discrepancy.Discrepancy;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ledger.LedgerStore;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.VendOutcome;
import com.vendstream.recon.providerreport.ConnectorProviderRecords;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.testkit.ScriptedConnector;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The domain end to end on the MongoDB wire protocol: facts, close, adjustments, matching, outbox. */
class ReconciliationFlowTest {

    @RegisterExtension
    final Harnesses harnesses = new Harnesses();

    @Test
    void closingADayPublishesBalancedLedgersAndExactlyTheInjectedDiscrepancies() {
        Harness h = harnesses.open(Scenarios.mixedDayProviders());
        h.apply(Scenarios.mixedDay().events);

        CloseResult result = h.closing.close(Scenarios.DAY, "test");

        assertThat(result.alreadyClosed()).isFalse();
        assertThat(result.ledgers()).hasSize(5).allSatisfy(l -> {
            assertThat(l.version()).isEqualTo(1);
            assertThat(l.figures().balanced()).isTrue();
        });
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null))
                .extracting(Discrepancy::kind, Discrepancy::orderId).containsExactlyInAnyOrder(
                        tuple(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, "o3"),
                        tuple(DiscrepancyKind.AMOUNT_MISMATCH, "o4"),
                        tuple(DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, "o5"));
        assertThat(result.matching()).containsOnlyKeys("pagamio", "vtpass");

        List<SpecificRecord> ledgerEvents = h.outbox(LedgerStore.COLLECTION);
        assertThat(ledgerEvents).hasSize(5).allSatisfy(e -> {
            DailyLedger l = (DailyLedger) e;
            assertThat(l.getVersion()).isEqualTo(1);
            assertThat(l.getBalanced()).isTrue();
            assertThat(l.getBusinessDay()).isEqualTo(Scenarios.DAY);
        });
        assertThat(h.outbox(DiscrepancyStore.COLLECTION)).hasSize(3)
                .allSatisfy(e -> assertThat(((ReconDiscrepancy) e).getStatus()).isEqualTo(DiscrepancyStatus.OPEN));
        assertThat(h.relayed).isNotEmpty();
    }

    @Test
    void closingTwiceChangesNothing() {
        Harness h = harnesses.open(Scenarios.mixedDayProviders());
        h.apply(Scenarios.mixedDay().events);
        CloseResult first = h.closing.close(Scenarios.DAY, "test");
        int ledgerEvents = h.outbox(LedgerStore.COLLECTION).size();
        int discrepancyEvents = h.outbox(DiscrepancyStore.COLLECTION).size();
        h.later(Duration.ofHours(1));

        CloseResult second = h.closing.close(Scenarios.DAY, "test");

        assertThat(second.alreadyClosed()).isTrue();
        assertThat(second.closedAt()).isEqualTo(first.closedAt());
        assertThat(second.ledgers()).isEqualTo(first.ledgers());
        assertThat(h.outbox(LedgerStore.COLLECTION)).hasSize(ledgerEvents);
        assertThat(h.outbox(DiscrepancyStore.COLLECTION)).hasSize(discrepancyEvents);
    }

    @Test
    void replayingTheTopicsFromTheBeginningRebuildsIdenticalLedgers() {
        Traffic traffic = Scenarios.mixedDay();
        Harness original = harnesses.open(Scenarios.mixedDayProviders());
        original.apply(traffic.events);
        original.closing.close(Scenarios.DAY, "test");
        List<Ledger> before = original.ledgers.ledgersOf(Scenarios.DAY, null);
        int published = original.outbox(LedgerStore.COLLECTION).size();

        // Same store, consumer group reset to the beginning: every event is a redelivery.
        original.apply(traffic.events);
        assertThat(original.ledgers.ledgersOf(Scenarios.DAY, null)).isEqualTo(before);
        assertThat(original.outbox(LedgerStore.COLLECTION)).hasSize(published);

        // Fresh store, topics read from the start (other interleaving across topics, with redeliveries).
        List<SpecificRecord> replay = new ArrayList<>(traffic.events);
        replay.addAll(traffic.events.subList(5, 15));
        Collections.shuffle(replay, new Random(7));
        Harness rebuilt = harnesses.open(Scenarios.mixedDayProviders());
        rebuilt.apply(replay);
        rebuilt.closing.close(Scenarios.DAY, "test");

        List<Ledger> after = rebuilt.ledgers.ledgersOf(Scenarios.DAY, null);
        assertThat(figures(after)).isEqualTo(figures(before));
        assertThat(after).extracting(Ledger::version).containsOnly(1);
        assertThat(rebuilt.discrepancies.list(Scenarios.DAY, null, null))
                .isEqualTo(original.discrepancies.list(Scenarios.DAY, null, null));
    }

    @Test
    void aLateEventForAClosedDayPublishesAnAdjustmentNotASilentChange() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        Traffic.Order order = t.order("late-1", Scenarios.at(20, 0), 25_000, "NGN", ServiceCategory.AIRTIME).accepted()
                .via("vtpass", "ref-late-1").failed(Scenarios.at(20, 1));
        Harness h = harnesses.open(new FakeProvider().record("vtpass", "ref-late-1", ProviderStatus.FAILED, null, null));
        h.apply(t.events);
        h.closing.close(Scenarios.DAY, "test");
        Ledger v1 = h.ledgers.ledgersOf(Scenarios.DAY, Scenarios.MERCHANT).get(0);
        assertThat(v1.figures().heldMinor()).isEqualTo(25_000);

        // The refund was only made after the close.
        h.later(Duration.ofHours(5));
        t.events.clear();
        order.refunded(h.clock.instant());
        h.apply(t.events);
        h.apply(t.events);

        Ledger v2 = h.ledgers.ledgersOf(Scenarios.DAY, Scenarios.MERCHANT).get(0);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.figures().heldMinor()).isZero();
        assertThat(v2.figures().refundsMinor()).isEqualTo(25_000);
        assertThat(v2.figures().ordersRefunded()).isEqualTo(1);
        assertThat(v2.figures().balanced()).isTrue();
        assertThat(h.outbox(LedgerStore.COLLECTION)).extracting(e -> ((DailyLedger) e).getVersion(),
                e -> ((DailyLedger) e).getHeldMinor()).containsExactly(tuple(1, 25_000L), tuple(2, 0L));
        // The closed day stays closed at its first close.
        assertThat(h.closing.close(Scenarios.DAY, "test").alreadyClosed()).isTrue();
    }

    @Test
    void aLateVendEventMovesTheOrderToItsProviderAndZeroesTheOldLedger() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        Traffic.Order order = t.order("late-2", Scenarios.at(21, 0), 5_000, "NGN", ServiceCategory.AIRTIME).accepted()
                .via("vtpass", "ref-late-2");
        Harness h = harnesses.open(new FakeProvider());
        h.apply(t.events);
        h.closing.close(Scenarios.DAY, "test");
        assertThat(h.ledgers.ledgersOf(Scenarios.DAY, null)).extracting(l -> l.key().provider()).containsExactly("none");

        t.events.clear();
        order.succeeded(h.clock.instant(), null).completed(h.clock.instant());
        h.apply(t.events);

        assertThat(h.ledgers.ledgersOf(Scenarios.DAY, null)).extracting(l -> l.key().provider(), Ledger::version,
                l -> l.figures().debitsMinor(), l -> l.figures().keptMinor())
                // vtpass v1 when the vend arrived (debit held), v2 when the completion kept it.
                .containsExactlyInAnyOrder(tuple("none", 2, 0L, 0L), tuple("vtpass", 2, 5_000L, 5_000L));
    }

    @Test
    void aContradictionArrivingLateUnbalancesTheLedgerAndIsReported() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        Traffic.Order order = t.order("c-1", Scenarios.at(8, 0), 9_000, "NGN", ServiceCategory.AIRTIME).accepted()
                .via("vtpass", "ref-c-1").succeeded(Scenarios.at(8, 1), null).completed(Scenarios.at(8, 1));
        Harness h = harnesses.open(new FakeProvider().record("vtpass", "ref-c-1", ProviderStatus.SUCCEEDED, null, null));
        h.apply(t.events);
        h.closing.close(Scenarios.DAY, "test");
        assertThat(h.discrepancies.list(Scenarios.DAY, null, null)).isEmpty();

        t.events.clear();
        order.refunded(h.clock.instant());
        h.apply(t.events);

        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null)).extracting(Discrepancy::kind)
                .containsExactlyInAnyOrder(DiscrepancyKind.CONTRADICTORY_OUTCOME, DiscrepancyKind.LEDGER_IMBALANCE);
        assertThat(h.ledgers.ledgersOf(Scenarios.DAY, null).get(0).figures().balanced()).isFalse();
    }

    @Test
    void pendingAtTheProviderResolvesItselfWhenTheProviderSettles() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        Traffic.Order order = t.order("s-1", Scenarios.at(22, 0), 4_000, "NGN", ServiceCategory.AIRTIME).accepted()
                .via("vtpass", "ref-s-1").pending(Scenarios.at(22, 1));
        FakeProvider provider = new FakeProvider().record("vtpass", "ref-s-1", ProviderStatus.PENDING, null, null);
        Harness h = harnesses.open(provider);
        h.apply(t.events);
        h.closing.close(Scenarios.DAY, "test");
        Discrepancy pending = h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null).get(0);
        assertThat(pending.kind()).isEqualTo(DiscrepancyKind.PENDING_AT_PROVIDER);

        provider.settle("vtpass", "ref-s-1", ProviderStatus.SUCCEEDED, null, null);
        t.events.clear();
        order.succeeded(h.clock.instant(), null).completed(h.clock.instant());
        h.apply(t.events);
        h.closing.rematch(Scenarios.DAY);

        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null)).isEmpty();
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.RESOLVED, null))
                .extracting(Discrepancy::discrepancyId).containsExactly(pending.discrepancyId());
        assertThat(h.outbox(DiscrepancyStore.COLLECTION)).extracting(e -> ((ReconDiscrepancy) e).getStatus())
                .containsExactly(DiscrepancyStatus.OPEN, DiscrepancyStatus.RESOLVED);
    }

    @Test
    void theScheduledRematchPicksUpRecentClosedDaysOnly() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        t.order("r-1", Scenarios.at(22, 0), 4_000, "NGN", ServiceCategory.AIRTIME).accepted()
                .via("vtpass", "ref-r-1").pending(Scenarios.at(22, 1));
        FakeProvider provider = new FakeProvider().record("vtpass", "ref-r-1", ProviderStatus.PENDING, null, null);
        Harness h = harnesses.open(provider);
        h.apply(t.events);
        h.closing.close(Scenarios.DAY, "test");
        provider.settle("vtpass", "ref-r-1", ProviderStatus.FAILED, null, null);

        h.later(Duration.ofDays(10));
        h.closing.rematchRecent(Duration.ofDays(3), Duration.ofDays(30));
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null)).hasSize(1);

        h.clock.setInstant(AFTER_DAY.plus(Duration.ofHours(1)));
        h.closing.rematchRecent(Duration.ofDays(3), Duration.ofDays(30));
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null)).isEmpty();
    }

    /**
     * Issue 11 item 20: a requery answered 429, refused or timed out is no answer. It raises no
     * discrepancy, resolves none, is counted in the day's matching outcome, and the day is matched again
     * (also after the usual rematch window) until the provider answers.
     */
    @Test
    void aRequeryWithoutAnAnswerIsUnknownAndAskedAgainUntilTheProviderAnswers() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        t.order("n-1", Scenarios.at(9, 0), 5_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-n-1")
                .succeeded(Scenarios.at(9, 1), null).completed(Scenarios.at(9, 1));
        t.order("n-2", Scenarios.at(10, 0), 7_000, "NGN", ServiceCategory.AIRTIME).accepted()
                .via("vtpass", "ref-n-2").succeeded(Scenarios.at(10, 1), null).completed(Scenarios.at(10, 1));
        VendOutcome succeeded = new VendOutcome.Succeeded("000", "tx", null, null, List.of(), Map.of(), null);
        ScriptedConnector vtpass = new ScriptedConnector("vtpass")
                .answer("ref-n-1", ScriptedConnector.throttled())
                .answer("ref-n-2", new VendOutcome.Failed("016", FailureClass.DECLINED_BY_PROVIDER, "FAILED", false));
        Harness h = harnesses.open(new ConnectorProviderRecords(List.of(vtpass), List.of(), 100));
        h.apply(t.events);

        CloseResult closed = h.closing.close(Scenarios.DAY, "test");

        // Only VTpass's explicit 016 is a discrepancy; its 429 is not a refund suggestion.
        List<Discrepancy> open = h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null);
        assertThat(open).extracting(Discrepancy::kind, Discrepancy::orderId)
                .containsExactly(tuple(DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, "n-2"));
        assertThat(closed.unanswered()).isEqualTo(1);
        assertThat(closed.matching().get("vtpass")).contains("1 without an answer");
        assertThat(h.closing.closedDay(Scenarios.DAY).orElseThrow().unanswered()).isEqualTo(1);

        // Five days on (past the 3-day rematch window) the scheduled rematch still asks again; VTpass
        // refuses the connection and times out: still no answer, and the open discrepancy stays open.
        vtpass.answer("ref-n-1", ScriptedConnector.refused()).answer("ref-n-2", ScriptedConnector.timedOut());
        h.later(Duration.ofDays(5));
        int asked = vtpass.asked.size();
        h.closing.rematchRecent(Duration.ofDays(3), Duration.ofDays(30));

        assertThat(vtpass.asked).hasSize(asked + 2);
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null)).isEqualTo(open);
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.RESOLVED, null)).isEmpty();
        assertThat(h.closing.closedDay(Scenarios.DAY).orElseThrow().unanswered()).isEqualTo(2);

        // VTpass answers at last: both delivered. The discrepancy resolves and the day stops being asked.
        vtpass.answer("ref-n-1", succeeded).answer("ref-n-2", succeeded);
        h.later(Duration.ofMinutes(30));
        h.closing.rematchRecent(Duration.ofDays(3), Duration.ofDays(30));
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null)).isEmpty();
        assertThat(h.closing.closedDay(Scenarios.DAY).orElseThrow().unanswered()).isZero();

        asked = vtpass.asked.size();
        h.later(Duration.ofMinutes(30));
        h.closing.rematchRecent(Duration.ofDays(3), Duration.ofDays(30));
        assertThat(vtpass.asked).hasSize(asked);
    }

    @Test
    void anUnreadableProviderKeepsItsDiscrepanciesAsTheyWere() {
        FakeProvider provider = Scenarios.mixedDayProviders();
        Harness h = harnesses.open(provider);
        h.apply(Scenarios.mixedDay().events);
        h.closing.close(Scenarios.DAY, "test");
        provider.down.add("pagamio");

        var outcome = h.closing.rematch(Scenarios.DAY);

        assertThat(outcome.byProvider().get("pagamio")).startsWith("unavailable");
        // Its three vends count as unanswered, so the day is matched again until Pagamio can be read.
        assertThat(outcome.unanswered()).isEqualTo(3);
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null)).hasSize(3);
    }

    @Test
    void aDayIsNotClosedBeforeItEndsInTheMerchantsZone() {
        Harness h = harnesses.open(new FakeProvider());
        h.apply(Scenarios.mixedDay().events);
        // 23:30 UTC on the day is already the next day in Lagos; 22:30 UTC is not.
        h.clock.setInstant(Instant.parse("2026-03-10T22:30:00Z"));
        assertThatThrownBy(() -> h.closing.close(Scenarios.DAY, "test")).isInstanceOf(DayNotOverException.class);
        assertThat(h.days.isClosed(Scenarios.DAY)).isFalse();

        h.clock.setInstant(Instant.parse("2026-03-10T23:30:00Z"));
        assertThat(h.closing.autoClose(Duration.ofHours(2))).isEmpty();
        h.clock.setInstant(Instant.parse("2026-03-11T01:00:00Z"));
        assertThat(h.closing.autoClose(Duration.ofHours(2))).containsExactly(Scenarios.DAY);
    }

    @Test
    void anEarlyCloseIsExplicitRecordedAndLaterEventsBecomeAdjustments() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        Traffic.Order order = t.order("early-1", Scenarios.at(20, 0), 25_000, "NGN", ServiceCategory.AIRTIME)
                .accepted().via("vtpass", "ref-early-1").failed(Scenarios.at(20, 1));
        Harness h = harnesses.open(new FakeProvider().record("vtpass", "ref-early-1", ProviderStatus.FAILED, null, null));
        h.apply(t.events);
        h.clock.setInstant(Instant.parse("2026-03-10T21:00:00Z"));

        assertThatThrownBy(() -> h.closing.close(Scenarios.DAY, "test", false)).isInstanceOf(DayNotOverException.class);
        CloseResult early = h.closing.close(Scenarios.DAY, "test", true);
        assertThat(early.alreadyClosed()).isFalse();
        assertThat(h.closing.closedDay(Scenarios.DAY).orElseThrow().closedBy()).contains("early");
        assertThat(h.ledgers.ledgersOf(Scenarios.DAY, Scenarios.MERCHANT).get(0).figures().heldMinor())
                .isEqualTo(25_000);

        // The refund lands before the real cut-off, after the early close: an adjustment, version 2.
        h.clock.setInstant(Instant.parse("2026-03-10T21:30:00Z"));
        t.events.clear();
        order.refunded(h.clock.instant());
        h.apply(t.events);
        Ledger v2 = h.ledgers.ledgersOf(Scenarios.DAY, Scenarios.MERCHANT).get(0);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.figures().refundsMinor()).isEqualTo(25_000);
        assertThat(v2.figures().balanced()).isTrue();
    }
}
