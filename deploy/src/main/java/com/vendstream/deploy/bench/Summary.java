package com.vendstream.deploy.bench;

import java.util.Map;

/** The few lines a run prints at the end; everything else is in result.json and report.html. */
final class Summary {

    private Summary() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("\nvendstream benchmark: ").append(r.get("load")).append(", ")
                .append(r.get("mode")).append(", sandbox latency ").append(r.get("sandboxLatency")).append('\n');
        Map<String, Object> a = (Map<String, Object>) r.get("arrivals");
        sb.append("  arrivals: ").append(a).append('\n');
        sb.append("  throughput: ").append(r.get("throughput")).append('\n');
        Map<String, Object> latency = (Map<String, Object>) r.get("latency");
        sb.append("  latency, placement to final (ms):\n");
        sb.append(line("all", (Map<String, Object>) latency.get("all")));
        ((Map<String, Object>) latency.get("byPath")).forEach((k, v) -> sb.append(line(k, (Map<String, Object>) v)));
        sb.append("  stages of first-call successes (ms):\n");
        ((Map<String, Object>) ((Map<String, Object>) r.get("stages")).get("firstCallSuccess"))
                .forEach((k, v) -> sb.append(line(k, (Map<String, Object>) v)));
        Map<String, Object> lag = (Map<String, Object>) r.get("lag");
        sb.append("  lag (records), max by group: ").append(lag.get("maxByGroup")).append("; at the end: ")
                .append(lag.get("lastByGroup")).append('\n');
        Map<String, Object> procs = (Map<String, Object>) r.get("processes");
        sb.append("  processes (CPU avg/max %, RSS max MiB):\n");
        ((Map<String, Object>) procs.get("byProcess")).forEach((name, v) -> {
            Map<String, Object> p = (Map<String, Object>) v;
            sb.append(String.format("    %-34s %6s / %6s   %7s%n", name, p.get("cpuAvgPercent"), p.get("cpuMaxPercent"),
                    p.get("rssMaxMb")));
        });
        sb.append("  stack resident memory, peak: ").append(procs.get("stackRssPeakMb")).append(" MiB (target ")
                .append(procs.get("stackRssTargetMb")).append(")\n");
        sb.append("  stack CPU: ").append(procs.get("stackCpuSeconds")).append(" s, ")
                .append(procs.get("stackCpuMsPerFinalOrder")).append(" ms per final order\n");
        if (r.get("instances") instanceof Map<?, ?> instances) {
            sb.append("  instances: ").append(instances).append('\n');
        }
        if (r.get("findMax") instanceof Map<?, ?> fm) {
            sb.append("  find-max knee: ").append(fm.get("knee")).append('\n');
        }
        sb.append("  broker alone: ").append(r.get("broker")).append('\n');
        Map<String, Object> inv = (Map<String, Object>) r.get("invariants");
        sb.append("  invariants: max vends for one reference ").append(inv.get("maxVendsPerReference"))
                .append(", orders vended twice ").append(inv.get("ordersVendedTwice")).append(", orders ")
                .append(inv.get("ordersPlaced")).append(" (and ").append(inv.get("ordersStoredWithoutAnAnswer"))
                .append(" stored without an answer in time) by state ").append(inv.get("ordersByState"))
                .append(", not final ").append(inv.get("ordersNotFinal")).append('\n');
        sb.append(Boolean.TRUE.equals(inv.get("ok")) ? "INVARIANTS HELD" : "INVARIANTS FAILED")
                .append(" in ").append(r.get("totalSeconds")).append(" s\n");
        return sb.toString();
    }

    private static String line(String name, Map<String, Object> p) {
        return String.format("    %-44s n=%-7s p50 %6s  p95 %6s  p99 %6s  max %6s%n", name, p.get("count"),
                p.get("p50Ms"), p.get("p95Ms"), p.get("p99Ms"), p.get("maxMs"));
    }
}
