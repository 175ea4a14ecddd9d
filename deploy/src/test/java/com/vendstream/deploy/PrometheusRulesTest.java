package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules under deploy/observability are valid Prometheus rules ({@code promtool check rules}) and fire, and
 * stay quiet, as their unit tests say ({@code promtool test rules}): for each alert, series that fire it and series
 * that must not. promtool is Debian's prometheus package (test.sh installs it; VENDSTREAM_PROMTOOL names another).
 * Which metrics the rules and the dashboard name are checked against the running services by
 * {@link ObservabilityEndToEndTest}.
 */
class PrometheusRulesTest {

    private static String promtool() {
        String configured = System.getenv("VENDSTREAM_PROMTOOL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool").toString();
            }
        }
        throw new IllegalStateException("promtool not found: install Debian's prometheus package (test.sh does) or set"
                + " VENDSTREAM_PROMTOOL");
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(promtool()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(ObservabilityFiles.RULES.getParent().toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(run("check", "rules", ObservabilityFiles.RULES.getFileName().toString())).contains("SUCCESS: 7 rules");
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsUnitTestsSay() throws Exception {
        String tests = ObservabilityFiles.read(ObservabilityFiles.RULE_TESTS);
        for (String alert : List.of("VendstreamOrdersStuck", "VendstreamUnresolvedVends", "VendstreamOutboxStuck",
                "VendstreamDeadLettersGrowing", "VendstreamConsumerLag", "VendstreamBreakerOpen",
                "VendstreamProviderErrorRate")) {
            assertThat(ObservabilityFiles.read(ObservabilityFiles.RULES)).contains("alert: " + alert);
            assertThat(tests).as(alert + " is unit-tested").contains("alertname: " + alert);
        }
        assertThat(run("test", "rules", ObservabilityFiles.RULE_TESTS.getFileName().toString())).contains("SUCCESS");
    }

    @Test
    void everyAlertHasADelaySeverityAndRunbook() {
        String rules = ObservabilityFiles.read(ObservabilityFiles.RULES);
        int alerts = rules.split("- alert: ", -1).length - 1;
        assertThat(alerts).isEqualTo(7);
        assertThat(rules.split("\n\\s+for: ", -1).length - 1).isEqualTo(alerts);
        assertThat(rules.split("severity: (critical|warning)", -1).length - 1).isEqualTo(alerts);
        assertThat(rules.split("runbook: \"deploy/README.md#runbook-", -1).length - 1).isEqualTo(alerts);
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertThat(ObservabilityFiles.metricNames("histogram_quantile(0.95, sum by (le, provider) "
                + "(rate(vendstream_provider_http_seconds_bucket{outcome!=\"ok\"}[5m]))) > 0"))
                .containsExactly("vendstream_provider_http_seconds_bucket");
        assertThat(ObservabilityFiles.metricNames("max by (job) (a_b{state=~\"open|x\"}) == 1 and on (job) c_total"))
                .containsExactly("a_b", "c_total");
    }

    @Test
    void labelsAreReadFromPromQl() {
        assertThat(ObservabilityFiles.labelsNeeded("histogram_quantile(0.95, sum by (le, provider) "
                + "(rate(vendstream_provider_http_seconds_bucket{outcome!=\"ok\"}[5m]))) > 0"))
                .isEqualTo(Map.of("vendstream_provider_http_seconds_bucket", Set.of("le", "provider", "outcome")));
        assertThat(ObservabilityFiles.labelsNeeded("(sum by (a) (rate(x_total{s=~\"o|}\"}[5m])) / sum by (a, b) (y))"
                + " > 0.2 and max without (c) (z) > 1"))
                .isEqualTo(Map.of("x_total", Set.of("a", "s"), "y", Set.of("a", "b"), "z", Set.of("c")));
    }

    /** A saved scrape: an order-service page, where the census carries state but the stuck-order gauge lost it. */
    @Test
    void aLabelTheRulesUseButTheSeriesLackIsFound() {
        String page = """
                # HELP vendstream_order_state Orders by state
                # TYPE vendstream_order_state gauge
                vendstream_order_state{application="order-service",state="VENDING"} 3.0
                vendstream_order_stuck{application="order-service"} 1.0
                vendstream_provider_http_seconds_count{guard="vend",operation="vend",provider="vtpass",status="200"} 2
                """;
        Map<String, Set<String>> needed = new java.util.TreeMap<>();
        for (String expr : List.of("max by (state) (vendstream_order_state)", "max by (state) (vendstream_order_stuck)",
                "sum by (job, provider) (rate(vendstream_provider_http_seconds_count{outcome!=\"ok\"}[5m]))",
                "sum by (dlq) (vendstream_kafka_dead_letters_total)")) {
            ObservabilityFiles.labelsNeeded(expr).forEach((m, l) -> needed.merge(m, l, PrometheusRulesTest::union));
        }
        assertThat(ObservabilityFiles.labelsMissing(needed, page)).isEqualTo(Map.of(
                "vendstream_order_stuck", Set.of("state"),
                "vendstream_provider_http_seconds_count", Set.of("outcome")));
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> both = new java.util.TreeSet<>(a);
        both.addAll(b);
        return both;
    }
}
