package com.vendstream.recon.discrepancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.ServiceCategory;
import com.vendstream.recon.FakeProvider;
import com.vendstream.recon.Scenarios;
import com.vendstream.recon.Traffic;
import com.vendstream.recon.ledger.OrderFacts;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.TransactionReport;
import com.vendstream.recon.providerreport.ConnectorProviderRecords;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.recon.providerreport.ProviderView;
import com.vendstream.recon.providerreport.ReportedTransactions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscrepancyMatcherTest {

    static List<Discrepancy> match(Traffic t, FakeProvider provider, String... providers) {
        List<OrderFacts> orders = t.orderFacts();
        List<Discrepancy> found = new ArrayList<>();
        for (String p : providers) {
            List<OrderFacts> ours = orders.stream().filter(o -> p.equals(o.provider())).toList();
            found.addAll(DiscrepancyMatcher.matchProvider(Scenarios.DAY, p, ours,
                    provider.fetch(p, Scenarios.DAY, ours.stream().map(o -> new com.vendstream.recon.providerreport
                            .VendToCheck(o.orderId(), o.reference(), null, o.service(), null, null)).toList()),
                    (prov, ref) -> false));
        }
        found.addAll(DiscrepancyMatcher.contradictions(Scenarios.DAY, Scenarios.MERCHANT, orders));
        return found;
    }

    @Test
    void theInjectedMismatchesAndNothingElse() {
        List<Discrepancy> found = match(Scenarios.mixedDay(), Scenarios.mixedDayProviders(), "vtpass", "pagamio");

        assertThat(found).extracting(Discrepancy::kind, Discrepancy::orderId, Discrepancy::ourAmountMinor,
                        Discrepancy::providerAmountMinor)
                .containsExactlyInAnyOrder(
                        tuple(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, "o3", 30_000L, null),
                        tuple(DiscrepancyKind.AMOUNT_MISMATCH, "o4", 10_000L, 12_000L),
                        tuple(DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, "o5", 5_000L, null));
        Discrepancy loss = found.stream().filter(d -> d.orderId().equals("o3")).findFirst().orElseThrow();
        assertThat(loss.suggestedAction()).startsWith("Loss");
        assertThat(loss.evidence()).containsEntry("our.vendStatus", "FAILED").containsEntry("wallet.refundMinor", "30000")
                .containsEntry("provider.records", "SUCCEEDED#tx-ref-o3");
        // Evidence never carries the customer's account or token.
        assertThat(found).allSatisfy(d -> assertThat(d.evidence().values())
                .noneMatch(v -> v.contains("08011111111") || v.contains("1234-5678")));
    }

    @Test
    void idsAreStableAcrossRuns() {
        List<String> first = match(Scenarios.mixedDay(), Scenarios.mixedDayProviders(), "vtpass", "pagamio").stream()
                .map(Discrepancy::discrepancyId).sorted().toList();
        List<String> second = match(Scenarios.mixedDay(), Scenarios.mixedDayProviders(), "vtpass", "pagamio").stream()
                .map(Discrepancy::discrepancyId).sorted().toList();
        assertThat(first).hasSize(3).isEqualTo(second);
    }

    @Test
    void aVendRefusedAtValidationThatTheProviderNeverSettledIsNoDiscrepancy() {
        // Seen in the fault campaign: Pay4Power refuses a vend at validation (400), the order is refunded,
        // and the day's requery of its reference answers 404 (not known), read as pending.
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        t.order("v1", Scenarios.at(9, 0), 1_000, "NGN", ServiceCategory.ELECTRICITY).accepted().via("pay4power", "ref-v1")
                .failed(Scenarios.at(9, 1), com.vendstream.events.FailureClass.VALIDATION).refunded(Scenarios.at(9, 2));
        // Declined after processing: a provider still saying pending disputes our failure.
        t.order("v2", Scenarios.at(9, 10), 2_000, "NGN", ServiceCategory.ELECTRICITY).accepted().via("pay4power", "ref-v2")
                .failed(Scenarios.at(9, 11)).refunded(Scenarios.at(9, 12));
        FakeProvider provider = new FakeProvider()
                .record("pay4power", "ref-v1", ProviderStatus.PENDING, null, null)
                .record("pay4power", "ref-v2", ProviderStatus.PENDING, null, null);

        List<Discrepancy> found = match(t, provider, "pay4power");

        assertThat(found).extracting(Discrepancy::kind, Discrepancy::providerReference)
                .containsExactly(tuple(DiscrepancyKind.PENDING_AT_PROVIDER, "ref-v2"));
    }

    @Test
    void pendingDuplicateUnknownAndContradictoryOutcomes() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        t.order("p1", Scenarios.at(9, 0), 1_000, "ZAR", ServiceCategory.AIRTIME).accepted().via("pagamio", "ref-p1")
                .pending(Scenarios.at(9, 1));
        t.order("p2", Scenarios.at(9, 10), 2_000, "ZAR", ServiceCategory.AIRTIME).accepted().via("pagamio", "ref-p2")
                .succeeded(Scenarios.at(9, 11), null).completed(Scenarios.at(9, 11));
        // vend-service said failed, status-poller later said succeeded: both on record.
        t.order("p3", Scenarios.at(9, 20), 3_000, "ZAR", ServiceCategory.AIRTIME).accepted().via("pagamio", "ref-p3")
                .failed(Scenarios.at(9, 21)).succeeded(Scenarios.at(9, 40), null).refunded(Scenarios.at(9, 22));
        FakeProvider provider = new FakeProvider().withReport("pagamio")
                .record("pagamio", "ref-p1", ProviderStatus.PENDING, 1_000L, "ZAR")
                .record("pagamio", "ref-p2", ProviderStatus.SUCCEEDED, 2_000L, "ZAR")
                .record("pagamio", "ref-p2", ProviderStatus.SUCCEEDED, 2_000L, "ZAR")
                .record("pagamio", "ref-p3", ProviderStatus.SUCCEEDED, 3_000L, "ZAR")
                .record("pagamio", "ref-stranger", ProviderStatus.SUCCEEDED, 9_000L, "ZAR");

        List<Discrepancy> found = match(t, provider, "pagamio");

        assertThat(found).extracting(Discrepancy::kind, Discrepancy::providerReference).containsExactlyInAnyOrder(
                tuple(DiscrepancyKind.PENDING_AT_PROVIDER, "ref-p1"),
                tuple(DiscrepancyKind.DUPLICATE_AT_PROVIDER, "ref-p2"),
                tuple(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, "ref-stranger"),
                tuple(DiscrepancyKind.CONTRADICTORY_OUTCOME, "ref-p3"));
        assertThat(found).filteredOn(d -> d.kind() == DiscrepancyKind.DUPLICATE_AT_PROVIDER)
                .extracting(Discrepancy::providerAmountMinor).containsExactly(4_000L);
    }

    @Test
    void aReportLineOfAnotherDaysOrderIsNotALoss() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        FakeProvider provider = new FakeProvider().withReport("pagamio")
                .record("pagamio", "ref-yesterday", ProviderStatus.SUCCEEDED, 9_000L, "ZAR");
        List<Discrepancy> found = DiscrepancyMatcher.matchProvider(Scenarios.DAY, "pagamio", t.orderFacts(),
                provider.fetch("pagamio", Scenarios.DAY, List.of()), (p, ref) -> ref.equals("ref-yesterday"));
        assertThat(found).isEmpty();
    }
    @Test
    void aReportAmountWeCouldNotReadIsUnknownNeverAMismatchAndSaysSo() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        t.order("u1", Scenarios.at(9, 0), 2_000, "ZAR", ServiceCategory.AIRTIME).accepted().via("pagamio", "ref-u1")
                .succeeded(Scenarios.at(9, 1), null).completed(Scenarios.at(9, 1));
        t.order("u2", Scenarios.at(9, 10), 3_000, "ZAR", ServiceCategory.AIRTIME).accepted().via("pagamio", "ref-u2")
                .succeeded(Scenarios.at(9, 11), null).completed(Scenarios.at(9, 11));
        // Pagamio's report as its connector reads it: an amount finer than the rand is null (unknown).
        ReportedTransactions report = new ReportedTransactions("pagamio", day -> day.equals(Scenarios.DAY) ? List.of(
                new TransactionReport("pagamio", "tx-1", "ref-u1", CodeRule.Outcome.SUCCEEDED, null, "ZAR", "MTN", null),
                new TransactionReport("pagamio", "tx-2", "ref-u2", CodeRule.Outcome.SUCCEEDED, 3_000L, "ZAR", "MTN", null),
                new TransactionReport("pagamio", "tx-3", "ref-u2", CodeRule.Outcome.SUCCEEDED, null, "ZAR", "MTN", null))
                : List.of());
        ProviderView view = new ConnectorProviderRecords(List.of(), List.of(report), 100)
                .fetch("pagamio", Scenarios.DAY, List.of());

        List<Discrepancy> found = DiscrepancyMatcher.matchProvider(Scenarios.DAY, "pagamio", t.orderFacts(), view,
                (p, ref) -> false);

        // u1 delivered at both ends: no refund suggested for an amount nobody could read.
        assertThat(found).extracting(Discrepancy::kind, Discrepancy::providerReference)
                .containsExactly(tuple(DiscrepancyKind.DUPLICATE_AT_PROVIDER, "ref-u2"));
        Discrepancy duplicate = found.get(0);
        assertThat(duplicate.providerAmountMinor()).as("one amount unknown: the total is unknown").isNull();
        assertThat(duplicate.evidence()).containsEntry("provider.records", "SUCCEEDED:3000#tx-2, SUCCEEDED#tx-3")
                .containsEntry("provider.amount", "not stated or not readable in the report; amount not checked");
    }
}
