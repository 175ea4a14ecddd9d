package com.vendstream.deploy;

import com.vendstream.deploy.store.StoreProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The local stack with every part in its own process: the Kafka broker ({@link KafkaBroker}), the store,
 * and, unless only the infrastructure is asked for, the schema registry, the provider sandbox and the four
 * services, each a JVM from this JVM's classpath ({@link AppMain}) with the settings the one-JVM
 * {@link Stack} gives it. Each logs to {@code <data>/logs/<name>.log} (its console output, errors only, to
 * {@code <name>.out}); {@link #kill} is {@code kill -9}, {@link #restart} starts the part again on the
 * same data and waits until it is healthy.
 *
 * <p>Each service may run as several instances ({@link #start(Path, Ports, Map, List, int)}): each its own
 * process named {@code <service>-1}, {@code <service>-2}, ..., with its own port (the first keeps the service's
 * port in {@link Ports}, the others take free ones) and its own log, in the service's consumer groups, so the
 * instances share the topics' partitions as a scaled-out deployment does. With one instance a service's
 * process is named after the service.
 */
public final class ProcessStack implements RunningStack {

    public static final String KAFKA = "kafka";
    public static final String STORE = "store";
    public static final String REGISTRY = "schema-registry";
    public static final String SANDBOX = "provider-sandbox";
    public static final List<String> SERVICES = List.of("order-service", "vend-service", "status-poller",
            "reconciliation-service");
    /**
     * Every part but the provider sandbox at once (the services, the registry, the store and the broker), as
     * a machine losing power would; the sandbox plays the providers, whose books outlive our crashes.
     */
    public static final String EVERYTHING = "everything";

    /** Where the parts listen: Kafka (and its controller), the store, and the applications. */
    public record Ports(int kafka, int controller, int store, Stack.Ports apps) {
        public static Ports standard() {
            return new Ports(9092, 9093, 27017, Stack.Ports.standard());
        }

        /** Free ports now, so that a test's stack never meets the local stack's. */
        public static Ports free() {
            return new Ports(freePort(), freePort(), freePort(), new Stack.Ports(freePort(), freePort(), freePort(),
                    freePort(), freePort(), freePort()));
        }
    }

    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(4);
    static final String PAWACARD_NODE = "vendstream.providers.pawacard.reference-node";
    /** Pawacard reference nodes are 0..89 (two digits of the reference). */
    private static final int PAWACARD_NODES = 90;

    private final Path dataDir;
    private final Ports ports;
    private final Map<String, Object> defaults = new LinkedHashMap<>();
    private final Map<String, ChildJvm> children = new LinkedHashMap<>();
    private final Map<String, Integer> appPorts = new LinkedHashMap<>();
    private final List<String> flags;
    /** Each service's process names, in start order. */
    private final Map<String, List<String>> instances = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile KafkaBroker kafka;
    private final String bootstrapServers;
    private final String mongoUri;

    private ProcessStack(Path dataDir, Ports ports, List<String> flags) {
        this.dataDir = dataDir;
        this.ports = ports;
        this.flags = List.copyOf(flags);
        this.bootstrapServers = "localhost:" + ports.kafka();
        this.mongoUri = "mongodb://localhost:" + ports.store() + "/vendstream";
    }

    /** Kafka and the store only, as processes; the caller runs the applications (the one-JVM stack). */
    public static ProcessStack infrastructure(Path dataDir, Ports ports) {
        ProcessStack stack = new ProcessStack(dataDir, ports, List.of());
        try {
            stack.startInfrastructure();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Every part as its own process.
     *
     * @param settings the stack's defaults for every application (as for {@link Stack#start})
     * @param flags    {@code --key=value} for every application, above the defaults
     */
    public static ProcessStack start(Path dataDir, Ports ports, Map<String, Object> settings, List<String> flags) {
        return start(dataDir, ports, settings, flags, 1);
    }

    /**
     * Every part as its own process, and {@code instancesPerService} processes of each service.
     *
     * @param settings the stack's defaults for every application (as for {@link Stack#start})
     * @param flags    {@code --key=value} for every application, above the defaults
     */
    public static ProcessStack start(Path dataDir, Ports ports, Map<String, Object> settings, List<String> flags,
                                     int instancesPerService) {
        if (instancesPerService < 1) {
            throw new IllegalArgumentException("at least one instance of each service is needed");
        }
        ProcessStack stack = new ProcessStack(dataDir, ports, flags);
        try {
            stack.startInfrastructure();
            Stack.Ports p = ports.apps();
            String registryUrl = "http://localhost:" + p.registry();
            String sandboxUrl = "http://localhost:" + p.sandbox();
            stack.prepare(Stack.registry(p.registry(), stack.bootstrapServers));
            stack.prepare(Stack.sandbox(p.sandbox(), settings));
            List<Stack.App> services = Stack.services(p, stack.bootstrapServers, registryUrl, stack.mongoUri,
                    sandboxUrl, settings);
            Map<String, List<Stack.App>> scaled = scaleOut(services, instancesPerService, ProcessStack::freePort);
            scaled.forEach((service, instances) -> {
                instances.forEach(stack::prepare);
                stack.instances.put(service, instances.stream().map(Stack.App::name).toList());
            });
            stack.defaults.putAll(services.get(services.size() - 1).defaults());
            // The registry and the sandbox first: the services register schemas and call providers at once.
            stack.startTogether(List.of(REGISTRY, SANDBOX));
            stack.startTogether(stack.serviceProcesses());
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Each service's instances: the service itself when there is one; otherwise {@code <service>-<i>}, the first
     * on the service's port and the others on free ones, and every instance with a Pawacard reference node of
     * its own. Processes on one host derive the same node from the host name, and two processes vending
     * through Pawacard on one node could issue the same reference in the same tenth of a second: Pawacard
     * answers a repeated reference with the original transaction, handing one order another's token.
     */
    static Map<String, List<Stack.App>> scaleOut(List<Stack.App> services, int instancesPerService,
                                                 IntSupplier freePorts) {
        if (instancesPerService * services.size() > PAWACARD_NODES) {
            throw new IllegalArgumentException("at most " + PAWACARD_NODES / services.size()
                    + " instances of each service: each needs a Pawacard reference node of its own");
        }
        Map<String, List<Stack.App>> scaled = new LinkedHashMap<>();
        int node = 0;
        for (Stack.App service : services) {
            List<Stack.App> instances = new ArrayList<>();
            for (int i = 1; i <= instancesPerService; i++) {
                instances.add(instancesPerService == 1 ? service : service.instance(service.name() + "-" + i,
                        i == 1 ? service.port() : freePorts.getAsInt(), Map.of(PAWACARD_NODE, node++)));
            }
            scaled.put(service.name(), List.copyOf(instances));
        }
        return scaled;
    }

    private void startInfrastructure() {
        kafka = KafkaBroker.start(dataDir, ports.kafka(), ports.controller());
        ChildJvm store = new ChildJvm(STORE, List.of("-Xmx768m", "-XX:+UseSerialGC"), StoreProcess.class.getName(),
                List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(ports.store())), logs().resolve("store.out"));
        children.put(STORE, store);
        store.start();
        awaitHealthy(STORE);
        TopicSetup.createAll(bootstrapServers);
    }

    private void prepare(Stack.App app) {
        Path launch = dataDir.resolve("processes").resolve(app.name() + ".properties");
        try {
            AppMain.write(app, launch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        URI logback = URI.create(String.valueOf(ProcessStack.class.getResource("/logback-stack.xml")));
        int heapMb = app.name().equals(REGISTRY) ? 256 : 512;
        List<String> jvm = List.of("-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-Dspring.main.banner-mode=off",
                "-Dvendstream.log.file=" + logs().resolve(app.name() + ".log"),
                "-Dlogback.configurationFile=" + logback, "-Dlogging.config=" + logback);
        List<String> args = new ArrayList<>();
        args.add(launch.toString());
        args.addAll(flags);
        children.put(app.name(), new ChildJvm(app.name(), jvm, AppMain.class.getName(), args,
                logs().resolve(app.name() + ".out")));
        appPorts.put(app.name(), app.port());
    }

    private void startTogether(List<String> names) {
        names.forEach(name -> children.get(name).start());
        CompletableFuture.allOf(names.stream().map(name -> CompletableFuture.runAsync(() -> awaitHealthy(name)))
                .toArray(CompletableFuture[]::new)).join();
    }

    private Path logs() {
        return dataDir.resolve("logs");
    }

    /** {@code kill -9} of one part, or of {@link #EVERYTHING} (no shutdown hook runs). */
    public void kill(String name) {
        if (name.equals(EVERYTHING)) {
            List<ChildJvm> all = new ArrayList<>();
            serviceProcesses().forEach(service -> all.add(child(service)));
            all.add(child(REGISTRY));
            all.add(child(STORE));
            // SIGKILL to all of them before waiting for any, so none outlives the others by more than that
            all.forEach(ChildJvm::signalKill);
            kafka.kill();
            all.forEach(ChildJvm::kill);
        } else if (name.equals(KAFKA)) {
            kafka.kill();
        } else {
            child(name).kill();
        }
    }

    /** Starts a part again on the same data (after {@link #kill}) and waits until it is healthy. */
    public void restart(String name) {
        if (name.equals(EVERYTHING)) {
            restart(KAFKA);
            restart(STORE);
            restart(REGISTRY);
            serviceProcesses().forEach(service -> child(service).kill());
            startTogether(serviceProcesses());
            return;
        }
        if (name.equals(KAFKA)) {
            kafka.kill();
            kafka = KafkaBroker.start(dataDir, ports.kafka(), ports.controller());
            return;
        }
        ChildJvm child = child(name);
        child.kill();
        child.start();
        awaitHealthy(name);
    }

    /**
     * Waits until the part answers: the store accepts connections, an application's
     * {@code /actuator/health} answers 200. Fails at once if the process exits.
     */
    public void awaitHealthy(String name) {
        ChildJvm child = child(name);
        Instant deadline = Instant.now().plus(HEALTHY_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            if (!child.alive()) {
                throw new IllegalStateException(name + " exited with " + child.exitValue() + "; see "
                        + child.output() + (name.equals(STORE) ? "" : " and " + logs().resolve(name + ".log")));
            }
            if (healthy(name)) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " was not healthy within " + HEALTHY_WITHIN + "; see " + child.output());
    }

    private boolean healthy(String name) {
        if (name.equals(STORE)) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", ports.store()), 500);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(name) + "/actuator/health"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ChildJvm child(String name) {
        ChildJvm child = children.get(name);
        if (child == null) {
            throw new IllegalArgumentException("no part named " + name + "; parts: " + parts());
        }
        return child;
    }

    /** The processes of one service ({@link #SERVICES}): its name alone, or {@code <service>-1}, {@code -2}, ... */
    public List<String> instances(String service) {
        List<String> names = instances.get(service);
        if (names == null) {
            throw new IllegalArgumentException("no service named " + service + "; services: " + SERVICES);
        }
        return names;
    }

    /** Every service's processes, service by service. */
    public List<String> serviceProcesses() {
        return instances.values().stream().flatMap(List::stream).toList();
    }

    /** Every part's name: kafka, store, then the applications in start order. */
    public List<String> parts() {
        List<String> names = new ArrayList<>(List.of(KAFKA));
        names.addAll(children.keySet());
        return names;
    }

    public long pid(String name) {
        return name.equals(KAFKA) ? kafka.pid() : child(name.equals(EVERYTHING) ? STORE : name).pid();
    }

    /** Where the part writes its log. */
    public Path log(String name) {
        return switch (name) {
            case KAFKA -> dataDir.resolve("kafka").resolve("broker.log");
            case STORE -> child(STORE).output();
            default -> logs().resolve(name + ".log");
        };
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String mongoUri() {
        return mongoUri;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Map<String, String> urls() {
        Map<String, String> urls = new LinkedHashMap<>();
        appPorts.forEach((name, port) -> urls.put(name, "http://localhost:" + port));
        return urls;
    }

    public String url(String name) {
        return "http://localhost:" + port(name);
    }

    /** An application's port; a service's name alone, when it runs as several instances, means its first. */
    @Override
    public int port(String name) {
        Integer port = appPorts.get(name);
        if (port == null && instances.containsKey(name)) {
            port = appPorts.get(instances.get(name).get(0));
        }
        if (port == null) {
            throw new IllegalArgumentException("no application named " + name);
        }
        return port;
    }

    /** As a service process resolves them: its flags, then system properties and environment, then the defaults. */
    @Override
    public Map<String, String> providerBaseUrls() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(flags.toArray(String[]::new)));
        environment.getPropertySources().addLast(new MapPropertySource(ServiceLaunch.DEFAULTS_SOURCE, defaults));
        return Stack.providerBaseUrls(environment);
    }

    @Override
    public boolean onSandbox(String provider) {
        return providerBaseUrls().getOrDefault(provider, "").startsWith(url(SANDBOX) + "/");
    }

    /** Stops the applications (all asked at once, then each awaited), then the store and the broker. */
    @Override
    public void close() {
        List<ChildJvm> apps = new ArrayList<>(children.values());
        apps.removeIf(c -> c.name().equals(STORE));
        apps.forEach(ChildJvm::terminate);
        apps.forEach(ChildJvm::stop);
        if (children.containsKey(STORE)) {
            children.get(STORE).stop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
