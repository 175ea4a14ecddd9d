package com.vendstream.recon;

import com.vendstream.events.ServiceCategory;
import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.providerreport.ProviderStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A day of mixed traffic for merchant m-lagos (Africa/Lagos) with three injected mismatches:
 * o3 was vended by VTpass although we recorded it failed and refunded it; Pagamio vended o4 for a
 * different amount; and Pagamio's report has no o5 although we delivered and kept it.
 */
public final class Scenarios {

    public static final String MERCHANT = "m-lagos";
    public static final LocalDate DAY = LocalDate.of(2026, 3, 10);
    /** The small hours after {@link #DAY} in Lagos: the day is over and may be closed. */
    public static final Instant AFTER_DAY = lagos(DAY.plusDays(1), 3, 0);
    public static final Map<String, ZoneId> ZONES = Map.of(MERCHANT, Traffic.LAGOS);

    private Scenarios() {
    }

    public static Instant lagos(LocalDate day, int hour, int minute) {
        return day.atTime(hour, minute).atZone(Traffic.LAGOS).toInstant();
    }

    public static Instant at(int hour, int minute) {
        return lagos(DAY, hour, minute);
    }

    public static Traffic mixedDay() {
        Traffic t = new Traffic(MERCHANT, Traffic.LAGOS);
        t.order("o1", at(9, 0), 50_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-o1")
                .succeeded(at(9, 1), 48_000L).completed(at(9, 1));
        t.order("o2", at(10, 0), 20_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-o2")
                .failed(at(10, 1)).refunded(at(10, 2));
        // Injected: we recorded a failure and refunded, but VTpass delivered.
        t.order("o3", at(11, 0), 30_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-o3")
                .pending(at(11, 1)).failed(at(11, 20)).refunded(at(11, 21));
        // Injected: Pagamio vended a different amount.
        t.order("o4", at(12, 0), 10_000, "ZAR", ServiceCategory.ELECTRICITY).accepted().via("pagamio", "ref-o4")
                .succeeded(at(12, 1), 9_500L).completed(at(12, 1));
        // Injected: missing from Pagamio's report.
        t.order("o5", at(13, 0), 5_000, "ZAR", ServiceCategory.AIRTIME).accepted().via("pagamio", "ref-o5")
                .succeeded(at(13, 1), null).completed(at(13, 1));
        t.order("o6", at(14, 0), 7_000, "ZAR", ServiceCategory.AIRTIME).accepted().via("pagamio", "ref-o6")
                .succeeded(at(14, 1), 6_650L).completed(at(14, 1));
        // Pending over midnight: resolved at 00:20 the next day, so pending at cut-off.
        t.order("o7", at(23, 50), 10_000, "NGN", ServiceCategory.DATA).accepted().via("vtpass", "ref-o7")
                .pending(at(23, 51)).succeeded(lagos(DAY.plusDays(1), 0, 20), null)
                .completed(lagos(DAY.plusDays(1), 0, 20));
        // Unresolved by status-poller; VTpass says it failed, so the money stays held for review.
        t.order("o8", at(15, 0), 290_000, "NGN", ServiceCategory.CABLE_TV).accepted().via("vtpass", "ref-o8")
                .pending(at(15, 1)).unresolved(at(16, 1));
        // Rejected: never charged, so in no ledger.
        t.order("o9", at(16, 0), 1_000, "NGN", ServiceCategory.AIRTIME).rejected();
        return t;
    }

    public static FakeProvider mixedDayProviders() {
        return new FakeProvider().withReport("pagamio")
                .record("vtpass", "ref-o1", ProviderStatus.SUCCEEDED, null, null)
                .record("vtpass", "ref-o2", ProviderStatus.FAILED, null, null)
                .record("vtpass", "ref-o3", ProviderStatus.SUCCEEDED, null, null)
                .record("vtpass", "ref-o7", ProviderStatus.SUCCEEDED, null, null)
                .record("vtpass", "ref-o8", ProviderStatus.FAILED, null, null)
                .record("pagamio", "ref-o4", ProviderStatus.SUCCEEDED, 12_000L, "ZAR")
                .record("pagamio", "ref-o6", ProviderStatus.SUCCEEDED, 7_000L, "ZAR");
    }

    /** Ledger figures by ledger id, to compare two runs. */
    public static Map<String, Object> figures(List<Ledger> ledgers) {
        Map<String, Object> out = new TreeMap<>();
        ledgers.forEach(l -> out.put(l.key().id(), l.figures()));
        return out;
    }
}
