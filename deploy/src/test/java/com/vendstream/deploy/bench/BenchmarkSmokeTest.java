package com.vendstream.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark for 20 s at 5 orders/s on a real stack, every part its own process (free ports): the result
 * has orders, latency percentiles, lag samples, CPU and RSS of every process, the broker's own figures, and
 * no order vended twice; result.json parses and report.html is written.
 */
class BenchmarkSmokeTest {

    /** Kept after the run (the result, the report, every process's log); a new run empties it first. */
    private final Path data = Path.of("target", "benchmark-smoke-test").toAbsolutePath();

    @Test
    @SuppressWarnings("unchecked")
    void aShortRunMeasuresOrdersLatencyLagAndEveryProcessAndFindsNoDuplicateVend() throws Exception {
        BenchOptions options = new BenchOptions(5, Duration.ofSeconds(20), 0, false, Duration.ofSeconds(60), 1.5,
                5000, false, data, Duration.ofSeconds(10), Duration.ofSeconds(2), 200, 13, null, Duration.ZERO);

        Map<String, Object> result = Benchmark.run(options);

        Map<String, Object> arrivals = (Map<String, Object>) result.get("arrivals");
        assertThat(((Number) arrivals.get("placed")).longValue()).isGreaterThan(80);
        Map<String, Object> all = (Map<String, Object>) ((Map<String, Object>) result.get("latency")).get("all");
        assertThat((int) all.get("count")).isGreaterThan(50);
        assertThat((long) all.get("p50Ms")).isPositive();
        assertThat((long) all.get("p99Ms")).isGreaterThanOrEqualTo((long) all.get("p50Ms"));
        Map<String, Object> firstCall = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                result.get("latency")).get("byPath")).get("FIRST_CALL_SUCCESS");
        assertThat((int) firstCall.get("count")).isPositive();
        Map<String, Object> stages = (Map<String, Object>) ((Map<String, Object>) result.get("stages")).get("firstCallSuccess");
        assertThat(stages).containsKeys(OrderTimeline.Stage.VEND_REQUESTED, OrderTimeline.Stage.PROVIDER_CALL,
                OrderTimeline.Stage.OUTCOME, OrderTimeline.Stage.FINAL);

        Map<String, Object> lag = (Map<String, Object>) result.get("lag");
        assertThat((int) lag.get("samples")).isGreaterThanOrEqualTo(5);
        assertThat((Map<String, Object>) lag.get("maxByGroup")).containsKeys("order-service", "vend-service",
                "status-poller");

        Map<String, Object> processes = (Map<String, Object>) ((Map<String, Object>) result.get("processes")).get("byProcess");
        assertThat(processes).containsKeys("kafka", "store", "order-service", "vend-service", "status-poller",
                "reconciliation-service", "schema-registry", "provider-sandbox", Benchmark.BENCHMARK_PROCESS);
        processes.forEach((name, p) -> assertThat((double) ((Map<String, Object>) p).get("rssMaxMb")).as(name).isPositive());
        assertThat((double) ((Map<String, Object>) processes.get("order-service")).get("cpuAvgPercent")).isPositive();
        assertThat((double) ((Map<String, Object>) result.get("processes")).get("stackRssPeakMb")).isPositive();

        Map<String, Object> broker = (Map<String, Object>) result.get("broker");
        assertThat(((Number) broker.get("producedPerSecond")).longValue()).isPositive();
        assertThat(((Number) broker.get("records")).longValue()).isEqualTo(((Number) broker.get("systemRecords")).longValue());

        Map<String, Object> invariants = (Map<String, Object>) result.get("invariants");
        assertThat(((Number) invariants.get("maxVendsPerReference")).longValue()).isEqualTo(1);
        assertThat((java.util.List<?>) invariants.get("ordersVendedTwice")).isEmpty();

        JsonNode json = JsonMapper.builder().build().readTree(data.resolve("bench/result.json").toFile());
        assertThat(json.path("latency").path("all").path("count").asInt()).isEqualTo((int) all.get("count"));
        assertThat(Files.readString(data.resolve("bench/report.html"))).contains("<svg").doesNotContain("http:");
    }
}
