package com.vendstream.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The result of a made-up run as JSON and as the HTML report: parseable, charts drawn inline, nothing fetched. */
class ReportRenderingTest {

    private static final long T0 = 1_800_000_000_000L;

    @Test
    void theResultIsJsonAndTheReportDrawsItsChartsWithoutAnyExternalResource() throws Exception {
        Map<String, Object> result = madeUpResult();

        String json = JsonMapper.builder().build().writeValueAsString(result);
        JsonNode parsed = JsonMapper.builder().build().readTree(json);
        assertThat(parsed.path("latency").path("byPath").path("FIRST_CALL_SUCCESS").path("p99Ms").asLong()).isEqualTo(990);
        assertThat(parsed.path("lag").path("byGroup").path("order-service").size()).isEqualTo(3);
        assertThat(parsed.path("processes").path("byProcess").path("kafka").path("cpuAvgPercent").asDouble()).isEqualTo(25.0);

        String html = HtmlReport.render(result);
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(count(html, "<svg")).isEqualTo(6);
        assertThat(count(html, "<polyline")).isGreaterThanOrEqualTo(3 + 1 + 2 + 2 + 2 + 2);
        assertThat(html).contains("Throughput over time", "Consumer lag", "CPU per process", "resident memory per process",
                "first-call successes, placement to final state");
        // self-contained: no link, script, image or style sheet from anywhere, not even an SVG namespace URL
        assertThat(html).doesNotContainIgnoringCase("http:").doesNotContainIgnoringCase("https:")
                .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("src=").doesNotContainIgnoringCase("@import").doesNotContain("url(");
        // every polyline point is a finite coordinate inside the drawing
        Matcher points = Pattern.compile("points=\"([^\"]*)\"").matcher(html);
        while (points.find()) {
            for (String xy : points.group(1).split(" ")) {
                String[] c = xy.split(",");
                assertThat(Double.parseDouble(c[0])).isBetween(0.0, 760.0);
                assertThat(Double.parseDouble(c[1])).isBetween(0.0, 280.0);
            }
        }
        assertThat(html).contains("<td>arrivals shed (503 Retry-After)</td><td>1</td>",
                "<td>arrivals errors (5xx, other)</td><td>0</td>");
        assertThat(parsed.path("arrivals").path("answers").path("shed (503 Retry-After)").asLong()).isEqualTo(1);
        // text from the run is escaped
        assertThat(html).contains("mix: a &lt;b&gt; &amp; c").doesNotContain("a <b> & c");
    }

    @Test
    void summaryNamesTheFiguresOfTheRun() {
        String summary = Summary.render(madeUpResult());
        assertThat(summary).contains("FIRST_CALL_SUCCESS", "p99", "stack resident memory, peak", "kafka",
                "shed (503 Retry-After)=1",
                "INVARIANTS HELD");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    static Map<String, Object> madeUpResult() {
        List<OrderTimeline> orders = new ArrayList<>();
        List<Arrivals.Sent> sent = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            orders.add(BenchFiguresTest.firstCallSuccess("o" + i, i * 100L, i * 10L));
            sent.add(new Arrivals.Sent(i, 0, "airtime success", T0 + i * 100L, T0 + i * 100L + 15, 201, "o" + i));
        }
        OrderTimeline odd = new OrderTimeline("odd");
        odd.placed("a <b> & c", T0, T0 + 5, true);
        odd.event("OrderRejected", "vendstream.orders", T0 + 30, null, null);
        orders.add(odd);
        List<LagSampler.Sample> lag = List.of(new LagSampler.Sample(T0, Map.of("order-service", 0L, "vend-service", 3L)),
                new LagSampler.Sample(T0 + 5_000, Map.of("order-service", 12L, "vend-service", 1L)),
                new LagSampler.Sample(T0 + 10_000, Map.of("order-service", 2L, "vend-service", 0L)));
        List<ProcessSampler.Sample> procs = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            procs.add(new ProcessSampler.Sample(T0 + i * 5_000L, "kafka", 20 + 10 * (i - 1), 400));
            procs.add(new ProcessSampler.Sample(T0 + i * 5_000L, "order-service", 90, 300 + i));
            procs.add(new ProcessSampler.Sample(T0 + i * 5_000L, Benchmark.BENCHMARK_PROCESS, 10, 200));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("load", "open loop, 10.0 orders/s");
        r.put("startedAt", "2026-12-05T01:00:00Z");
        r.put("mode", "every part its own process");
        r.put("machine", Map.of("cpus", 2));
        r.put("sandboxLatency", "PT0.02S");
        List<Arrivals.Sent> answered = new ArrayList<>(sent);
        answered.add(new Arrivals.Sent(101, 0, "airtime success", T0, T0 + 2, 503, null, true));
        r.put("arrivals", Map.of("offered", 101, "placed", 100, "answers", BenchResult.answers(answered)));
        r.put("throughput", Map.of("sustainedFinalPerSecond", 10.0));
        r.put("latency", BenchResult.latency(orders));
        r.put("stages", BenchResult.stages(orders));
        r.put("timeline", BenchResult.timeline(T0, T0 + 11_000, 5_000, sent, orders, Map.of(T0 / 1000 + 1, 60L)));
        r.put("lag", BenchResult.lag(T0, lag));
        r.put("processes", BenchResult.processes(T0, List.of("kafka", "order-service", Benchmark.BENCHMARK_PROCESS),
                Map.of("kafka", 11L, "order-service", 12L, Benchmark.BENCHMARK_PROCESS, 13L), procs,
                Benchmark.BENCHMARK_PROCESS));
        r.put("invariants", Map.of("maxVendsPerReference", 1, "ordersVendedTwice", List.of(), "ordersPlaced", 101,
                "ordersByState", Map.of("COMPLETED", 100, "REJECTED", 1), "ordersNotFinal", 0, "ok", true));
        r.put("broker", Map.of("records", 600, "producedPerSecond", 50_000));
        r.put("totalSeconds", 80);
        return r;
    }
}
