package com.vendstream.deploy.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's result as one self-contained HTML page: tables and line charts drawn as inline SVG, no script,
 * no style sheet or font from elsewhere, so it opens the same offline and from an archive.
 */
final class HtmlReport {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 280;
    private static final int LEFT = 64;
    private static final int RIGHT = 200;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private HtmlReport() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vendstream benchmark</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;max-width:1000px}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
                .append("svg{display:block;margin:8px 0 20px}.fail{color:#b00;font-weight:bold}")
                .append(".ok{color:#080;font-weight:bold}</style></head><body>\n");
        h.append("<h1>vendstream benchmark</h1>\n");
        h.append("<p>").append(esc(String.valueOf(r.get("load")))).append("; started ")
                .append(esc(String.valueOf(r.get("startedAt")))).append("; stack: ").append(esc(String.valueOf(r.get("mode"))))
                .append("; sandbox latency ").append(esc(String.valueOf(r.get("sandboxLatency")))).append("; machine ")
                .append(esc(String.valueOf(r.get("machine")))).append("</p>\n");

        h.append("<h2>Summary</h2>\n");
        h.append(table(List.of("figure", "value"), summaryRows(r)));

        Map<String, Object> tl = (Map<String, Object>) r.get("timeline");
        if (tl != null) {
            List<Number> t = (List<Number>) tl.get("t");
            Map<String, List<Number>> orders = new LinkedHashMap<>();
            orders.put("arrivals sent /s", (List<Number>) tl.get("sentPerSecond"));
            orders.put("placed (201) /s", (List<Number>) tl.get("placedPerSecond"));
            orders.put("final state /s", (List<Number>) tl.get("finalPerSecond"));
            h.append("<h2>Throughput over time</h2>\n").append(chart("throughput", "orders/s", t, orders));
            h.append(chart("records on the lifecycle topics", "records/s", t,
                    Map.of("records/s", (List<Number>) tl.get("recordsPerSecond"))));
            Map<String, List<Number>> lat = new LinkedHashMap<>();
            lat.put("p50", (List<Number>) tl.get("firstCallP50Ms"));
            lat.put("p99", (List<Number>) tl.get("firstCallP99Ms"));
            h.append("<h2>Latency</h2>\n").append(chart("first-call successes, placement to final state, by placement time",
                    "ms", t, lat));
        }
        Map<String, Object> latency = (Map<String, Object>) r.get("latency");
        if (latency != null) {
            List<List<Object>> rows = new ArrayList<>();
            rows.add(percentileRow("all orders", (Map<String, Object>) latency.get("all")));
            ((Map<String, Object>) latency.get("byPath")).forEach((k, v) -> rows.add(percentileRow(k, (Map<String, Object>) v)));
            ((Map<String, Object>) latency.get("byMix")).forEach((k, v) -> rows.add(percentileRow("mix: " + k,
                    (Map<String, Object>) v)));
            h.append("<p>Placement (request sent) to final state (the final event's timestamp), ms.</p>\n")
                    .append(table(List.of("orders", "count", "p50", "p95", "p99", "max"), rows));
        }
        Map<String, Object> stages = (Map<String, Object>) r.get("stages");
        if (stages != null) {
            for (String which : List.of("firstCallSuccess", "all")) {
                List<List<Object>> rows = new ArrayList<>();
                ((Map<String, Object>) stages.get(which)).forEach((k, v) -> rows.add(percentileRow(k, (Map<String, Object>) v)));
                h.append("<h3>Stages, ").append(which.equals("all") ? "every order" : "first-call successes")
                        .append(" (ms)</h3>\n").append(table(List.of("stage", "count", "p50", "p95", "p99", "max"), rows));
            }
        }
        Map<String, Object> lag = (Map<String, Object>) r.get("lag");
        if (lag != null) {
            h.append("<h2>Consumer lag</h2>\n").append(chart("lag per consumer group", "records",
                    (List<Number>) lag.get("t"), (Map<String, List<Number>>) lag.get("byGroup")));
        }
        Map<String, Object> procs = (Map<String, Object>) r.get("processes");
        if (procs != null) {
            List<Number> t = (List<Number>) procs.get("t");
            h.append("<h2>Processes</h2>\n");
            h.append(chart("CPU per process (100 % = one core)", "%", t, (Map<String, List<Number>>) procs.get("cpuPercent")));
            h.append(chart("resident memory per process", "MiB", t, (Map<String, List<Number>>) procs.get("rssMb")));
            List<List<Object>> rows = new ArrayList<>();
            ((Map<String, Object>) procs.get("byProcess")).forEach((name, v) -> {
                Map<String, Object> p = (Map<String, Object>) v;
                rows.add(List.of(name, p.get("pid"), p.get("cpuAvgPercent"), p.get("cpuMaxPercent"), p.get("rssMaxMb"),
                        p.get("rssLastMb")));
            });
            h.append(table(List.of("process", "pid", "CPU avg %", "CPU max %", "RSS max MiB", "RSS last MiB"), rows));
        }
        Object steps = r.get("findMax");
        if (steps instanceof Map<?, ?> fm) {
            List<List<Object>> rows = new ArrayList<>();
            for (Object o : (List<Object>) fm.get("steps")) {
                Map<String, Object> s = (Map<String, Object>) o;
                rows.add(List.of(s.get("rate"), s.get("offered"), s.get("dropped"), s.get("finalPerSecond"),
                        s.get("firstCallP99Ms"), s.get("lagMid"), s.get("lagEnd"), s.get("passed"), s.get("why")));
            }
            h.append("<h2>Find-max steps</h2>\n<p>Knee: ").append(esc(String.valueOf(fm.get("knee")))).append("</p>\n")
                    .append(table(List.of("rate /s", "offered", "dropped", "final /s", "p99 first-call ms", "lag mid",
                            "lag end", "passed", "why"), rows));
        }
        for (String section : List.of("invariants", "broker", "arrivals")) {
            if (r.get(section) instanceof Map<?, ?> m) {
                List<List<Object>> rows = new ArrayList<>();
                m.forEach((k, v) -> rows.add(List.of(k, v)));
                h.append("<h2>").append(section).append("</h2>\n").append(table(List.of("", ""), rows));
            }
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> summaryRows(Map<String, Object> r) {
        List<List<Object>> rows = new ArrayList<>();
        Map<String, Object> tp = (Map<String, Object>) r.getOrDefault("throughput", Map.of());
        tp.forEach((k, v) -> rows.add(List.of(k, v)));
        Map<String, Object> arrivals = (Map<String, Object>) r.getOrDefault("arrivals", Map.of());
        ((Map<String, Object>) arrivals.getOrDefault("answers", Map.of()))
                .forEach((k, v) -> rows.add(List.of("arrivals " + k, v)));
        Map<String, Object> inv = (Map<String, Object>) r.getOrDefault("invariants", Map.of());
        rows.add(List.of("invariants held", inv.getOrDefault("ok", "?")));
        Map<String, Object> procs = (Map<String, Object>) r.getOrDefault("processes", Map.of());
        rows.add(List.of("stack resident memory, peak MiB (target " + procs.get("stackRssTargetMb") + ")",
                procs.getOrDefault("stackRssPeakMb", "?")));
        return rows;
    }

    private static List<Object> percentileRow(String name, Map<String, Object> p) {
        return List.of(name, p.get("count"), p.get("p50Ms"), p.get("p95Ms"), p.get("p99Ms"), p.get("maxMs"));
    }

    static String table(List<String> header, List<List<Object>> rows) {
        StringBuilder t = new StringBuilder("<table><tr>");
        header.forEach(c -> t.append("<th>").append(esc(c)).append("</th>"));
        t.append("</tr>\n");
        for (List<Object> row : rows) {
            t.append("<tr>");
            for (Object c : row) {
                String s = String.valueOf(c);
                String cls = "false".equals(s) ? " class=\"fail\"" : "true".equals(s) ? " class=\"ok\"" : "";
                t.append("<td").append(cls).append('>').append(esc(s)).append("</td>");
            }
            t.append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    /** A line chart: x in seconds from the start, one line per series, a legend on the right. */
    static String chart(String title, String unit, List<Number> x, Map<String, List<Number>> series) {
        double xMax = 1;
        double yMax = 0;
        for (Number v : x) {
            xMax = Math.max(xMax, v.doubleValue());
        }
        for (List<Number> s : series.values()) {
            for (Number v : s) {
                yMax = Math.max(yMax, v.doubleValue());
            }
        }
        yMax = niceCeiling(yMax);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\">\n");
        s.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"14\" font-weight=\"bold\">").append(esc(title))
                .append("</text>\n");
        for (int i = 0; i <= 4; i++) {
            double yv = yMax * i / 4;
            double y = TOP + plotH - plotH * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT, y, LEFT + plotW, y,
                    LEFT - 6, y + 4, format(yv)));
            double xv = xMax * i / 4;
            double xp = LEFT + plotW * i / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s s</text>%n",
                    xp, TOP + plotH + 16, format(xv)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">%s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2, esc(unit)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotW, plotH));
        int i = 0;
        for (Map.Entry<String, List<Number>> e : series.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder points = new StringBuilder();
            List<Number> ys = e.getValue();
            for (int k = 0; k < Math.min(ys.size(), x.size()); k++) {
                double px = LEFT + plotW * x.get(k).doubleValue() / xMax;
                double py = TOP + plotH - (yMax == 0 ? 0 : plotH * ys.get(k).doubleValue() / yMax);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"").append(colour).append("\" points=\"")
                    .append(points.toString().trim()).append("\"/>\n");
            int ly = TOP + 12 + 16 * i;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", LEFT + plotW + 10, ly - 4, colour,
                    LEFT + plotW + 26, ly, esc(e.getKey())));
            i++;
        }
        return s.append("</svg>\n").toString();
    }

    /** 1, 2 or 5 times a power of ten, at or above v. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
