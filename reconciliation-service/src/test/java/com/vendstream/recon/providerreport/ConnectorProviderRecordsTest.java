package com.vendstream.recon.providerreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.testkit.ScriptedConnector;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorProviderRecordsTest {

    static final LocalDate DAY = LocalDate.of(2026, 3, 10);

    static VendToCheck vend(String ref) {
        return new VendToCheck("o-" + ref, ref, null, "AIRTIME", "MTN", null);
    }

    @Test
    void requeriesEachOfOurReferencesWhenTheProviderHasNoReport() {
        ScriptedConnector vtpass = new ScriptedConnector("vtpass")
                .answer("a", new VendOutcome.Succeeded("000", "tx-a", null, null, List.of(), Map.of(), null))
                .answer("b", new VendOutcome.Failed("016", FailureClass.DECLINED_BY_PROVIDER, "failed", false))
                .answer("c", VendOutcome.pending(PendingCause.PROVIDER_PENDING, "099", "processing"));
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(vtpass), List.of(), 100);

        ProviderView view = records.fetch("vtpass", DAY, List.of(vend("a"), vend("b"), vend("c"), vend("d")));

        assertThat(view.fullReport()).isFalse();
        assertThat(view.records()).extracting(ProviderRecord::reference, ProviderRecord::status,
                ProviderRecord::providerTransactionId).containsExactly(tuple("a", ProviderStatus.SUCCEEDED, "tx-a"),
                tuple("b", ProviderStatus.FAILED, null), tuple("c", ProviderStatus.PENDING, null),
                tuple("d", ProviderStatus.UNKNOWN, null));
        assertThat(vtpass.asked).extracting(RequeryCommand::service).containsOnly(ServiceType.AIRTIME);
    }

    /**
     * A requery that was throttled, refused, timed out, reset, answered 5xx or garbage, or refused for
     * our own credentials says nothing about the vend: UNKNOWN, never FAILED (a refund suggestion) and
     * never PENDING (the provider did not say it is processing).
     */
    @Test
    void aRequeryThatGotNoAnswerIsUnknownNeverAFailure() {
        ScriptedConnector vtpass = new ScriptedConnector("vtpass")
                .answer("throttled", ScriptedConnector.throttled())
                .answer("refused", ScriptedConnector.refused())
                .answer("timed-out", ScriptedConnector.timedOut())
                .answer("reset", ScriptedConnector.reset())
                .answer("5xx", ScriptedConnector.serverError())
                .answer("garbage", VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, null, "reply is not JSON"))
                .answer("throttled-after-send", VendOutcome.pending(PendingCause.THROTTLED_AFTER_SEND, "429", "slow"))
                .answer("pagamio-429", new VendOutcome.Failed("429", FailureClass.THROTTLED, "rate limited", true))
                .answer("our-credentials", new VendOutcome.Failed("087", FailureClass.NOT_AVAILABLE_TO_MERCHANT,
                        "INVALID CREDENTIALS", true))
                .answer("unknown-code", VendOutcome.pending(PendingCause.UNKNOWN_CODE, "HTTP 404", "Not Found"))
                .answer("failed", new VendOutcome.Failed("016", FailureClass.DECLINED_BY_PROVIDER, "FAILED", false))
                .answer("processing", VendOutcome.pending(PendingCause.PROVIDER_PENDING, "099", "processing"));
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(vtpass), List.of(), 100);
        List<String> refs = List.of("throttled", "refused", "timed-out", "reset", "5xx", "garbage",
                "throttled-after-send", "pagamio-429", "our-credentials", "unknown-code", "failed", "processing");

        ProviderView view = records.fetch("vtpass", DAY, refs.stream().map(ConnectorProviderRecordsTest::vend).toList());

        assertThat(view.records()).extracting(ProviderRecord::reference, ProviderRecord::status).containsExactly(
                tuple("throttled", ProviderStatus.UNKNOWN), tuple("refused", ProviderStatus.UNKNOWN),
                tuple("timed-out", ProviderStatus.UNKNOWN), tuple("reset", ProviderStatus.UNKNOWN),
                tuple("5xx", ProviderStatus.UNKNOWN), tuple("garbage", ProviderStatus.UNKNOWN),
                tuple("throttled-after-send", ProviderStatus.UNKNOWN), tuple("pagamio-429", ProviderStatus.UNKNOWN),
                tuple("our-credentials", ProviderStatus.UNKNOWN), tuple("unknown-code", ProviderStatus.UNKNOWN),
                tuple("failed", ProviderStatus.FAILED), tuple("processing", ProviderStatus.PENDING));
    }

    @Test
    void aReferenceTheProviderDoesNotKnowIsNotFoundNotPending() {
        // Pay4Power's requery of a reference it never took (e.g. a vend it declined) answers 404; taken for
        // "pending", it made a false PENDING_AT_PROVIDER about a refunded order in the fault campaign.
        assertThat(ConnectorProviderRecords.statusOf(new VendOutcome.Pending("404", PendingCause.PROVIDER_PENDING,
                "Reference not known (yet)", null))).isEqualTo(ProviderStatus.NOT_FOUND);
        assertThat(ConnectorProviderRecords.statusOf(new VendOutcome.Pending("202", PendingCause.PROVIDER_PENDING,
                "Transaction In-Progress", null))).isEqualTo(ProviderStatus.PENDING);
    }

    @Test
    void aRateLimitedRequeryIsUnknownByItsThrottledMarkNotByItsCode() {
        // Pay4Power's 429 is a PENDING row of its table (PROVIDER_PENDING): only the throttled mark the
        // table puts on it keeps it from reading "still processing".
        VendOutcome limited = com.vendstream.providers.pay4power.Pay4PowerTransformer.vend(429,
                "{\"success\":false,\"statusCode\":429,\"message\":\"Too Many Requests\"}", false);
        assertThat(limited).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.cause()).isEqualTo(PendingCause.PROVIDER_PENDING));
        assertThat(ConnectorProviderRecords.statusOf(limited)).isEqualTo(ProviderStatus.UNKNOWN);
        assertThat(ConnectorProviderRecords.statusOf(new VendOutcome.Pending("202", PendingCause.PROVIDER_PENDING,
                "Transaction In-Progress", null, true))).isEqualTo(ProviderStatus.UNKNOWN);
    }

    @Test
    void aDayReportIsReadForTheDayAndItsNeighbours() {
        List<LocalDate> asked = new ArrayList<>();
        ReportedTransactions pagamio = new ReportedTransactions("pagamio", day -> {
            asked.add(day);
            return day.equals(DAY) ? List.of(new TransactionReport("pagamio", "tx-1", "ref-1",
                    CodeRule.Outcome.SUCCEEDED, 12_000L, "ZAR", "Eskom", null)) : List.of();
        });
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(), List.of(pagamio), 100);

        ProviderView view = records.fetch("pagamio", DAY, List.of());

        assertThat(view.fullReport()).isTrue();
        assertThat(asked).containsExactly(DAY.minusDays(1), DAY, DAY.plusDays(1));
        assertThat(view.records()).containsExactly(
                new ProviderRecord("ref-1", "tx-1", ProviderStatus.SUCCEEDED, 12_000L, "ZAR", DAY));
    }

    @Test
    void anUnknownProviderOrTooManyRequeriesIsUnavailableNotEmpty() {
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(new ScriptedConnector("vtpass")), List.of(),
                1);
        assertThatThrownBy(() -> records.fetch("pawacard", DAY, List.of(vend("a"))))
                .isInstanceOf(ProviderUnavailableException.class);
        assertThatThrownBy(() -> records.fetch("vtpass", DAY, List.of(vend("a"), vend("b"))))
                .isInstanceOf(ProviderUnavailableException.class);
        ReportedTransactions broken = new ReportedTransactions("pagamio", day -> {
            throw new IllegalStateException("HTTP 503");
        });
        assertThatThrownBy(() -> new ConnectorProviderRecords(List.of(), List.of(broken), 1)
                .fetch("pagamio", DAY, List.of())).isInstanceOf(ProviderUnavailableException.class);
    }
    @Test
    void aDayReportGoesThroughTheProvidersGuards() {
        ScriptedConnector.DayReporting acme = new ScriptedConnector.DayReporting("acme").onDay(day -> {
            throw new IllegalStateException("Pagamio-like transactions report failed with HTTP 503");
        });
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(), List.of(ReportedTransactions.guarded(
                acme, new GuardedConnectors(List.of(acme), new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1),
                        50, 4)))), 100);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> records.fetch("acme", DAY, List.of())).isInstanceOf(ProviderUnavailableException.class);
        }

        // Four failed reports opened acme's circuit: the next match does not ask, and acme is unavailable.
        assertThatThrownBy(() -> records.fetch("acme", DAY, List.of())).isInstanceOf(ProviderUnavailableException.class)
                .hasRootCauseMessage("report not asked: acme circuit open");
        assertThat(acme.days).hasSize(4);
    }
}
