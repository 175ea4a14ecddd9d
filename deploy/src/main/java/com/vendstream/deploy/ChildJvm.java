package com.vendstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this JVM's classpath with its output appended to one file: a part of the
 * {@link ProcessStack} that can be killed ({@code SIGKILL}) and started again with the same command.
 */
final class ChildJvm {

    private final String name;
    private final List<String> command;
    private final Path output;
    private volatile Process process;

    /**
     * @param jvmOptions options before the main class (heap, system properties)
     * @param output     stdout and stderr, appended across restarts
     */
    ChildJvm(String name, List<String> jvmOptions, String mainClass, List<String> args, Path output) {
        this.name = name;
        this.output = output;
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.addAll(jvmOptions);
        c.addAll(forwardedSystemProperties());
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(mainClass);
        c.addAll(args);
        this.command = List.copyOf(c);
    }

    /**
     * The launcher's own {@code -Dvendstream.*} options (e.g. the sandbox's duplicate window for a load
     * run, given in {@code VENDSTREAM_JAVA_OPTS}) reach every process, as they reach every context of the
     * one-JVM stack; the launcher's log file does not.
     */
    private static List<String> forwardedSystemProperties() {
        List<String> out = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Dvendstream.") && !arg.startsWith("-Dvendstream.log.file=")) {
                out.add(arg);
            }
        }
        return out;
    }

    synchronized void start() {
        if (alive()) {
            throw new IllegalStateException(name + " is running (pid " + process.pid() + ")");
        }
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
            Files.writeString(output, "---- " + java.time.Instant.now() + " start " + name + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code SIGKILL} without waiting for the process to be gone. */
    synchronized void signalKill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** {@code kill -9}: no shutdown hook, no flush, no goodbye to the broker or the store. */
    synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        await(p, 30);
    }

    /** SIGTERM without waiting (see {@link #stop}). */
    void terminate() {
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!await(p, 20)) {
            p.destroyForcibly();
            await(p, 10);
        }
    }

    private static boolean await(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Exit code of a process that ended; -1 while it runs or before it started. */
    int exitValue() {
        Process p = process;
        return p == null || p.isAlive() ? -1 : p.exitValue();
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    String name() {
        return name;
    }

    Path output() {
        return output;
    }
}
