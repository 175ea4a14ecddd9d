package com.vendstream.deploy.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark run does; {@link #parse} reads the command line of {@code benchmark.sh}.
 *
 * @param rate          open-loop arrivals, orders/s (the first step's with {@code findMax})
 * @param closedLoop    0 for open loop, else the number of clients each waiting for its answer
 * @param findMax       raise the rate by {@code stepFactor} every {@code step} until a step fails
 * @param settle        after the arrivals, how long to wait for every order to reach its final state
 * @param sampleEvery   lag, CPU and RSS sampling period, and the bucket of the time series
 * @param maxOutstanding open loop: requests in flight at most; an arrival beyond is dropped (and counted)
 * @param sandboxLatency null for the sandbox's own default (20 ms)
 * @param warmup        orders at the (first) rate before the measured run, left out of latency, stages and
 *                      throughput (the JVMs compile the hot paths meanwhile); the invariants cover them
 * @param instances     processes of each service (order-service, vend-service, status-poller, reconciliation);
 *                      orders are placed on the order-service instances in turn
 */
public record BenchOptions(double rate, Duration duration, int closedLoop, boolean findMax, Duration step,
                           double stepFactor, double maxRate, boolean sharedJvm, Path dataDir, Duration settle,
                           Duration sampleEvery, int maxOutstanding, long seed, Duration sandboxLatency,
                           Duration warmup, int instances) {

    static final String USAGE = "usage: benchmark.sh [--rate R] [--duration PT5M] [--closed-loop C] [--find-max]"
            + " [--step PT60S] [--step-factor 1.5] [--max-rate R] [--shared-jvm] [--data-dir DIR] [--settle PT3M]"
            + " [--sample-every PT5S] [--max-outstanding N] [--seed S] [--sandbox-latency PT0.02S] [--warmup PT30S]"
            + " [--instances N]";

    private static final List<String> FLAGS = List.of("find-max", "shared-jvm");
    private static final List<String> VALUED = List.of("rate", "duration", "closed-loop", "step", "step-factor",
            "max-rate", "data-dir", "settle", "sample-every", "max-outstanding", "seed", "sandbox-latency", "warmup",
            "instances");

    public BenchOptions {
        if (!(rate > 0) || duration.isNegative() || duration.isZero() || closedLoop < 0 || !(stepFactor > 1)
                || maxOutstanding < 1 || sampleEvery.toMillis() < 500 || warmup.isNegative()) {
            throw new IllegalArgumentException("a rate above 0, a duration, a step factor above 1, --max-outstanding"
                    + " of at least 1 and --sample-every of at least PT0.5S are needed\n" + USAGE);
        }
        if (findMax && closedLoop > 0) {
            throw new IllegalArgumentException("--find-max raises an open-loop rate; it does not go with --closed-loop");
        }
        if (instances < 1 || sharedJvm && instances > 1) {
            throw new IllegalArgumentException("--instances needs at least 1, and several instances need their own"
                    + " processes (not --shared-jvm)\n" + USAGE);
        }
    }

    /** One instance of each service. */
    public BenchOptions(double rate, Duration duration, int closedLoop, boolean findMax, Duration step,
                        double stepFactor, double maxRate, boolean sharedJvm, Path dataDir, Duration settle,
                        Duration sampleEvery, int maxOutstanding, long seed, Duration sandboxLatency,
                        Duration warmup) {
        this(rate, duration, closedLoop, findMax, step, stepFactor, maxRate, sharedJvm, dataDir, settle, sampleEvery,
                maxOutstanding, seed, sandboxLatency, warmup, 1);
    }

    public static BenchOptions parse(String... args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
            }
            int eq = arg.indexOf('=');
            String key = eq > 0 ? arg.substring(2, eq) : arg.substring(2);
            if (FLAGS.contains(key) && eq < 0) {
                a.put(key, "true");
            } else if (!VALUED.contains(key)) {
                throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
            } else if (eq > 0) {
                a.put(key, arg.substring(eq + 1));
            } else if (i + 1 < args.length) {
                a.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
            }
        }
        try {
            return new BenchOptions(Double.parseDouble(a.getOrDefault("rate", "50")),
                    Duration.parse(a.getOrDefault("duration", "PT5M")),
                    Integer.parseInt(a.getOrDefault("closed-loop", "0")),
                    a.containsKey("find-max"),
                    Duration.parse(a.getOrDefault("step", "PT60S")),
                    Double.parseDouble(a.getOrDefault("step-factor", "1.5")),
                    Double.parseDouble(a.getOrDefault("max-rate", "5000")),
                    a.containsKey("shared-jvm"),
                    Path.of(a.getOrDefault("data-dir", ".vendstream-bench")).toAbsolutePath(),
                    Duration.parse(a.getOrDefault("settle", "PT3M")),
                    Duration.parse(a.getOrDefault("sample-every", "PT5S")),
                    Integer.parseInt(a.getOrDefault("max-outstanding", "2000")),
                    Long.parseLong(a.getOrDefault("seed", "13")),
                    a.containsKey("sandbox-latency") ? Duration.parse(a.get("sandbox-latency")) : null,
                    Duration.parse(a.getOrDefault("warmup", "PT30S")),
                    Integer.parseInt(a.getOrDefault("instances", "1")));
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("cannot read " + e.getMessage() + "\n" + USAGE, e);
        }
    }

    /** How the load is described in the result. */
    String load() {
        if (closedLoop > 0) {
            return "closed loop, " + closedLoop + " clients";
        }
        return findMax ? "open loop, find-max from " + rate + "/s x" + stepFactor + " every " + step
                : "open loop, " + rate + " orders/s";
    }
}
