package com.vendstream.ops.recon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A day's volumes per provider and currency, for the console's chart: the orders accepted and the money taken
 * for them (the ledgers' debits), summed over merchants and services. Never across currencies.
 */
final class Volumes {

    /** What a volume needs of one ledger. */
    record LedgerFigures(String provider, String currency, long ordersAccepted, long debitsMinor) {
    }

    record Amount(long minor, String currency) {
    }

    record Volume(String provider, String currency, long orders, Amount amount) {
    }

    private Volumes() {
    }

    static List<Volume> of(List<LedgerFigures> ledgers) {
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, LedgerFigures> keys = new TreeMap<>();
        for (LedgerFigures l : ledgers) {
            String key = l.provider() + "|" + l.currency();
            keys.putIfAbsent(key, l);
            long[] sum = sums.computeIfAbsent(key, k -> new long[2]);
            sum[0] = Math.addExact(sum[0], l.ordersAccepted());
            sum[1] = Math.addExact(sum[1], l.debitsMinor());
        }
        List<Volume> out = new ArrayList<>();
        sums.forEach((key, sum) -> {
            LedgerFigures first = keys.get(key);
            out.add(new Volume(first.provider(), first.currency(), sum[0], new Amount(sum[1], first.currency())));
        });
        out.sort(Comparator.comparing(Volume::provider).thenComparing(Volume::currency));
        return out;
    }
}
