package com.vendstream.recon.api;

import com.vendstream.recon.discrepancy.Discrepancy;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Discrepancies as CSV (RFC 4180), one row each. Money is minor units with the ISO 4217 currency and that
 * currency's exponent (2 for NGN: 150000 is 1,500.00), so a spreadsheet needs no knowledge of currencies.
 * Cells are defused and quoted as in {@link LedgerCsv#cell}; evidence is one cell of {@code key=value} pairs
 * separated by {@code "; "}, in key order.
 */
final class DiscrepancyCsv {

    static final String HEADER = "discrepancyId,businessDay,merchantId,provider,kind,status,orderId,providerReference,"
            + "currency,currencyExponent,ourAmountMinor,providerAmountMinor,suggestedAction,evidence,acknowledgedBy,"
            + "acknowledgedAt,acknowledgeNote,resolution,resolvedBy,resolvedAt,resolutionNote";

    private DiscrepancyCsv() {
    }

    static String render(List<Discrepancy> discrepancies) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (Discrepancy d : discrepancies) {
            Discrepancy.Handling h = d.handling();
            String evidence = new TreeMap<>(d.evidence()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "));
            row(out, d.discrepancyId(), d.businessDay().toString(), d.merchantId(), d.provider(), d.kind().name(),
                    d.status().name(), d.orderId(), d.providerReference(), d.currency(), exponent(d.currency()),
                    number(d.ourAmountMinor()), number(d.providerAmountMinor()), d.suggestedAction(), evidence,
                    h.acknowledgedBy(), time(h.acknowledgedAt()), h.acknowledgeNote(),
                    h.resolution() == null ? null : h.resolution().name(), h.resolvedBy(), time(h.resolvedAt()),
                    h.resolutionNote());
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String... cells) {
        for (int i = 0; i < cells.length; i++) {
            out.append(i == 0 ? "" : ",").append(LedgerCsv.cell(cells[i]));
        }
        out.append("\r\n");
    }

    /** The currency's minor-unit exponent; empty for a code that is not ISO 4217 or has none (XXX). */
    static String exponent(String currency) {
        if (currency == null) {
            return null;
        }
        try {
            int digits = Currency.getInstance(currency).getDefaultFractionDigits();
            return digits < 0 ? null : Integer.toString(digits);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String number(Long minor) {
        return minor == null ? null : minor.toString();
    }

    private static String time(Instant at) {
        return at == null ? null : at.toString();
    }
}
