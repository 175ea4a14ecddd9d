package com.vendstream.deploy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The data folder of a measured run (the fault campaign, the benchmark): emptied at the start, so every run
 * starts from nothing, and described with the machine it ran on.
 */
public final class RunFolder {

    private RunFolder() {
    }

    /**
     * Empties {@code dir} for a new run and creates {@code dir/marker}. A folder that holds anything but an
     * earlier run of the same kind (one with {@code marker} in it) is refused: it may be someone's data.
     */
    public static void fresh(Path dir, String marker) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent() && !Files.exists(dir.resolve(marker))) {
                    throw new IllegalArgumentException(dir + " is not empty and not a " + marker
                            + " run's folder; give --data-dir a fresh one");
                }
            }
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir.resolve(marker));
    }

    /** Cores, memory, OS and Java of this machine, for the result of a run. */
    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            m.put("memoryMb", os.getTotalMemorySize() / (1024 * 1024));
        }
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version"));
        return m;
    }
}
