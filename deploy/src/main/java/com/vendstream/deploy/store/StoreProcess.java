package com.vendstream.deploy.store;

import com.vendstream.deploy.MongoStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MongoDB wire-protocol store as its own process, and the handle another JVM uses to start, kill
 * and restart it.
 *
 * <p>As a process ({@link #main}): {@code java -cp <deploy classpath>
 * com.vendstream.deploy.store.StoreProcess --data-dir DIR [--port 27017]} keeps its data in
 * {@code DIR/mongo/vendstream.mv} and acknowledges nothing before it is synced ({@link MongoStore#start}).
 * Once it accepts connections it prints exactly one line, {@code READY mongodb://localhost:<port>/vendstream},
 * on stdout; everything else goes to {@code DIR/mongo/store.log} (warnings also to stderr). SIGTERM stops
 * it cleanly; SIGKILL loses nothing that was acknowledged.
 *
 * <p>As a handle: {@link #launch} starts one on this JVM's classpath and waits for its READY line.
 */
public final class StoreProcess implements AutoCloseable {

    public static final String READY = "READY ";

    static final String USAGE = "usage: StoreProcess (--data-dir DIR | --in-memory) [--port N] [--log-file FILE]"
            + " [--stop-when-stdin-closes]";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Exit status after a failed write or sync of the file: nothing more can be promised. */
    private static final int STORAGE_FAILED = 70;

    private final Process process;
    private final Path dataDir;
    private final String uri;
    private final int port;

    private StoreProcess(Process process, Path dataDir, String uri) {
        this.process = process;
        this.dataDir = dataDir;
        this.uri = uri;
        this.port = Integer.parseInt(uri.replaceFirst("^mongodb://[^:]+:(\\d+)/.*$", "$1"));
    }

    // ---------------------------------------------------------------- the handle

    /**
     * Starts the durable store as a child process on this JVM's classpath, with its data under
     * {@code dataDir/mongo} ({@code store.log}, and {@code store.err} for its stderr), and returns once
     * it accepts connections. Port 0 picks a free port, which {@link #restart()} then keeps. The child
     * stops cleanly when this JVM goes away (it watches its stdin), so keep the handle while it runs.
     */
    public static StoreProcess launch(Path dataDir, int port) {
        Path dir = dataDir.toAbsolutePath();
        try {
            Path storeDir = Files.createDirectories(dir.resolve("mongo"));
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx384m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), StoreProcess.class.getName(),
                    "--data-dir", dir.toString(), "--port", Integer.toString(port), "--stop-when-stdin-closes"));
            Path stderr = storeDir.resolve("store.err");
            Process process = new ProcessBuilder(command).redirectError(Redirect.appendTo(stderr.toFile())).start();
            return new StoreProcess(process, dir, awaitReady(process, stderr));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String awaitReady(Process process, Path stderr) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(READY)) {
                        ready.complete(line.substring(READY.length()).trim());
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("the store exited before it was ready"));
        }, "store-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the store process did not become ready (" + e.getMessage()
                    + "); see " + stderr + " and store.log next to it", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code mongodb://localhost:<port>/vendstream} */
    public String uri() {
        return uri;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash would; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitUninterruptibly();
    }

    /**
     * SIGTERM: the store finishes what is under way, syncs and closes its file. Returns the exit status;
     * if it has not exited within 30 s it is killed.
     */
    public int stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LoggerFactory.getLogger(StoreProcess.class).warn("store pid {} did not stop within {}; killing it",
                        process.pid(), STOP_TIMEOUT);
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        return process.exitValue();
    }

    /** A new store process on the same data folder and port; this one must have been stopped or killed. */
    public StoreProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("the store (pid " + process.pid() + ") still runs; stop or kill it first");
        }
        return launch(dataDir, port);
    }

    /** Stops the store if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private void waitUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the process

    record Options(Path dataDir, boolean inMemory, int port, Path logFile, boolean stopWhenStdinCloses) {

        static Options parse(String... args) {
            Path dataDir = null;
            boolean inMemory = false;
            int port = 27017;
            Path logFile = null;
            boolean stopWhenStdinCloses = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                boolean hasValue = i + 1 < args.length;
                if (arg.equals("--data-dir") && hasValue) {
                    dataDir = Path.of(args[++i]).toAbsolutePath();
                } else if (arg.equals("--in-memory")) {
                    inMemory = true;
                } else if (arg.equals("--port") && hasValue) {
                    port = parsePort(args[++i]);
                } else if (arg.equals("--log-file") && hasValue) {
                    logFile = Path.of(args[++i]).toAbsolutePath();
                } else if (arg.equals("--stop-when-stdin-closes")) {
                    stopWhenStdinCloses = true;
                } else {
                    throw new IllegalArgumentException("unknown or incomplete argument " + arg + "\n" + USAGE);
                }
            }
            if ((dataDir == null) == !inMemory) {
                throw new IllegalArgumentException("give either --data-dir or --in-memory\n" + USAGE);
            }
            if (logFile == null && dataDir != null) {
                logFile = dataDir.resolve("mongo").resolve("store.log");
            }
            return new Options(dataDir, inMemory, port, logFile, stopWhenStdinCloses);
        }

        private static int parsePort(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // answered below
            }
            throw new IllegalArgumentException("--port takes 0..65535, not " + value + "\n" + USAGE);
        }
    }

    public static void main(String[] args) throws IOException {
        PrintStream ready = System.out;
        // stdout carries the READY line only; whatever else prints (a library, the JVM) goes to stderr
        System.setOut(System.err);
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        configureLogging(options);
        Logger log = LoggerFactory.getLogger(StoreProcess.class);
        MongoStore store;
        try {
            store = options.inMemory() ? MongoStore.inMemory(options.port())
                    : MongoStore.start(options.dataDir(), options.port(), failure -> halt(log));
        } catch (RuntimeException e) {
            log.error("The store could not start", e);
            System.err.println("store: could not start: " + e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            store.close();
            log.info("stopped; {} syncs, {} replies waited for one", store.syncs(), store.durableReplies());
            stopped.countDown();
        }, "store-shutdown"));
        if (options.stopWhenStdinCloses()) {
            Thread watcher = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // nothing is sent; end of input means the launching process is gone
                    }
                } catch (IOException ignored) {
                    // the same
                }
                log.info("stdin closed: the process that launched the store is gone");
                System.exit(0);
            }, "store-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        log.info("ready at {} ({})", store.uri(), options.inMemory() ? "in memory" : "data in " + options.dataDir());
        ready.println(READY + store.uri());
        ready.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Logging goes to the store's log file (warnings also to stderr), or to stderr in memory. */
    private static void configureLogging(Options options) throws IOException {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        if (options.logFile() != null) {
            Files.createDirectories(options.logFile().getParent());
            System.setProperty("vendstream.store.log.file", options.logFile().toString());
            System.setProperty("logback.configurationFile", "logback-store.xml");
        } else {
            System.setProperty("logback.configurationFile", "logback-store-stderr.xml");
        }
    }

    /**
     * After a failed write or sync the file's state on disk is unknown (Linux may drop the pages a
     * failed fsync held), so the process stops at once, without the shutdown hook that would write
     * again; restarted, it recovers from what is on disk.
     */
    private static void halt(Logger log) {
        log.error("Stopping the store process after a storage failure (exit {})", STORAGE_FAILED);
        Runtime.getRuntime().halt(STORAGE_FAILED);
    }
}
