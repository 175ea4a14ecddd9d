package com.vendstream.deploy.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The figures of a run, from what the benchmark recorded: arrivals, order timelines, lag and process samples.
 * Pure computation (no I/O), so that the figures can be checked on made-up timelines.
 */
final class BenchResult {

    /** The stack's resident memory target of the issue: 2 GiB. */
    static final double RSS_TARGET_MB = 2048;

    private BenchResult() {
    }

    /**
     * How the arrivals were answered, each counted once: placed, refused (4xx), shed by admission control (503
     * with Retry-After: the service said it was full, at once), other errors (5xx, an answer without an order),
     * no answer within the client's timeout, and dropped at the benchmark's own outstanding cap.
     */
    static Map<String, Long> answers(List<Arrivals.Sent> sent) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String k : List.of(PLACED, REFUSED, SHED, ERRORS, UNANSWERED, DROPPED)) {
            m.put(k, 0L);
        }
        for (Arrivals.Sent s : sent) {
            String k = s.orderId() != null ? PLACED : s.status() == -1 ? DROPPED : s.status() == 0 ? UNANSWERED
                    : s.shed() ? SHED : s.status() >= 400 && s.status() < 500 ? REFUSED : ERRORS;
            m.merge(k, 1L, Long::sum);
        }
        return m;
    }

    static final String PLACED = "placed (201/200)";
    static final String REFUSED = "refused (4xx)";
    static final String SHED = "shed (503 Retry-After)";
    static final String ERRORS = "errors (5xx, other)";
    static final String UNANSWERED = "unanswered (client timeout)";
    static final String DROPPED = "dropped (outstanding cap)";

    /** Latency percentiles of the orders placed after the warm-up, overall, by path and by mix label. */
    static Map<String, Object> latency(List<OrderTimeline> orders) {
        List<Long> all = new ArrayList<>();
        Map<OrderTimeline.Path, List<Long>> byPath = new EnumMap<>(OrderTimeline.Path.class);
        Map<String, List<Long>> byLabel = new TreeMap<>();
        for (OrderTimeline o : orders) {
            long latency = o.latency();
            if (!o.measured() || latency < 0) {
                continue;
            }
            all.add(latency);
            byPath.computeIfAbsent(o.path(), k -> new ArrayList<>()).add(latency);
            byLabel.computeIfAbsent(o.label(), k -> new ArrayList<>()).add(latency);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("all", Percentiles.of(all).toMap());
        Map<String, Object> paths = new LinkedHashMap<>();
        for (OrderTimeline.Path p : OrderTimeline.Path.values()) {
            if (p != OrderTimeline.Path.NOT_FINAL) {
                paths.put(p.name(), Percentiles.of(byPath.getOrDefault(p, List.of())).toMap());
            }
        }
        m.put("byPath", paths);
        Map<String, Object> labels = new LinkedHashMap<>();
        byLabel.forEach((label, values) -> labels.put(label, Percentiles.of(values).toMap()));
        m.put("byMix", labels);
        return m;
    }

    /**
     * Per stage percentiles of the orders placed after the warm-up: over first-call successes (the path the
     * target is about) and over every order.
     */
    static Map<String, Object> stages(List<OrderTimeline> orders) {
        Map<String, List<Long>> firstCall = new LinkedHashMap<>();
        Map<String, List<Long>> all = new LinkedHashMap<>();
        for (OrderTimeline o : orders) {
            if (!o.measured()) {
                continue;
            }
            boolean first = o.path() == OrderTimeline.Path.FIRST_CALL_SUCCESS;
            o.stages().forEach((stage, ms) -> {
                all.computeIfAbsent(stage, k -> new ArrayList<>()).add(ms);
                if (first) {
                    firstCall.computeIfAbsent(stage, k -> new ArrayList<>()).add(ms);
                }
            });
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("firstCallSuccess", percentilesByKey(firstCall));
        m.put("all", percentilesByKey(all));
        return m;
    }

    private static Map<String, Object> percentilesByKey(Map<String, List<Long>> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, Percentiles.of(v).toMap()));
        return m;
    }

    /**
     * Time series in buckets of {@code bucketMs} from {@code start}: arrivals sent, orders placed (201/200),
     * orders reaching their final state, records on the topics (each per second), and p50 / p99 latency of the
     * first-call successes placed in the bucket.
     */
    static Map<String, Object> timeline(long start, long end, long bucketMs, List<Arrivals.Sent> sent,
                                        List<OrderTimeline> orders, Map<Long, Long> recordsPerSecond) {
        int n = (int) Math.max(1, (end - start + bucketMs - 1) / bucketMs);
        double[] sentPs = new double[n];
        double[] placedPs = new double[n];
        double[] finalPs = new double[n];
        double[] eventsPs = new double[n];
        List<List<Long>> latencies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            latencies.add(new ArrayList<>());
        }
        double seconds = bucketMs / 1000.0;
        for (Arrivals.Sent s : sent) {
            add(sentPs, bucket(start, bucketMs, s.sentAt(), n), 1 / seconds);
            if (s.orderId() != null) {
                add(placedPs, bucket(start, bucketMs, s.answeredAt(), n), 1 / seconds);
            }
        }
        for (OrderTimeline o : orders) {
            if (!o.placedByRun()) {
                continue;
            }
            if (o.isFinal()) {
                add(finalPs, bucket(start, bucketMs, o.finalAt(), n), 1 / seconds);
            }
            int b = bucket(start, bucketMs, o.sentAt(), n);
            if (b >= 0 && o.path() == OrderTimeline.Path.FIRST_CALL_SUCCESS) {
                latencies.get(b).add(o.latency());
            }
        }
        recordsPerSecond.forEach((second, count) -> add(eventsPs, bucket(start, bucketMs, second * 1000, n),
                count / seconds));
        List<Double> t = new ArrayList<>();
        List<Long> p50 = new ArrayList<>();
        List<Long> p99 = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add(i * seconds);
            Percentiles p = Percentiles.of(latencies.get(i));
            p50.add(p.p50());
            p99.add(p.p99());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bucketSeconds", seconds);
        m.put("t", t);
        m.put("sentPerSecond", rounded(sentPs));
        m.put("placedPerSecond", rounded(placedPs));
        m.put("finalPerSecond", rounded(finalPs));
        m.put("recordsPerSecond", rounded(eventsPs));
        m.put("firstCallP50Ms", p50);
        m.put("firstCallP99Ms", p99);
        return m;
    }

    /** The bucket of a time, or -1 outside the series. */
    static int bucket(long start, long bucketMs, long at, int n) {
        if (at < start) {
            return -1;
        }
        long b = (at - start) / bucketMs;
        return b < n ? (int) b : -1;
    }

    private static void add(double[] series, int bucket, double v) {
        if (bucket >= 0) {
            series[bucket] += v;
        }
    }

    private static List<Double> rounded(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(Math.round(v * 10) / 10.0);
        }
        return out;
    }

    /** Lag samples as series (seconds from {@code start}), each group's largest and last lag. */
    static Map<String, Object> lag(long start, List<LagSampler.Sample> samples) {
        TreeSet<String> groups = new TreeSet<>();
        samples.forEach(s -> groups.addAll(s.lagByGroup().keySet()));
        List<Double> t = new ArrayList<>();
        Map<String, List<Long>> series = new LinkedHashMap<>();
        groups.forEach(g -> series.put(g, new ArrayList<>()));
        List<Long> total = new ArrayList<>();
        Map<String, Long> max = new TreeMap<>();
        for (LagSampler.Sample s : samples) {
            t.add((s.at() - start) / 1000.0);
            for (String g : groups) {
                long lag = s.lagByGroup().getOrDefault(g, 0L);
                series.get(g).add(lag);
                max.merge(g, lag, Math::max);
            }
            total.add(s.total());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", samples.size());
        m.put("t", t);
        m.put("byGroup", series);
        m.put("total", total);
        m.put("maxByGroup", max);
        m.put("lastByGroup", samples.isEmpty() ? Map.of() : new TreeMap<>(samples.get(samples.size() - 1).lagByGroup()));
        return m;
    }

    /**
     * CPU % and RSS per process over time, each process's average and peak, and the stack's resident memory:
     * the largest sum over the processes of one sample round (the benchmark's own process left out).
     */
    static Map<String, Object> processes(long start, List<String> names, Map<String, Long> pids,
                                         List<ProcessSampler.Sample> samples, String benchmarkProcess) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> byProcess = new LinkedHashMap<>();
        Map<Long, Double> stackRssAt = new TreeMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, List<Double>> rss = new LinkedHashMap<>();
        TreeSet<Long> times = new TreeSet<>();
        samples.forEach(s -> times.add(s.at()));
        for (String name : names) {
            List<ProcessSampler.Sample> mine = samples.stream().filter(s -> s.process().equals(name)).toList();
            double cpuSum = 0;
            double cpuMax = 0;
            double rssMax = 0;
            Map<Long, ProcessSampler.Sample> at = new TreeMap<>();
            for (ProcessSampler.Sample s : mine) {
                cpuSum += s.cpuPercent();
                cpuMax = Math.max(cpuMax, s.cpuPercent());
                rssMax = Math.max(rssMax, s.rssMb());
                at.put(s.at(), s);
                if (!name.equals(benchmarkProcess)) {
                    stackRssAt.merge(s.at(), s.rssMb(), Double::sum);
                }
            }
            List<Double> c = new ArrayList<>();
            List<Double> r = new ArrayList<>();
            for (long time : times) {
                ProcessSampler.Sample s = at.get(time);
                c.add(s == null ? 0 : round1(s.cpuPercent()));
                r.add(s == null ? 0 : round1(s.rssMb()));
            }
            cpu.put(name, c);
            rss.put(name, r);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pid", pids.get(name));
            p.put("cpuAvgPercent", mine.isEmpty() ? 0 : round1(cpuSum / mine.size()));
            p.put("cpuMaxPercent", round1(cpuMax));
            p.put("rssMaxMb", round1(rssMax));
            p.put("rssLastMb", mine.isEmpty() ? 0 : round1(mine.get(mine.size() - 1).rssMb()));
            byProcess.put(name, p);
        }
        double peak = stackRssAt.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        List<Double> t = new ArrayList<>();
        times.forEach(time -> t.add((time - start) / 1000.0));
        m.put("byProcess", byProcess);
        m.put("stackRssPeakMb", round1(peak));
        m.put("stackRssTargetMb", RSS_TARGET_MB);
        m.put("stackWithinRssTarget", peak > 0 && peak <= RSS_TARGET_MB);
        m.put("t", t);
        m.put("cpuPercent", cpu);
        m.put("rssMb", rss);
        return m;
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
