package com.vendstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/observability as the tests read it: the alert rules and the Grafana dashboard, and the metric names their
 * PromQL expressions use.
 */
final class ObservabilityFiles {

    static final Path DIR = Path.of("observability");
    static final Path RULES = DIR.resolve("prometheus/vendstream-alerts.yml");
    static final Path RULE_TESTS = DIR.resolve("prometheus/vendstream-alerts.test.yml");
    static final Path DASHBOARD = DIR.resolve("grafana/vendstream-dashboard.json");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private ObservabilityFiles() {
    }

    /** Every alert rule's expression. */
    @SuppressWarnings("unchecked")
    static List<String> ruleExpressions() {
        Map<String, Object> rules = new Yaml().load(read(RULES));
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                exprs.add(String.valueOf(rule.get("expr")));
            }
        }
        return exprs;
    }

    /** Every dashboard panel's query. */
    static List<String> dashboardExpressions() {
        JsonNode dashboard = JsonMapper.builder().build().readTree(read(DASHBOARD));
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asString());
            }
        }
        return exprs;
    }

    /** The metric names a PromQL expression selects (not its functions, labels, keywords or numbers). */
    static Set<String> metricNames(String expr) {
        String bare = STRING.matcher(expr).replaceAll(" ");
        bare = MATCHERS.matcher(bare).replaceAll(" ");
        bare = RANGE.matcher(bare).replaceAll(" ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String name = m.group();
            boolean function = bare.substring(m.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
