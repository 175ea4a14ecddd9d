package com.vendstream.recon.discrepancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.events.ReconDiscrepancy;
import com.vendstream.recon.FakeProvider;
import com.vendstream.recon.Harness;
import com.vendstream.recon.Harnesses;
import com.vendstream.recon.Scenarios;
import com.vendstream.recon.providerreport.ProviderStatus;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finance's acknowledgement and resolution on the mixed day's discrepancies (domain on the in-memory store): each
 * is one compare-and-set with its event in the outbox, repeating it stores and publishes nothing, a conflicting
 * resolution is refused, and the matching neither reopens what finance resolved (unless it finds another difference:
 * other money or evidence) nor forgets who acknowledged.
 */
class DiscrepancyHandlingTest {

    @RegisterExtension
    final Harnesses harnesses = new Harnesses();

    private Harness h;
    private DiscrepancyHandling handling;
    private final List<String> relayed = new ArrayList<>();

    private Discrepancy closedDayWith(DiscrepancyKind kind, FakeProvider providers) {
        h = harnesses.open(providers);
        handling = new DiscrepancyHandling(h.discrepancies, (collection, id) -> relayed.add((String) id), h.clock);
        h.apply(Scenarios.mixedDay().events);
        h.closing.close(Scenarios.DAY, "test");
        return h.discrepancies.list(Scenarios.DAY, null, null).stream().filter(d -> d.kind() == kind).findFirst()
                .orElseThrow();
    }

    private List<ReconDiscrepancy> eventsOf(String discrepancyId) {
        return h.outbox(DiscrepancyStore.COLLECTION).stream().map(ReconDiscrepancy.class::cast)
                .filter(e -> e.getDiscrepancyId().equals(discrepancyId)).toList();
    }

    @Test
    void acknowledgingTwiceIsOnceAndTheMatchingKeepsItAcknowledged() {
        Discrepancy found = closedDayWith(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, Scenarios.mixedDayProviders());
        String id = found.discrepancyId();

        Discrepancy acknowledged = handling.acknowledge(id, "fatima", "asking VTpass for the receipt").orElseThrow();
        h.later(Duration.ofMinutes(5));
        Discrepancy again = handling.acknowledge(id, "kofi", "me too").orElseThrow();

        assertThat(acknowledged.status()).isEqualTo(DiscrepancyStatus.ACKNOWLEDGED);
        assertThat(acknowledged.handling().acknowledgedBy()).isEqualTo("fatima");
        assertThat(acknowledged.handling().acknowledgeNote()).isEqualTo("asking VTpass for the receipt");
        assertThat(acknowledged.handling().acknowledgedAt())
                .isEqualTo(Scenarios.AFTER_DAY.truncatedTo(ChronoUnit.MILLIS));
        assertThat(again).isEqualTo(acknowledged);
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.ACKNOWLEDGED, null)).containsExactly(acknowledged);
        // One change, one event (OPEN at the close, then ACKNOWLEDGED), relayed once.
        assertThat(eventsOf(id)).extracting(ReconDiscrepancy::getStatus)
                .containsExactly(DiscrepancyStatus.OPEN, DiscrepancyStatus.ACKNOWLEDGED);
        ReconDiscrepancy event = eventsOf(id).get(1);
        assertThat(event.getAcknowledgedBy()).isEqualTo("fatima");
        assertThat(event.getAcknowledgedAt()).isEqualTo(acknowledged.handling().acknowledgedAt());
        assertThat(event.getResolution()).isNull();
        // The note is free text on a compacted topic kept forever: it stays in the store, out of the event.
        assertThat(event.getSchema().getFields()).extracting(f -> f.name().toLowerCase())
                .noneMatch(name -> name.contains("note"));
        assertThat(event.toString()).doesNotContain("asking VTpass");
        assertThat(relayed).containsExactly(id);

        // The provider still says it delivered: found again, it stays acknowledged and nothing is published.
        h.closing.rematch(Scenarios.DAY);
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.ACKNOWLEDGED, null)).containsExactly(acknowledged);
        assertThat(eventsOf(id)).hasSize(2);
    }

    @Test
    void aResolutionStandsRepeatsAreFreeAndAnotherIsRefused() {
        Discrepancy found = closedDayWith(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, Scenarios.mixedDayProviders());
        String id = found.discrepancyId();
        handling.acknowledge(id, "fatima", null);

        Discrepancy resolved = handling.resolve(id, DiscrepancyResolution.WRITTEN_OFF, "amaka", "below the claim limit")
                .orElseThrow();
        assertThat(resolved.status()).isEqualTo(DiscrepancyStatus.RESOLVED);
        assertThat(resolved.handling()).satisfies(hd -> {
            assertThat(hd.acknowledgedBy()).isEqualTo("fatima");
            assertThat(hd.resolution()).isEqualTo(DiscrepancyResolution.WRITTEN_OFF);
            assertThat(hd.resolvedBy()).isEqualTo("amaka");
            assertThat(hd.resolutionNote()).isEqualTo("below the claim limit");
        });
        assertThat(handling.resolve(id, DiscrepancyResolution.WRITTEN_OFF, "kofi", "again")).contains(resolved);
        assertThatThrownBy(() -> handling.resolve(id, DiscrepancyResolution.REFUNDED, "kofi", "refund instead"))
                .isInstanceOf(Discrepancy.StateConflict.class).hasMessageContaining("WRITTEN_OFF");
        assertThatThrownBy(() -> handling.acknowledge(id, "kofi", null)).isInstanceOf(Discrepancy.StateConflict.class);
        assertThat(eventsOf(id)).extracting(ReconDiscrepancy::getStatus).containsExactly(DiscrepancyStatus.OPEN,
                DiscrepancyStatus.ACKNOWLEDGED, DiscrepancyStatus.RESOLVED);
        assertThat(eventsOf(id).get(2).getResolution()).isEqualTo(DiscrepancyResolution.WRITTEN_OFF);

        // Writing a loss off does not change the provider's books: the matching finds it again and it stays resolved.
        h.closing.rematch(Scenarios.DAY);
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.RESOLVED, null)).containsExactly(resolved);
        assertThat(eventsOf(id)).hasSize(3);
        assertThat(handling.acknowledge("no-such-id", "fatima", null)).isEmpty();
    }

    @Test
    void aResolutionIsKeptOnlyForTheDifferenceItResolved() {
        FakeProvider providers = Scenarios.mixedDayProviders();
        Discrepancy found = closedDayWith(DiscrepancyKind.AMOUNT_MISMATCH, providers);
        String id = found.discrepancyId();
        assertThat(found.providerAmountMinor()).isEqualTo(12_000L);
        handling.acknowledge(id, "fatima", "claiming the difference");
        handling.resolve(id, DiscrepancyResolution.WRITTEN_OFF, "amaka", "below the claim limit").orElseThrow();

        // Pagamio's report now says 500.00 where it said 120.00: not the 20.00 difference that was written off.
        providers.settle("pagamio", "ref-o4", ProviderStatus.SUCCEEDED, 50_000L, "ZAR");
        h.closing.rematch(Scenarios.DAY);
        Discrepancy reopened = h.discrepancies.list(Scenarios.DAY, null, null).stream()
                .filter(d -> d.discrepancyId().equals(id)).findFirst().orElseThrow();
        assertThat(reopened.status()).isEqualTo(DiscrepancyStatus.ACKNOWLEDGED);
        assertThat(reopened.providerAmountMinor()).isEqualTo(50_000L);
        assertThat(reopened.handling()).satisfies(hd -> {
            assertThat(hd.acknowledgedBy()).isEqualTo("fatima");
            assertThat(hd.resolution()).isNull();
            assertThat(hd.resolvedBy()).isNull();
            assertThat(hd.resolvedAt()).isNull();
            assertThat(hd.resolutionNote()).isNull();
        });
        List<ReconDiscrepancy> events = eventsOf(id);
        ReconDiscrepancy last = events.get(events.size() - 1);
        assertThat(last.getStatus()).isEqualTo(DiscrepancyStatus.ACKNOWLEDGED);
        assertThat(last.getResolution()).isNull();
        assertThat(last.getProviderAmount().getAmountMinor()).isEqualTo(50_000L);

        // The new difference can be resolved by hand again.
        assertThat(handling.resolve(id, DiscrepancyResolution.RECOVERED, "amaka", "credit note from Pagamio")
                .orElseThrow().status()).isEqualTo(DiscrepancyStatus.RESOLVED);
    }

    @Test
    void aResolvedOneNeverAcknowledgedReopensAsOpen() {
        FakeProvider providers = Scenarios.mixedDayProviders();
        Discrepancy found = closedDayWith(DiscrepancyKind.AMOUNT_MISMATCH, providers);
        String id = found.discrepancyId();
        handling.resolve(id, DiscrepancyResolution.WRITTEN_OFF, "amaka", "below the claim limit").orElseThrow();

        providers.settle("pagamio", "ref-o4", ProviderStatus.SUCCEEDED, 12_500L, "ZAR");
        h.closing.rematch(Scenarios.DAY);
        assertThat(h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null))
                .filteredOn(d -> d.discrepancyId().equals(id)).singleElement()
                .satisfies(d -> assertThat(d.handling()).isEqualTo(Discrepancy.Handling.NONE));
    }

    @Test
    void anAcknowledgedOneStillResolvesItselfAndThenCannotBeResolvedByHand() {
        FakeProvider providers = Scenarios.mixedDayProviders();
        Discrepancy found = closedDayWith(DiscrepancyKind.AMOUNT_MISMATCH, providers);
        String id = found.discrepancyId();
        handling.acknowledge(id, "fatima", "claiming the difference");

        // Pagamio corrects its report: the amounts agree, the matching resolves it, the acknowledgement is kept.
        providers.settle("pagamio", "ref-o4", ProviderStatus.SUCCEEDED, 10_000L, "ZAR");
        h.closing.rematch(Scenarios.DAY);
        Discrepancy settled = h.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.RESOLVED, null).stream()
                .filter(d -> d.discrepancyId().equals(id)).findFirst().orElseThrow();
        assertThat(settled.handling().acknowledgedBy()).isEqualTo("fatima");
        assertThat(settled.handling().resolution()).isNull();
        assertThatThrownBy(() -> handling.resolve(id, DiscrepancyResolution.RECOVERED, "fatima", "got it back"))
                .isInstanceOf(Discrepancy.StateConflict.class).hasMessageContaining("matching");
    }

    @Test
    void parallelAcknowledgementsStoreOneChange() throws Exception {
        Discrepancy found = closedDayWith(DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, Scenarios.mixedDayProviders());
        String id = found.discrepancyId();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Discrepancy>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String who = "user" + i;
                calls.add(() -> handling.acknowledge(id, who, null).orElseThrow());
            }
            List<Discrepancy> answers = new ArrayList<>();
            for (Future<Discrepancy> f : pool.invokeAll(calls)) {
                answers.add(f.get());
            }
            // Every caller is answered with the one acknowledgement that was stored.
            assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
        } finally {
            pool.shutdownNow();
        }
        assertThat(eventsOf(id)).extracting(ReconDiscrepancy::getStatus)
                .containsExactly(DiscrepancyStatus.OPEN, DiscrepancyStatus.ACKNOWLEDGED);
    }
}
