package com.vendstream.recon.discrepancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.events.ServiceCategory;
import com.vendstream.recon.FakeProvider;
import com.vendstream.recon.Harness;
import com.vendstream.recon.Scenarios;
import com.vendstream.recon.Traffic;
import com.vendstream.recon.providerreport.PaymentRecords;
import com.vendstream.recon.providerreport.ProviderStatus;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mobile-money postings (collections are debits, payouts refunds) against Dollr's status of each. */
class PaymentMatchingTest {

    /** Dollr's status by direction and reference_id. */
    static final class FakeDollr implements PaymentRecords {
        final Map<String, ProviderStatus> statuses = new ConcurrentHashMap<>();

        FakeDollr with(Direction direction, String referenceId, ProviderStatus status) {
            statuses.put(direction + ":" + referenceId, status);
            return this;
        }

        @Override
        public boolean supports(String provider) {
            return provider.equals("dollr");
        }

        @Override
        public ProviderStatus status(String provider, Direction direction, String referenceId) {
            return statuses.getOrDefault(direction + ":" + referenceId, ProviderStatus.NOT_FOUND);
        }
    }

    Harness harness;

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void collectionsAndPayoutsAreMatchedAgainstTheMobileMoneyProvider() {
        Traffic t = new Traffic("m-monrovia", java.time.ZoneOffset.UTC);
        Instant at = Instant.parse("2026-03-10T10:00:00Z");
        t.order("m1", at, 500, "USD", ServiceCategory.AIRTIME).collected("dollr", "c1", at).accepted()
                .via("vtpass", "v1").succeeded(at, null).completed(at);
        // We counted the collection; Dollr says it failed.
        t.order("m2", at, 700, "USD", ServiceCategory.AIRTIME).collected("dollr", "c2", at).accepted()
                .via("vtpass", "v2").succeeded(at, null).completed(at);
        // We saw the collection fail and rejected the order; Dollr took the money.
        t.order("m3", at, 900, "USD", ServiceCategory.AIRTIME).collectionFailed("dollr", "c3", at).rejected();
        // Refund paid out here, not at Dollr.
        t.order("m4", at, 1_100, "USD", ServiceCategory.AIRTIME).collected("dollr", "c4", at).accepted()
                .via("vtpass", "v4").failed(at).paidOut("dollr", "p4", at).refunded(at);
        // Refund payout still pending at Dollr.
        t.order("m5", at, 1_300, "USD", ServiceCategory.AIRTIME).collected("dollr", "c5", at).accepted()
                .via("vtpass", "v5").failed(at).payoutPending("dollr", "p5", at);
        FakeDollr dollr = new FakeDollr()
                .with(PaymentRecords.Direction.COLLECTION, "c1", ProviderStatus.SUCCEEDED)
                .with(PaymentRecords.Direction.COLLECTION, "c2", ProviderStatus.FAILED)
                .with(PaymentRecords.Direction.COLLECTION, "c3", ProviderStatus.SUCCEEDED)
                .with(PaymentRecords.Direction.COLLECTION, "c4", ProviderStatus.SUCCEEDED)
                .with(PaymentRecords.Direction.COLLECTION, "c5", ProviderStatus.SUCCEEDED)
                .with(PaymentRecords.Direction.PAYOUT, "p4", ProviderStatus.FAILED)
                .with(PaymentRecords.Direction.PAYOUT, "p5", ProviderStatus.PENDING);
        FakeProvider vtpass = new FakeProvider()
                .record("vtpass", "v1", ProviderStatus.SUCCEEDED, null, null)
                .record("vtpass", "v2", ProviderStatus.SUCCEEDED, null, null)
                .record("vtpass", "v4", ProviderStatus.FAILED, null, null)
                .record("vtpass", "v5", ProviderStatus.FAILED, null, null);
        harness = new Harness(vtpass, dollr, Instant.parse("2026-03-11T03:00:00Z"), Map.of());
        harness.apply(t.events);

        var result = harness.closing.close(Scenarios.DAY, "test");

        assertThat(result.matching()).containsKeys("dollr", "vtpass");
        assertThat(harness.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null))
                .extracting(Discrepancy::kind, Discrepancy::orderId, Discrepancy::providerReference)
                .containsExactlyInAnyOrder(
                        tuple(DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, "m2", "c2"),
                        tuple(DiscrepancyKind.VENDED_AT_PROVIDER_NOT_HERE, "m3", "c3"),
                        tuple(DiscrepancyKind.SUCCEEDED_HERE_NOT_AT_PROVIDER, "m4", "p4"),
                        tuple(DiscrepancyKind.PENDING_AT_PROVIDER, "m5", "p5"));
        // The ledger itself: m3 was never accepted; m5's debit is held until its refund is paid.
        var ledger = harness.ledgers.ledgersOf(Scenarios.DAY, "m-monrovia").get(0);
        assertThat(ledger.figures().debitsMinor()).isEqualTo(500 + 700 + 1_100 + 1_300);
        assertThat(ledger.figures().heldMinor()).isEqualTo(1_300);
        assertThat(ledger.figures().balanced()).isTrue();
    }

    /** A status lookup Dollr did not answer (UNKNOWN) neither raises nor resolves a discrepancy. */
    @Test
    void anUnansweredStatusLookupKeepsWhatWasKnown() {
        Traffic t = new Traffic("m-monrovia", java.time.ZoneOffset.UTC);
        Instant at = Instant.parse("2026-03-10T10:00:00Z");
        t.order("u1", at, 700, "USD", ServiceCategory.AIRTIME).collected("dollr", "c1", at).accepted()
                .via("vtpass", "v1").succeeded(at, null).completed(at);
        t.order("u2", at, 900, "USD", ServiceCategory.AIRTIME).collected("dollr", "c2", at).accepted()
                .via("vtpass", "v2").succeeded(at, null).completed(at);
        FakeDollr dollr = new FakeDollr()
                .with(PaymentRecords.Direction.COLLECTION, "c1", ProviderStatus.FAILED)
                .with(PaymentRecords.Direction.COLLECTION, "c2", ProviderStatus.UNKNOWN);
        FakeProvider vtpass = new FakeProvider()
                .record("vtpass", "v1", ProviderStatus.SUCCEEDED, null, null)
                .record("vtpass", "v2", ProviderStatus.SUCCEEDED, null, null);
        harness = new Harness(vtpass, dollr, Instant.parse("2026-03-11T03:00:00Z"), Map.of());
        harness.apply(t.events);

        var closed = harness.closing.close(Scenarios.DAY, "test");
        assertThat(closed.unanswered()).isEqualTo(1);
        assertThat(harness.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null))
                .extracting(Discrepancy::providerReference).containsExactly("c1");

        // Dollr's status endpoint stops answering for c1: its discrepancy stays open.
        dollr.with(PaymentRecords.Direction.COLLECTION, "c1", ProviderStatus.UNKNOWN);
        var rematched = harness.closing.rematch(Scenarios.DAY);

        assertThat(rematched.unanswered()).isEqualTo(2);
        assertThat(harness.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.OPEN, null))
                .extracting(Discrepancy::providerReference).containsExactly("c1");
        assertThat(harness.discrepancies.list(Scenarios.DAY, DiscrepancyStatus.RESOLVED, null)).isEmpty();
    }

    @Test
    void withoutAMobileMoneyConnectorPaymentsAreReportedUnmatched() {
        Traffic t = new Traffic("m-monrovia", java.time.ZoneOffset.UTC);
        Instant at = Instant.parse("2026-03-10T10:00:00Z");
        t.order("n1", at, 500, "USD", ServiceCategory.AIRTIME).collected("dollr", "c1", at).accepted();
        harness = new Harness(new FakeProvider(), Instant.parse("2026-03-11T03:00:00Z"), Map.of());
        harness.apply(t.events);

        var result = harness.closing.close(Scenarios.DAY, "test");

        assertThat(result.matching().get("dollr")).startsWith("unavailable");
        assertThat(harness.discrepancies.list(Scenarios.DAY, null, null)).isEmpty();
    }
}
