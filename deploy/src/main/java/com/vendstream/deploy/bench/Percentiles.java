package com.vendstream.deploy.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact percentiles of a set of latencies in milliseconds (nearest rank: the smallest value with at least
 * p % of the values at or below it), from all samples rather than a histogram: a run has at most a few
 * hundred thousand orders.
 */
public record Percentiles(int count, long p50, long p95, long p99, long max) {

    public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);

    public static Percentiles of(Collection<Long> millis) {
        return of(millis.stream().mapToLong(Long::longValue).toArray());
    }

    public static Percentiles of(long[] millis) {
        if (millis.length == 0) {
            return NONE;
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile of sorted values: index ceil(p/100 * n) - 1. */
    static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("p50Ms", p50);
        m.put("p95Ms", p95);
        m.put("p99Ms", p99);
        m.put("maxMs", max);
        return m;
    }
}
