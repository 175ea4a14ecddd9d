package com.vendstream.recon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ledger.LedgerFigures;
import com.vendstream.recon.ledger.LedgerKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Ledger CSV as a spreadsheet user opens it: no cell may start a formula; RFC 4180 quoting. */
class LedgerCsvTest {

    /** OWASP's CSV-injection list: = + - @ and TAB and CR as the first character. */
    @ParameterizedTest
    @ValueSource(strings = {"=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"})
    void aCellThatCouldStartAFormulaIsDefused(String value) {
        String cell = LedgerCsv.cell(value);
        // The cell's content (unquoted) starts with the apostrophe spreadsheets show as text.
        String content = cell.startsWith("\"") ? cell.substring(1, cell.length() - 1).replace("\"\"", "\"") : cell;
        assertThat(content).isEqualTo("'" + value);
    }

    @Test
    void ordinaryCellsAreLeftAlone() {
        assertThat(LedgerCsv.cell("demo-merchant")).isEqualTo("demo-merchant");
        assertThat(LedgerCsv.cell("a=b")).isEqualTo("a=b");
        assertThat(LedgerCsv.cell("")).isEmpty();
        assertThat(LedgerCsv.cell(null)).isEmpty();
    }

    @Test
    void cellsWithQuotesCommasOrLineBreaksAreQuotedWithQuotesDoubled() {
        assertThat(LedgerCsv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(LedgerCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(LedgerCsv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(LedgerCsv.cell("two\r\nlines")).isEqualTo("\"two\r\nlines\"");
        assertThat(LedgerCsv.cell("\r=1,2")).isEqualTo("\"'\r=1,2\"");
    }

    /** Issue 16 item 6: every column named, and the currency's ISO 4217 exponent beside the currency. */
    @Test
    void theHeaderNamesEveryColumnAndEachRowCarriesItsCurrencysExponent() {
        assertThat(LedgerCsv.HEADER).isEqualTo("businessDay,merchantId,provider,service,currency,currencyExponent,"
                + "version,ordersAccepted,ordersVended,ordersFailed,ordersRefunded,ordersUnresolved,ordersPendingAtCutoff,"
                + "grossValueMinor,providerCostMinor,commissionMinor,debitsMinor,keptMinor,refundsMinor,heldMinor,"
                + "balanced,closedAt");
        LocalDate day = LocalDate.of(2026, 3, 10);
        LedgerFigures figures = new LedgerFigures(4, 3, 1, 1, 0, 0, 150_000, 144_000, 6_000, 200_000, 150_000, 50_000,
                0);
        String[] rows = LedgerCsv.render(List.of(
                new Ledger(new LedgerKey("m-1", day, "pagamio", "ELECTRICITY", "KES"), 2, figures,
                        Instant.parse("2026-03-11T02:00:00Z")),
                new Ledger(new LedgerKey("m-1", day, "vtpass", "AIRTIME", "JPY"), 0, LedgerFigures.ZERO,
                        Instant.parse("2026-03-10T12:00:00Z")))).split("\r\n");
        assertThat(rows).hasSize(3);
        assertThat(rows[0].split(",")).hasSize(22);
        assertThat(rows[1]).isEqualTo("2026-03-10,m-1,pagamio,ELECTRICITY,KES,2,2,4,3,1,1,0,0,150000,144000,6000,"
                + "200000,150000,50000,0,true,2026-03-11T02:00:00Z");
        // A provisional ledger (version 0) has no close time; JPY has no minor unit.
        assertThat(rows[2]).startsWith("2026-03-10,m-1,vtpass,AIRTIME,JPY,0,0,").endsWith(",");
        assertThat(rows[2].split(",", -1)).hasSize(22);
    }

    @Test
    void aHostileMerchantIdStaysInItsOwnCellOfItsOwnRow() {
        LedgerKey key = new LedgerKey("=cmd|' /C calc'!A0,\r\n\"x", LocalDate.of(2026, 3, 10), "\tvtpass", "AIRTIME",
                "NGN");
        String csv = LedgerCsv.render(List.of(new Ledger(key, 1, LedgerFigures.ZERO, Instant.parse(
                "2026-03-11T02:00:00Z"))));

        String row = csv.substring(csv.indexOf("\r\n") + 2);
        assertThat(row).startsWith("2026-03-10,\"'=cmd|' /C calc'!A0,\r\n\"\"x\",'\tvtpass,AIRTIME,NGN,2,1,");
        assertThat(row).endsWith(",2026-03-11T02:00:00Z\r\n");
    }
}
