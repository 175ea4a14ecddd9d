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
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"");
    private static final Pattern AGGREGATION = Pattern.compile("\\b(by|without)\\s*\\(([^)]*)\\)\\s*(?=\\()");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s");
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
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

    /**
     * The labels an expression needs on each metric it selects: those its matchers name ({@code {state=~"open"}})
     * and those an aggregation groups by or drops ({@code sum by (state) (...)}, {@code without (...)}), for every
     * metric inside the aggregation. Only the prefix form {@code agg by (...) (expr)} is read (the files use no
     * other); {@code on}/{@code ignoring} are not.
     */
    static Map<String, Set<String>> labelsNeeded(String expr) {
        Map<String, Set<String>> needed = new java.util.TreeMap<>();
        String bare = STRING.matcher(expr).replaceAll("\"\"");
        Matcher selector = SELECTOR.matcher(bare);
        while (selector.find()) {
            if (!KEYWORDS.contains(selector.group(1).toLowerCase(java.util.Locale.ROOT))) {
                Matcher label = MATCHER_LABEL.matcher(selector.group(2));
                while (label.find()) {
                    add(needed, selector.group(1), label.group(1));
                }
            }
        }
        for (String name : metricNames(expr)) {
            needed.computeIfAbsent(name, n -> new TreeSet<>());
        }
        Matcher grouping = AGGREGATION.matcher(bare);
        while (grouping.find()) {
            int open = bare.indexOf('(', grouping.end());
            String argument = bare.substring(open, closing(bare, open) + 1);
            for (String name : metricNames(argument)) {
                for (String label : grouping.group(2).split(",")) {
                    if (!label.isBlank()) {
                        add(needed, name, label.strip());
                    }
                }
            }
        }
        return needed;
    }

    /**
     * For each metric {@code needed} names, the labels none or only some of its series on {@code page} (Prometheus
     * text format) carry; a metric with no series is left to the check of names. The target labels {@code job} and
     * {@code instance} are not looked for: Prometheus adds them at the scrape, so they are on no page.
     */
    static Map<String, Set<String>> labelsMissing(Map<String, Set<String>> needed, String page) {
        Map<String, List<Set<String>>> series = new java.util.HashMap<>();
        for (String line : page.split("\\R")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.lookingAt()) {
                Set<String> labels = new TreeSet<>();
                Matcher label = MATCHER_LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
                series.computeIfAbsent(sample.group(1), n -> new ArrayList<>()).add(labels);
            }
        }
        Map<String, Set<String>> missing = new java.util.TreeMap<>();
        needed.forEach((metric, labels) -> {
            for (Set<String> carried : series.getOrDefault(metric, List.of())) {
                for (String label : labels) {
                    if (!TARGET_LABELS.contains(label) && !carried.contains(label)) {
                        add(missing, metric, label);
                    }
                }
            }
        });
        return missing;
    }

    private static int closing(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            depth += text.charAt(i) == '(' ? 1 : text.charAt(i) == ')' ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses: " + text);
    }

    private static void add(Map<String, Set<String>> map, String metric, String label) {
        map.computeIfAbsent(metric, n -> new TreeSet<>()).add(label);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
