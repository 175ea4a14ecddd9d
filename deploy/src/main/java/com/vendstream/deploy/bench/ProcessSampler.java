package com.vendstream.deploy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU and resident memory of each process of the stack, from Linux's {@code /proc/<pid>/stat} (user + system
 * time in clock ticks) and {@code /proc/<pid>/status} ({@code VmRSS}). CPU % is of one core: 200 % is both
 * cores of a 2-core machine.
 */
final class ProcessSampler {

    /** One sample of one process: CPU % since the previous sample (absent on the first), RSS in MiB. */
    record Sample(long at, String process, double cpuPercent, double rssMb) {
    }

    private final Map<String, Long> pids;
    private final long ticksPerSecond;
    private final Map<String, long[]> previous = new HashMap<>();
    /** CPU ticks each process used between its first and its latest sample. */
    private final Map<String, Long> ticksUsed = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    /** @param pids each process by name, in the order the report lists them */
    ProcessSampler(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
        this.ticksPerSecond = clockTicks();
    }

    /** Whether this machine has {@code /proc} (Linux): elsewhere there are no CPU or RSS figures. */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    synchronized void sample() {
        long now = System.currentTimeMillis();
        pids.forEach((name, pid) -> {
            try {
                long ticks = cpuTicks(Files.readString(Path.of("/proc", pid.toString(), "stat")));
                double rssMb = rssKb(Files.readString(Path.of("/proc", pid.toString(), "status"))) / 1024.0;
                long[] before = previous.put(name, new long[] {now, ticks});
                if (before != null && now > before[0]) {
                    double cpu = 100.0 * (ticks - before[1]) / ticksPerSecond / ((now - before[0]) / 1000.0);
                    samples.add(new Sample(now, name, cpu, rssMb));
                    ticksUsed.merge(name, Math.max(0, ticks - before[1]), Long::sum);
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended (or was restarted under another pid): no sample
            }
        });
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** CPU time (user + system) the process used between its first and its latest sample, ms. */
    synchronized long cpuMillis(String process) {
        return ticksUsed.getOrDefault(process, 0L) * 1000 / ticksPerSecond;
    }

    List<String> processes() {
        return List.copyOf(pids.keySet());
    }

    Map<String, Long> pids() {
        return Map.copyOf(pids);
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} line (fields 14 and 15). The command name (field 2) is in
     * parentheses and may hold spaces, so fields are counted after its closing parenthesis.
     */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** {@code VmRSS} of a {@code /proc/<pid>/status}, kB (0 when absent: a zombie). */
    static long rssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    /** The kernel's USER_HZ ({@code getconf CLK_TCK}); 100 on every common Linux. */
    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
