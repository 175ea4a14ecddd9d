package com.vendstream.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * The local stack without Docker: a Kafka broker from the Kafka jars, the file-backed MongoDB
 * wire store, the schema registry, the provider sandbox, the four services and the operations back office
 * (ops-service, in one JVM only), on loopback, with
 * all state under one data folder. The broker and the store always run as their own processes; with
 * {@code --processes} so does every application ({@link ProcessStack}), otherwise they share this JVM
 * ({@link Stack}). Places demo orders and prints the outcome; keeps running until
 * stopped unless {@code --demo-exit} is given.
 *
 * <p>Its settings (providers pointed at the sandbox, the demo's conveniences) are defaults: environment
 * variables, {@code -D} system properties and {@code --key=value} flags override them in every service
 * (see {@link ServiceLaunch}), e.g. {@code VENDSTREAM_PROVIDERS_VTPASS_BASE_URL} to use VTpass's own
 * sandbox.
 */
public final class LocalStack {

    private LocalStack() {
    }

    /** The launcher's own flags, and the {@code --key=value} settings it passes to every service. */
    record Options(boolean exitAfterDemo, boolean demo, boolean processes, Path dataDir, List<String> flags) {

        static final String USAGE =
                "usage: local-stack.sh [--processes] [--demo-exit | --no-demo] [--data-dir DIR] [--key=value ...]";

        static Options parse(String... args) {
            boolean exitAfterDemo = false;
            boolean demo = true;
            boolean processes = false;
            String dataDir = ".vendstream-data";
            List<String> flags = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--demo-exit")) {
                    exitAfterDemo = true;
                } else if (arg.equals("--no-demo")) {
                    demo = false;
                } else if (arg.equals("--processes")) {
                    processes = true;
                } else if (arg.equals("--data-dir") && i + 1 < args.length) {
                    dataDir = args[++i];
                } else if (arg.startsWith("--data-dir=")) {
                    dataDir = arg.substring("--data-dir=".length());
                } else if (arg.matches("--[A-Za-z][^=]*=.*")) {
                    flags.add(arg);
                } else {
                    throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
                }
            }
            return new Options(exitAfterDemo, demo, processes, Path.of(dataDir).toAbsolutePath(), List.copyOf(flags));
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        boolean exitAfterDemo = options.exitAfterDemo();
        boolean demo = options.demo();
        Path dataDir = options.dataDir();
        Instant started = Instant.now();
        System.out.println("vendstream local stack: data in " + dataDir + ", logs in "
                + (options.processes() ? dataDir.resolve("logs") + " (one per process)" : dataDir.resolve("vendstream.log")
                + " (the store's in " + dataDir.resolve("logs") + ")"));

        ProcessStack.Ports ports = ProcessStack.Ports.standard();
        RunningStack stack;
        ProcessStack infrastructure = null;
        Map<String, Object> settings = settings(dataDir);
        if (options.processes()) {
            ProcessStack all = ProcessStack.start(dataDir, ports, settings, options.flags());
            stack = all;
            System.out.println("  kafka           " + all.bootstrapServers() + " (KRaft, pid " + all.pid(ProcessStack.KAFKA) + ")");
            System.out.println("  mongodb (wire)  " + all.mongoUri() + " (pid " + all.pid(ProcessStack.STORE) + ")");
            all.urls().forEach((name, url) -> System.out.printf("  %-15s %s (pid %d, log %s)%n", name, url,
                    all.pid(name), all.log(name)));
        } else {
            infrastructure = ProcessStack.infrastructure(dataDir, ports);
            System.out.println("  kafka           " + infrastructure.bootstrapServers() + " (KRaft, pid "
                    + infrastructure.pid(ProcessStack.KAFKA) + ")");
            System.out.println("  mongodb (wire)  " + infrastructure.mongoUri() + " (pid "
                    + infrastructure.pid(ProcessStack.STORE) + ")");
            stack = Stack.start(infrastructure.bootstrapServers(), infrastructure.mongoUri(), null, ports.apps(),
                    settings, options.flags());
            stack.urls().forEach((name, url) -> System.out.printf("  %-15s %s%n", name, url));
        }
        String bootstrapServers = "localhost:" + ports.kafka();
        Set<String> onSandbox = new TreeSet<>();
        stack.providerBaseUrls().forEach((provider, url) -> {
            boolean sandbox = stack.onSandbox(provider);
            if (sandbox) {
                onSandbox.add(provider);
            }
            System.out.printf("  %-15s %s%n", "  " + provider, url.isEmpty() ? "(no base URL: not used)"
                    : url + (sandbox ? "" : "   <- not the sandbox: the demo skips its admin-API steps"));
        });
        System.out.printf("Ready in %.1f s%n", Duration.between(started, Instant.now()).toMillis() / 1000.0);
        if (stack.urls().containsKey("ops-service")) {
            System.out.println(OpsDemo.banner(stack.urls().get("ops-service")));
        }

        ProcessStack infra = infrastructure;
        Runnable shutdown = () -> {
            stack.close();
            if (infra != null) {
                infra.close();
            }
        };
        int status = 0;
        if (demo) {
            try {
                Demo.printHeader();
                List<Demo.Result> results = new Demo("http://localhost:" + stack.port("order-service"))
                        .run(Duration.ofSeconds(60));
                System.out.println(Demo.table(results));
                WalletAndCatalogDemo walletAndCatalog = new WalletAndCatalogDemo("http://localhost:"
                        + stack.port("order-service"), onSandbox);
                System.out.println(walletAndCatalog.run(Duration.ofSeconds(60)));
                System.out.println(new ReconDemo("http://localhost:" + stack.port("reconciliation-service"),
                        "http://localhost:" + stack.port("provider-sandbox"), bootstrapServers,
                        "http://localhost:" + stack.port("schema-registry"), onSandbox).run(results,
                        Duration.ofSeconds(60)));
                if (walletAndCatalog.unexpected() > 0) {
                    status = 1;
                }
            } catch (Exception e) {
                System.err.println("Demo failed: " + e);
                status = 1;
            }
        }
        if (exitAfterDemo || status != 0) {
            shutdown.run();
            // Kafka and Netty leave non-daemon threads; the launcher owns the process.
            System.exit(status);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdown.run();
            stopped.countDown();
        }));
        System.out.println("Running. Order API: http://localhost:8080/v1/orders (Bearer " + Demo.API_KEY
                + "). Ctrl-C to stop.");
        stopped.await();
    }

    /** The local stack's defaults for every service (flags and environment variables override them). */
    public static Map<String, Object> settings(Path dataDir) {
        // The demo closes today's business day before midnight; a production deployment leaves this off.
        return withFinanceUser(Map.of("vendstream.recon.early-close-allowed", true,
                // The sandbox plays the providers, whose books survive our restarts.
                "vendstream.sandbox.books-file", dataDir.resolve("sandbox").resolve("books.json"),
                // A killed consumer's partitions wait for its session to time out before another
                // member (or its restart) takes them; on one machine there is no network to be patient
                // with, so 10 s instead of Kafka's 45 s.
                "spring.cloud.stream.kafka.binder.consumer-properties.session.timeout.ms", "10000",
                "spring.cloud.stream.kafka.binder.consumer-properties.heartbeat.interval.ms", "1000"));
    }

    /**
     * The reconciliation API needs a finance user's token: the demo's (ReconDemo.FINANCE_TOKEN), acting only as
     * itself. The back office calls it with a token of its own (ReconDemo.OPS_SERVICE_TOKEN as
     * vendstream.ops.recon.token; Stack gives it the URL), the one allowed to name the back-office user it acts for;
     * the back office gets its demo users (OpsDemo), which exist only in the local stack.
     */
    private static Map<String, Object> withFinanceUser(Map<String, Object> settings) {
        Map<String, Object> all = new java.util.HashMap<>(settings);
        all.putAll(ReconDemo.financeUsers());
        all.put("vendstream.ops.recon.token", ReconDemo.OPS_SERVICE_TOKEN);
        all.putAll(OpsDemo.users());
        return all;
    }
}
