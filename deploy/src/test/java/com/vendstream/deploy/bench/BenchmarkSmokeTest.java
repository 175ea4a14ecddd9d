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
 * The benchmark for 20 s at 5 orders/s on a real stack, every part its own process (free ports) and two
 * instances of each service (scale-out): the result has orders, latency percentiles, lag samples, CPU and RSS
 * of every process, the broker's own figures; both order-service instances took orders and both vend-service
 * instances vended; no order was vended twice and every order reached a final state; result.json parses and
 * report.html is written.
 */
class BenchmarkSmokeTest {

    /** Kept after the run (the result, the report, every process's log); a new run empties it first. */
    private final Path data = Path.of("target", "benchmark-smoke-test").toAbsolutePath();

    @Test
    @SuppressWarnings("unchecked")
    void aShortRunOnTwoInstancesOfEachServiceSharesTheWorkAndKeepsTheInvariants() throws Exception {
        BenchOptions options = new BenchOptions(5, Duration.ofSeconds(20), 0, false, Duration.ofSeconds(60), 1.5,
                5000, false, data, Duration.ofSeconds(30), Duration.ofSeconds(2), 200, 13, null, Duration.ZERO, 2);

        // A pending vend settles at the sandbox after 5 s instead of 10: status-poller's first requery (10 s, less
        // up to 20 % jitter) then always finds it settled, so the last orders are final within the settle time
        // instead of waiting 30 s more for a second requery.
        // A mobile-money collection that could not be started (Dollr's sandbox gave no reply under the load of two
        // stacks on two cores) is tried again after 2 s, found by a sweep every 2 s, instead of 30 s and 15 s: with
        // the defaults such an order could not be final within the 30 s settle time.
        Map<String, Object> result = Benchmark.run(options, Map.of("vendstream.sandbox.defaults.pending-after", "5s",
                "vendstream.payments.retry.first", "PT2S", "vendstream.order.recovery-interval", "PT2S"));

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
        assertThat(processes).containsKeys("kafka", "store", "order-service-1", "order-service-2", "vend-service-1",
                "vend-service-2", "status-poller-1", "status-poller-2", "reconciliation-service-1",
                "reconciliation-service-2", "schema-registry", "provider-sandbox", Benchmark.BENCHMARK_PROCESS);
        processes.forEach((name, p) -> assertThat((double) ((Map<String, Object>) p).get("rssMaxMb")).as(name).isPositive());
        assertThat((double) ((Map<String, Object>) processes.get("order-service-1")).get("cpuAvgPercent")).isPositive();
        assertThat((double) ((Map<String, Object>) processes.get("order-service-2")).get("cpuAvgPercent")).isPositive();
        assertThat((double) ((Map<String, Object>) result.get("processes")).get("stackRssPeakMb")).isPositive();
        assertThat((double) ((Map<String, Object>) result.get("processes")).get("stackCpuMsPerFinalOrder")).isPositive();

        // The work was shared: orders placed on each order-service instance, vends made by each vend-service one.
        Map<String, Object> instances = (Map<String, Object>) result.get("instances");
        assertThat((Map<String, Object>) instances.get("ordersPlacedBy")).containsOnlyKeys("order-service-1",
                "order-service-2").allSatisfy((name, placed) -> assertThat((long) placed).as(name).isGreaterThan(20));
        assertThat((Map<String, Object>) instances.get("vendsBy")).containsOnlyKeys("vend-service-1", "vend-service-2")
                .allSatisfy((name, vends) -> assertThat((Long) vends).as(name).isPositive());

        Map<String, Object> broker = (Map<String, Object>) result.get("broker");
        assertThat(((Number) broker.get("producedPerSecond")).longValue()).isPositive();
        assertThat(((Number) broker.get("records")).longValue()).isEqualTo(((Number) broker.get("systemRecords")).longValue());

        Map<String, Object> invariants = (Map<String, Object>) result.get("invariants");
        assertThat(((Number) invariants.get("maxVendsPerReference")).longValue()).isEqualTo(1);
        assertThat((java.util.List<?>) invariants.get("ordersVendedTwice")).isEmpty();
        assertThat(((Number) invariants.get("ordersNotFinal")).longValue()).as("%s", invariants.get("notFinal")).isZero();
        assertThat(invariants.get("ok")).isEqualTo(true);

        JsonNode json = JsonMapper.builder().build().readTree(data.resolve("bench/result.json").toFile());
        assertThat(json.path("latency").path("all").path("count").asInt()).isEqualTo((int) all.get("count"));
        assertThat(Files.readString(data.resolve("bench/report.html"))).contains("<svg").doesNotContain("http:");
    }
}
