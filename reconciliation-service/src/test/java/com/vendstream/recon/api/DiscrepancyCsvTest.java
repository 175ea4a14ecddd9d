package com.vendstream.recon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.recon.discrepancy.Discrepancy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscrepancyCsvTest {

    static final LocalDate DAY = LocalDate.of(2026, 3, 10);

    static Discrepancy discrepancy(String currency, Long ours, Discrepancy.Handling handling) {
        return new Discrepancy("d-1", DAY, DiscrepancyKind.AMOUNT_MISMATCH, "pagamio", "ref-1", "o-1", "m-1", ours,
                null, currency, Map.of("b.second", "x,y", "a.first", "1"), "Claim it", "provider:pagamio",
                handling.resolvedByHand() ? DiscrepancyStatus.RESOLVED : DiscrepancyStatus.OPEN, handling);
    }

    @Test
    void moneyIsMinorUnitsWithTheCurrencysExponent() {
        assertThat(DiscrepancyCsv.exponent("NGN")).isEqualTo("2");
        assertThat(DiscrepancyCsv.exponent("JPY")).isEqualTo("0");
        assertThat(DiscrepancyCsv.exponent("KWD")).isEqualTo("3");
        // No exponent rather than a wrong one: a pseudo-currency, an unknown code, none at all.
        assertThat(DiscrepancyCsv.exponent("XXX")).isNull();
        assertThat(DiscrepancyCsv.exponent("ZZZ")).isNull();
        assertThat(DiscrepancyCsv.exponent(null)).isNull();
    }

    @Test
    void aRowCarriesEvidenceInKeyOrderAndFinancesHandlingQuotedAndDefused() {
        Discrepancy.Handling handling = new Discrepancy.Handling("fatima", Instant.parse("2026-03-11T09:00:00Z"),
                "=HYPERLINK(\"x\")", DiscrepancyResolution.RECOVERED, "amaka", Instant.parse("2026-03-12T10:00:00Z"),
                "credit note 7, received");
        String[] rows = DiscrepancyCsv.render(List.of(discrepancy("JPY", 1500L, handling),
                discrepancy(null, null, Discrepancy.Handling.NONE))).split("\r\n");
        assertThat(rows).hasSize(3);
        assertThat(rows[0]).isEqualTo(DiscrepancyCsv.HEADER);
        assertThat(rows[1]).isEqualTo("d-1,2026-03-10,m-1,pagamio,AMOUNT_MISMATCH,RESOLVED,o-1,ref-1,JPY,0,1500,,"
                + "Claim it,\"a.first=1; b.second=x,y\",fatima,2026-03-11T09:00:00Z,\"'=HYPERLINK(\"\"x\"\")\","
                + "RECOVERED,amaka,2026-03-12T10:00:00Z,\"credit note 7, received\"");
        assertThat(rows[2]).isEqualTo("d-1,2026-03-10,m-1,pagamio,AMOUNT_MISMATCH,OPEN,o-1,ref-1,,,,,Claim it,"
                + "\"a.first=1; b.second=x,y\",,,,,,,");
    }
}
