package com.vendstream.recon.providerreport;

import com.vendstream.providers.DayReports;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.guard.GuardedConnectors;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/**
 * A connector's transaction report (the providers module's {@link TransactionReport}) as a
 * {@link ProviderDayReport}. Each line is filed under the day it was reported for: the provider's
 * own day, which matching uses to decide whether an unknown line belongs to the day being matched.
 */
public final class ReportedTransactions implements ProviderDayReport {

    private final String provider;
    private final Function<LocalDate, List<TransactionReport>> report;

    public ReportedTransactions(String provider, Function<LocalDate, List<TransactionReport>> report) {
        this.provider = provider;
        this.report = report;
    }

    /** A connector's own day report (Pagamio's POST /transactions for a SAST day). */
    public static ReportedTransactions of(DayReports connector) {
        return new ReportedTransactions(connector.id(), connector::transactions);
    }

    /**
     * The same behind the provider's guards: a report they keep back (circuit open, every call slot busy)
     * throws, so the provider is unavailable for the day and its earlier discrepancies stay as they were.
     */
    public static ReportedTransactions guarded(DayReports connector, GuardedConnectors guards) {
        return new ReportedTransactions(connector.id(), day -> guards.call(connector.id(), "day-report",
                () -> connector.transactions(day), keptBack -> {
                    throw new IllegalStateException("report not asked: " + keptBack.message());
                }));
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public List<ProviderRecord> transactions(LocalDate day) {
        return report.apply(day).stream().map(t -> new ProviderRecord(t.reference(), t.providerTransactionId(),
                status(t), t.amountMinor(), t.currency(), day)).toList();
    }

    private static ProviderStatus status(TransactionReport t) {
        if (t.outcome() == null) {
            return ProviderStatus.UNKNOWN;
        }
        switch (t.outcome()) {
            case SUCCEEDED:
                return ProviderStatus.SUCCEEDED;
            case FAILED:
                return ProviderStatus.FAILED;
            case PENDING:
                return ProviderStatus.PENDING;
            default:
                return ProviderStatus.UNKNOWN;
        }
    }
}
