package com.vendstream.ops.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (version 0.0.4, what every service's {@code /actuator/prometheus}
 * answers by default): one sample per line, {@code name{label="value",...} value [timestamp]}; {@code #} lines
 * (HELP, TYPE) and blank lines carry nothing the live view needs. Label values may hold escaped {@code \\},
 * {@code \"} and {@code \n}. A line that cannot be read is skipped, never the whole text: one odd meter must not
 * hide a service's health.
 *
 * <p>Written here because no parser resolves offline: Micrometer's and the Prometheus Java client's exposition
 * modules only write this format.
 */
final class PrometheusText {

    /** One sample: the series' name, its labels and its value. */
    record Sample(String name, Map<String, String> labels, double value) {

        String label(String key) {
            return labels.get(key);
        }
    }

    private PrometheusText() {
    }

    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Sample sample = sample(trimmed);
            if (sample != null) {
                samples.add(sample);
            }
        }
        return samples;
    }

    /** The sample on one line, or null when the line is not one. */
    static Sample sample(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
            if (i < 0) {
                return null;
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            return null;
        }
        Double value = value(rest[0]);
        return value == null ? null : new Sample(name, Map.copyOf(labels), value);
    }

    /** Reads labels from {@code from} (just past the brace) into {@code labels}; where the text goes on, or -1. */
    private static int labels(String line, int from, Map<String, String> labels) {
        int i = from;
        int n = line.length();
        while (i < n) {
            while (i < n && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                i++;
            }
            if (i < n && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') {
                return -1;
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            i = eq + 2;
            boolean closed = false;
            while (i < n) {
                char c = line.charAt(i++);
                if (c == '\\' && i < n) {
                    char escaped = line.charAt(i++);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    value.append(c);
                }
            }
            if (!closed) {
                return -1;
            }
            labels.put(key, value.toString());
        }
        return -1;
    }

    private static Double value(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
        };
    }
}
