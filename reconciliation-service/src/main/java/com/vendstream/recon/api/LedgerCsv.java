package com.vendstream.recon.api;

import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ledger.LedgerFigures;
import java.util.List;

/**
 * A day's ledgers as CSV (RFC 4180), one row per ledger. Money is whole minor units of the row's ISO 4217 currency,
 * whose exponent is a column of its own (NGN 2: 150000 is 1,500.00), counts are orders; every column and its unit is
 * in the README ("Ledger CSV").
 */
final class LedgerCsv {

    static final String HEADER = "businessDay,merchantId,provider,service,currency,currencyExponent,version,"
            + "ordersAccepted,ordersVended,ordersFailed,ordersRefunded,ordersUnresolved,ordersPendingAtCutoff,grossValueMinor,"
            + "providerCostMinor,commissionMinor,debitsMinor,keptMinor,refundsMinor,heldMinor,balanced,closedAt";

    private LedgerCsv() {
    }

    static String render(List<Ledger> ledgers) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (Ledger l : ledgers) {
            LedgerFigures f = l.figures();
            out.append(cell(l.key().businessDay().toString())).append(',')
                    .append(cell(l.key().merchantId())).append(',')
                    .append(cell(l.key().provider())).append(',').append(cell(l.key().service())).append(',')
                    .append(cell(l.key().currency())).append(',')
                    .append(cell(DiscrepancyCsv.exponent(l.key().currency()))).append(',')
                    .append(l.version()).append(',')
                    .append(f.ordersAccepted()).append(',').append(f.ordersVended()).append(',')
                    .append(f.ordersFailed()).append(',').append(f.ordersRefunded()).append(',')
                    .append(f.ordersUnresolved()).append(',').append(f.ordersPendingAtCutoff()).append(',')
                    .append(f.grossValueMinor()).append(',').append(f.providerCostMinor()).append(',')
                    .append(f.commissionMinor()).append(',').append(f.debitsMinor()).append(',')
                    .append(f.keptMinor()).append(',').append(f.refundsMinor()).append(',')
                    .append(f.heldMinor()).append(',').append(f.balanced()).append(',')
                    .append(l.version() == 0 ? "" : l.closedAt().toString()).append("\r\n");
        }
        return out.toString();
    }

    /**
     * Characters that make a spreadsheet read a cell as a formula when they come first (OWASP's CSV
     * injection list; a spreadsheet skips a leading TAB or CR and reads what follows).
     */
    private static final String FORMULA_STARTS = "=+-@\t\r";

    /** Quotes a cell when it needs it; a leading formula character is defused for spreadsheet users. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && FORMULA_STARTS.indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
