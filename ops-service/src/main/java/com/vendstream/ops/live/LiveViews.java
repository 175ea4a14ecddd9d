package com.vendstream.ops.live;

import com.vendstream.ops.live.LiveView.Breaker;
import com.vendstream.ops.live.LiveView.GroupLag;
import com.vendstream.ops.live.LiveView.Latency;
import com.vendstream.ops.live.LiveView.ProviderHealth;
import com.vendstream.ops.live.PrometheusText.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Puts the live view together from what the sources answered: the services' Prometheus samples (null for a source
 * that did not answer) and Kafka's offsets (null when the broker did not answer). Pure, so every rule here is
 * tested without a network.
 */
final class LiveViews {

    static final String KAFKA = "kafka";
    static final String OK = "ok";
    static final String UNREACHABLE = "unreachable";

    /** Breaker states from worst to best; Resilience4j's others read as the nearest of these. */
    private static final List<String> SEVERITY = List.of("OPEN", "HALF_OPEN", "CLOSED");

    private LiveViews() {
    }

    /**
     * @param scrapes each configured source's samples, in configuration order; null for one that did not answer
     * @param kafka   null when the broker did not answer
     * @param waiting     the back office's queue of unresolved vends (OPEN and PROPOSED); null when not counted
     * @param deadLetters dead letters waiting at the back office's desk; null when not counted
     */
    static LiveView assemble(Instant at, Map<String, List<Sample>> scrapes, KafkaFigures kafka, Long waiting,
                             Long deadLetters) {
        Map<String, String> sources = new LinkedHashMap<>();
        scrapes.forEach((name, samples) -> sources.put(name, samples == null ? UNREACHABLE : OK));
        sources.put(KAFKA, kafka == null ? UNREACHABLE : OK);
        Map<String, List<Sample>> answered = new LinkedHashMap<>();
        scrapes.forEach((name, samples) -> {
            if (samples != null) {
                answered.put(name, samples);
            }
        });

        boolean ordersCounted = answered.values().stream().flatMap(List::stream)
                .anyMatch(s -> s.name().equals("vendstream_order_state"));
        Map<String, Long> orders = ordersCounted ? byLabels(answered, "vendstream_order_state",
                s -> s.label("state")) : null;
        LiveView.Stuck stuck = new LiveView.Stuck(
                byLabels(answered, "vendstream_order_stuck", s -> s.label("state")),
                byLabels(answered, "vendstream_wallet_topup_stuck", s -> s.label("state")),
                byLabels(answered, "vendstream_order_blocked", s -> s.label("state") + "/" + s.label("reason")),
                byLabels(answered, "vendstream_vend_overdue", s -> s.label("state")),
                byLabels(answered, "vendstream_poller_unresolved", s -> s.label("provider")),
                outbox(answered));
        List<GroupLag> lag = kafka == null ? null : kafka.lag().stream()
                .sorted(Comparator.comparing(GroupLag::topic).thenComparing(GroupLag::group)).toList();
        return new LiveView(at, orders, stuck, waiting, providers(answered), lag, deadLetters, sources);
    }

    /** The sum of a gauge's samples over the sources that answered, keyed by {@code key} (sorted). */
    private static Map<String, Long> byLabels(Map<String, List<Sample>> answered, String name,
                                              Function<Sample, String> key) {
        Map<String, Long> out = new TreeMap<>();
        answered.values().forEach(samples -> samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> Double.isFinite(s.value()))
                .forEach(s -> out.merge(key.apply(s), Math.round(s.value()), Long::sum)));
        return out;
    }

    private static Map<String, Long> outbox(Map<String, List<Sample>> answered) {
        Map<String, Long> out = new TreeMap<>();
        answered.forEach((source, samples) -> samples.stream().filter(s -> s.name().equals("vendstream_outbox_stuck"))
                .filter(s -> Double.isFinite(s.value()))
                .forEach(s -> out.merge(source + "/" + s.label("collection"), Math.round(s.value()), Long::sum)));
        return out;
    }

    private static List<ProviderHealth> providers(Map<String, List<Sample>> answered) {
        Set<String> providers = new TreeSet<>();
        answered.values().forEach(samples -> samples.stream()
                .filter(s -> s.name().startsWith("resilience4j_circuitbreaker_")
                        || s.name().startsWith("vendstream_provider_calls_seconds"))
                .map(s -> s.label("provider")).filter(p -> p != null && !p.isBlank()).forEach(providers::add));
        List<ProviderHealth> out = new ArrayList<>();
        for (String provider : providers) {
            List<Breaker> breakers = new ArrayList<>();
            double p50 = 0;
            double p95 = 0;
            long calls = 0;
            for (Map.Entry<String, List<Sample>> source : answered.entrySet()) {
                List<Sample> own = source.getValue().stream().filter(s -> provider.equals(s.label("provider")))
                        .toList();
                breakers.addAll(breakers(source.getKey(), own));
                for (Sample s : own) {
                    if (!Double.isFinite(s.value())) {
                        continue;
                    }
                    if (s.name().equals("vendstream_provider_calls_seconds") && "0.5".equals(s.label("quantile"))) {
                        p50 = Math.max(p50, s.value());
                    } else if (s.name().equals("vendstream_provider_calls_seconds")
                            && "0.95".equals(s.label("quantile"))) {
                        p95 = Math.max(p95, s.value());
                    } else if (s.name().equals("vendstream_provider_calls_seconds_count")) {
                        calls += Math.round(s.value());
                    }
                }
            }
            // Quantiles of different series cannot be merged; the slowest operation is what an operator needs.
            Latency latency = p50 > 0 || p95 > 0 ? new Latency(millis(p50), millis(p95)) : null;
            String worst = breakers.stream().map(Breaker::state).min(Comparator.comparingInt(SEVERITY::indexOf))
                    .orElse("UNKNOWN");
            Double errorRate = breakers.stream().map(Breaker::errorRate).filter(r -> r != null)
                    .max(Double::compare).orElse(null);
            out.add(new ProviderHealth(provider, worst, latency, errorRate, calls, breakers));
        }
        return out;
    }

    /** The breakers one source shows for one provider: one per guard. */
    private static List<Breaker> breakers(String source, List<Sample> samples) {
        Map<String, String> states = new TreeMap<>();
        Map<String, Double> rates = new TreeMap<>();
        for (Sample s : samples) {
            String guard = s.labels().getOrDefault("guard", "-");
            if (s.name().equals("resilience4j_circuitbreaker_state") && s.value() == 1.0) {
                states.put(guard, state(s.label("state")));
            } else if (s.name().equals("resilience4j_circuitbreaker_failure_rate") && Double.isFinite(s.value())
                    && s.value() >= 0) {
                // Resilience4j answers -1 until the breaker has seen its minimum number of calls.
                rates.put(guard, Math.min(1.0, s.value() / 100.0));
            }
        }
        return states.entrySet().stream()
                .map(e -> new Breaker(source, e.getKey(), e.getValue(), rates.get(e.getKey()))).toList();
    }

    private static String state(String resilience4j) {
        String state = resilience4j == null ? "" : resilience4j.toUpperCase(java.util.Locale.ROOT);
        return switch (state) {
            case "OPEN", "FORCED_OPEN" -> "OPEN";
            case "HALF_OPEN" -> "HALF_OPEN";
            // DISABLED and METRICS_ONLY let every call through, as a closed breaker does.
            default -> "CLOSED";
        };
    }

    private static double millis(double seconds) {
        return Math.round(seconds * 10_000.0) / 10.0;
    }
}
