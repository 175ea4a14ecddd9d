package com.vendstream.recon.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.ServiceCategory;
import com.vendstream.recon.Scenarios;
import com.vendstream.recon.Traffic;
import com.vendstream.recon.day.BusinessCalendar;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class LedgerCalculatorTest {

    static final BusinessCalendar CALENDAR = new BusinessCalendar(ZoneOffset.UTC,
            Map.of(Scenarios.MERCHANT, Traffic.LAGOS));

    static Map<LedgerKey, LedgerFigures> ledgers(List<OrderFacts> orders) {
        return LedgerCalculator.compute(orders, CALENDAR::cutoff);
    }

    static LedgerKey key(String provider, ServiceCategory service, String currency) {
        return new LedgerKey(Scenarios.MERCHANT, Scenarios.DAY, provider, service.name(), currency);
    }

    @Test
    void aDayOfMixedTrafficAggregatesPerProviderServiceAndCurrencyAndBalances() {
        Map<LedgerKey, LedgerFigures> ledgers = ledgers(Scenarios.mixedDay().orderFacts());

        assertThat(ledgers).containsOnlyKeys(key("vtpass", ServiceCategory.AIRTIME, "NGN"),
                key("vtpass", ServiceCategory.DATA, "NGN"), key("vtpass", ServiceCategory.CABLE_TV, "NGN"),
                key("pagamio", ServiceCategory.ELECTRICITY, "ZAR"), key("pagamio", ServiceCategory.AIRTIME, "ZAR"));
        // o1 delivered (cost known), o2 and o3 failed and refunded.
        assertThat(ledgers.get(key("vtpass", ServiceCategory.AIRTIME, "NGN")))
                .isEqualTo(new LedgerFigures(3, 1, 2, 2, 0, 0, 50_000, 48_000, 2_000, 100_000, 50_000, 50_000, 0));
        // o7 delivered after midnight Lagos: pending at cut-off, yet kept by now.
        assertThat(ledgers.get(key("vtpass", ServiceCategory.DATA, "NGN")))
                .isEqualTo(new LedgerFigures(1, 1, 0, 0, 0, 1, 10_000, 0, 0, 10_000, 10_000, 0, 0));
        // o8 unresolved: the debit is held.
        assertThat(ledgers.get(key("vtpass", ServiceCategory.CABLE_TV, "NGN")))
                .isEqualTo(new LedgerFigures(1, 0, 0, 0, 1, 0, 0, 0, 0, 290_000, 0, 0, 290_000));
        assertThat(ledgers.get(key("pagamio", ServiceCategory.ELECTRICITY, "ZAR")))
                .isEqualTo(new LedgerFigures(1, 1, 0, 0, 0, 0, 10_000, 9_500, 500, 10_000, 10_000, 0, 0));
        // Cost and commission only where known: o6 has a cost, o5 does not.
        assertThat(ledgers.get(key("pagamio", ServiceCategory.AIRTIME, "ZAR")))
                .isEqualTo(new LedgerFigures(2, 2, 0, 0, 0, 0, 12_000, 6_650, 350, 12_000, 12_000, 0, 0));
        assertThat(ledgers.values()).allMatch(LedgerFigures::balanced);
    }

    @Test
    void arrivalOrderAndDuplicatesDoNotChangeTheLedgers() {
        Traffic t = Scenarios.mixedDay();
        List<SpecificRecord> shuffled = new ArrayList<>(t.events);
        shuffled.addAll(t.events.subList(0, 10));
        Collections.shuffle(shuffled, new Random(42));

        assertThat(ledgers(Traffic.orderFacts(shuffled))).isEqualTo(ledgers(t.orderFacts()));
    }

    @Test
    void anOrderBothKeptAndRefundedUnbalancesItsLedger() {
        Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
        t.order("x1", Scenarios.at(9, 0), 40_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", "ref-x1")
                .succeeded(Scenarios.at(9, 1), null).completed(Scenarios.at(9, 1)).refunded(Scenarios.at(9, 5));

        LedgerFigures f = ledgers(t.orderFacts()).get(key("vtpass", ServiceCategory.AIRTIME, "NGN"));

        assertThat(f.balanced()).isFalse();
        assertThat(f.imbalanceMinor()).isEqualTo(-40_000);
    }

    @Test
    void theMerchantsTimeZoneDecidesTheDayAndTheCutoff() {
        // 22:30Z is 23:30 in Lagos (10 March); 23:30Z is 00:30 in Lagos (11 March).
        java.time.Instant lateEvening = java.time.Instant.parse("2026-03-10T22:30:00Z");
        java.time.Instant afterMidnight = java.time.Instant.parse("2026-03-10T23:30:00Z");
        java.time.Instant outcome = java.time.Instant.parse("2026-03-10T23:10:00Z");
        Map<LedgerKey, LedgerFigures> lagos = ledgers(twoOrders(Scenarios.MERCHANT, Traffic.LAGOS, lateEvening,
                afterMidnight, outcome).orderFacts());
        Map<LedgerKey, LedgerFigures> utc = ledgers(twoOrders("m-utc", ZoneOffset.UTC, lateEvening, afterMidnight,
                outcome).orderFacts());

        LedgerKey lagos10 = key("vtpass", ServiceCategory.AIRTIME, "NGN");
        LedgerKey lagos11 = new LedgerKey(Scenarios.MERCHANT, LocalDate.of(2026, 3, 11), "vtpass", "AIRTIME", "NGN");
        assertThat(lagos).containsOnlyKeys(lagos10, lagos11);
        assertThat(lagos.get(lagos10).ordersAccepted()).isEqualTo(1);
        // Its vend succeeded at 00:10 Lagos, after the Lagos cut-off.
        assertThat(lagos.get(lagos10).ordersPendingAtCutoff()).isEqualTo(1);
        assertThat(lagos.get(lagos11).ordersAccepted()).isEqualTo(1);

        LedgerKey utc10 = new LedgerKey("m-utc", Scenarios.DAY, "vtpass", "AIRTIME", "NGN");
        assertThat(utc).containsOnlyKeys(utc10);
        assertThat(utc.get(utc10).ordersAccepted()).isEqualTo(2);
        // Same instants, but 23:10Z is before the UTC cut-off: only the 23:30Z order is pending.
        assertThat(utc.get(utc10).ordersPendingAtCutoff()).isEqualTo(1);
    }

    static Traffic twoOrders(String merchant, ZoneId zone, java.time.Instant first, java.time.Instant second,
                             java.time.Instant firstOutcome) {
        Traffic t = new Traffic(merchant, zone);
        t.order(merchant + "-a", first, 10_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", merchant + "-ra")
                .succeeded(firstOutcome, null).completed(firstOutcome);
        t.order(merchant + "-b", second, 10_000, "NGN", ServiceCategory.AIRTIME).accepted().via("vtpass", merchant + "-rb")
                .pending(second.plusSeconds(60));
        return t;
    }
}
