package com.vendstream.deploy;

import com.vendstream.ops.OpsApplication;
import com.vendstream.order.OrderServiceApplication;
import com.vendstream.poller.StatusPollerApplication;
import com.vendstream.recon.ReconciliationApplication;
import com.vendstream.registry.SchemaRegistryApplication;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.vend.VendServiceApplication;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The vendstream system on one JVM: schema registry, provider sandbox, the four services and the operations
 * back office (ops-service), wired
 * to a Kafka broker and a MongoDB endpoint that the caller provides (the local stack runs a broker
 * from the Kafka jars and a file-backed wire-protocol store; tests use an embedded KRaft broker and
 * an in-memory store). Each service keeps its own configuration file and Spring context.
 */
public final class Stack implements RunningStack {

    /** Where everything listens. Port 0 picks a free port (tests). */
    public record Ports(int registry, int sandbox, int order, int vend, int poller, int recon, int ops) {
        /** ops-service on a free port. */
        public Ports(int registry, int sandbox, int order, int vend, int poller, int recon) {
            this(registry, sandbox, order, vend, poller, recon, 0);
        }

        public static Ports standard() {
            return new Ports(8081, 8090, 8080, 8082, 8083, 8084, 8086);
        }

        public static Ports random() {
            return new Ports(0, 0, 0, 0, 0, 0, 0);
        }
    }

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final Map<String, ConfigurableApplicationContext> byName = new LinkedHashMap<>();
    private final Map<String, java.util.function.Supplier<ConfigurableApplicationContext>> starters = new HashMap<>();
    private String sandboxUrl;

    private Stack() {
    }

    /**
     * @param settings the stack's settings for every service (e.g. shorter timeouts in tests); they win over
     *                 the services' configuration files and lose to environment variables and system properties
     */
    public static Stack start(String bootstrapServers, String mongoUri, Ports ports, Map<String, Object> settings) {
        return start(bootstrapServers, mongoUri, null, ports, settings, List.of());
    }

    /**
     * @param externalRegistryUrl a registry already running (e.g. Confluent's image); null starts ours
     * @param flags {@code --key=value} arguments for every context, above everything but what the stack
     *              alone decides (ports, configuration names, the broker, registry and store addresses)
     */
    public static Stack start(String bootstrapServers, String mongoUri, String externalRegistryUrl, Ports ports,
                              Map<String, Object> settings, List<String> flags) {
        Stack stack = new Stack();
        try {
            String registryUrl = externalRegistryUrl;
            if (registryUrl == null) {
                App registry = registry(ports.registry(), bootstrapServers);
                stack.add(registry.name(), registry.run(flags));
                registryUrl = "http://localhost:" + stack.port(registry.name());
            }
            App sandbox = sandbox(ports.sandbox(), settings);
            stack.add(sandbox.name(), sandbox.run(flags));
            stack.sandboxUrl = "http://localhost:" + stack.port(sandbox.name());
            for (App service : services(ports, bootstrapServers, registryUrl, mongoUri, stack.sandboxUrl, settings)) {
                stack.service(service.name(), () -> service.run(flags));
            }
            App ops = ops(ports.ops(), bootstrapServers, registryUrl, mongoUri,
                    "http://localhost:" + stack.port("reconciliation-service"), withSources(settings, stack));
            stack.service(ops.name(), () -> ops.run(flags));
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * One application of the stack and the settings {@link ServiceLaunch} gives it: the same whether it runs
     * in this JVM ({@link #run}) or as its own process ({@link ProcessStack}, through {@link AppMain}).
     *
     * @param fixed    what the stack alone decides (configuration name, port, the broker, registry and store)
     * @param defaults the stack's defaults, below environment variables and flags
     */
    public record App(String name, Class<?> application, Map<String, Object> fixed, Map<String, Object> defaults) {
        ConfigurableApplicationContext run(List<String> flags) {
            return ServiceLaunch.run(application, fixed, defaults, flags);
        }

        int port() {
            return Integer.parseInt(String.valueOf(fixed.get("server.port")));
        }

        /**
         * Another instance of this application: the same settings under another name and port, and the settings
         * that must differ between instances ({@code own}, fixed: above flags and environment, which every
         * instance shares).
         */
        App instance(String instanceName, int instancePort, Map<String, Object> own) {
            Map<String, Object> instanceFixed = new LinkedHashMap<>(fixed);
            instanceFixed.putAll(own);
            instanceFixed.put("server.port", instancePort);
            return new App(instanceName, application, instanceFixed, defaults);
        }
    }

    static App registry(int port, String bootstrapServers) {
        return new App("schema-registry", SchemaRegistryApplication.class,
                Map.of("spring.config.name", SchemaRegistryApplication.CONFIG_NAME, "server.port", port,
                        "vendstream.registry.kafka.bootstrap-servers", bootstrapServers,
                        "vendstream.registry.kafka.replication-factor", 1), Map.of());
    }

    static App sandbox(int port, Map<String, Object> settings) {
        Map<String, Object> defaults = new LinkedHashMap<>(infraOnly());
        defaults.putAll(settings);
        return new App("provider-sandbox", ProviderSandboxApplication.class,
                Map.of("spring.config.name", ProviderSandboxApplication.CONFIG_NAME, "server.port", port), defaults);
    }

    /** The four services, wired to the broker, the registry and the store, with every provider at the sandbox. */
    static List<App> services(Ports ports, String bootstrapServers, String registryUrl, String mongoUri,
                              String sandboxUrl, Map<String, Object> settings) {
        Map<String, Object> wiring = new LinkedHashMap<>(kafka(bootstrapServers));
        wiring.putAll(Map.of("vendstream.registry.url", registryUrl, "spring.mongodb.uri", mongoUri));
        Map<String, Object> defaults = new LinkedHashMap<>(providerUrls(sandboxUrl));
        defaults.putAll(settings);
        return List.of(
                service("order-service", OrderServiceApplication.class, OrderServiceApplication.CONFIG_NAME,
                        ports.order(), wiring, withCheckoutKeys(defaults)),
                service("vend-service", VendServiceApplication.class, VendServiceApplication.CONFIG_NAME,
                        ports.vend(), wiring, defaults),
                service("status-poller", StatusPollerApplication.class, StatusPollerApplication.CONFIG_NAME,
                        ports.poller(), wiring, defaults),
                service("reconciliation-service", ReconciliationApplication.class,
                        ReconciliationApplication.CONFIG_NAME, ports.recon(), wiring, defaults));
    }

    /** order-service takes checkout events signed with the demo merchants' keys ({@link CheckoutDemo}). */
    private static Map<String, Object> withCheckoutKeys(Map<String, Object> defaults) {
        Map<String, Object> all = new LinkedHashMap<>(CheckoutDemo.signingKeys());
        all.putAll(defaults);
        return all;
    }

    /**
     * The operations back office: no provider calls, so no provider settings; its users come from
     * {@code settings} (the local stack's demo users, {@link OpsDemo}, whose passwords are printed). It listens
     * on the loopback interface only, so those printed passwords open nothing to the machine's network. Its
     * reconciliation pages call this stack's reconciliation-service at {@code reconUrl} (a default: settings and
     * flags may point elsewhere) with the finance token in {@code settings} (vendstream.ops.recon.token).
     */
    static App ops(int port, String bootstrapServers, String registryUrl, String mongoUri, String reconUrl,
                   Map<String, Object> settings) {
        Map<String, Object> wiring = new LinkedHashMap<>(kafka(bootstrapServers));
        wiring.putAll(Map.of("vendstream.registry.url", registryUrl, "spring.mongodb.uri", mongoUri,
                "server.address", "127.0.0.1", "vendstream.ops.login.ephemeral-guard-key", "true"));
        Map<String, Object> defaults = new LinkedHashMap<>(settings);
        defaults.putIfAbsent("vendstream.ops.recon.url", reconUrl);
        return service("ops-service", OpsApplication.class, OpsApplication.CONFIG_NAME, port, wiring, defaults);
    }

    /**
     * The broker, on which the stack (one broker) lets the services make topics with one replica. The shared
     * settings create none: the catalogue's topics are made by {@link TopicSetup} here, by Strimzi in production.
     */
    private static Map<String, Object> kafka(String bootstrapServers) {
        return Map.of("vendstream.kafka.bootstrap-servers", bootstrapServers,
                "vendstream.kafka.auto-create-topics", "true", "vendstream.kafka.replication-factor", "1");
    }

    /**
     * The back office's live view reads each service's /actuator/prometheus (vendstream.ops.sources.<name>): the
     * services as this stack started them, on whatever ports they got.
     */
    private static Map<String, Object> withSources(Map<String, Object> settings, Stack stack) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        for (String name : List.of("order-service", "vend-service", "status-poller", "reconciliation-service")) {
            all.put("vendstream.ops.sources." + name, "http://localhost:" + stack.port(name));
        }
        return all;
    }

    private static App service(String name, Class<?> application, String configName, int port,
                               Map<String, Object> wiring, Map<String, Object> defaults) {
        Map<String, Object> fixed = new LinkedHashMap<>(wiring);
        fixed.put("spring.config.name", configName);
        fixed.put("server.port", port);
        return new App(name, application, fixed, defaults);
    }

    /** Base URLs of every provider, pointed at the sandbox (credentials default to the sandbox's). */
    public static Map<String, Object> providerUrls(String sandboxUrl) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("vendstream.providers.vtpass.base-url", sandboxUrl + "/vtpass/api");
        // Account facts of the sandbox's accounts (no defaults elsewhere: a deployment sets its own).
        p.put("vendstream.providers.vtpass.merchant-phone", "08011111111");
        p.put("vendstream.providers.pagamio.base-url", sandboxUrl + "/pagamio/api/v1");
        p.put("vendstream.providers.pagamio.merchant-id", "MER-1001");
        p.put("vendstream.providers.pawacard.base-url", sandboxUrl + "/pawacard/v3");
        p.put("vendstream.providers.pay4power.base-url", sandboxUrl + "/pay4power/api/v2.1/b2b");
        p.put("vendstream.providers.dollr.base-url", sandboxUrl + "/dollr/v1");
        return p;
    }

    /** The registry and the sandbox use no Kafka bindings; keep their health honest. */
    private static Map<String, Object> infraOnly() {
        Map<String, Object> p = new HashMap<>();
        p.put("management.health.binders.enabled", false);
        p.put("spring.cloud.stream.function.autodetect", false);
        return p;
    }

    /**
     * Each provider's base URL as the services see it (after environment variables and flags), and
     * whether it is this stack's sandbox: a real provider has no admin API for the demo to use.
     */
    public Map<String, String> providerBaseUrls() {
        return providerBaseUrls(context("order-service").getEnvironment());
    }

    /** Each provider's base URL in this environment ("" when it has none). */
    static Map<String, String> providerBaseUrls(org.springframework.core.env.PropertyResolver environment) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String key : providerUrls("").keySet()) {
            if (!key.endsWith(".base-url")) {
                continue;
            }
            String provider = key.substring("vendstream.providers.".length(), key.length() - ".base-url".length());
            urls.put(provider, environment.getProperty(key, ""));
        }
        return urls;
    }

    /** Whether this provider is served by the stack's own sandbox. */
    public boolean onSandbox(String provider) {
        return providerBaseUrls().getOrDefault(provider, "").startsWith(sandboxUrl + "/");
    }

    private void service(String name, java.util.function.Supplier<ConfigurableApplicationContext> starter) {
        starters.put(name, starter);
        add(name, starter.get());
    }

    /** Stops a service and starts it again with the same settings, as a deploy or a crash-restart would. */
    public void restart(String name) {
        stop(name);
        add(name, starters.get(name).get());
    }

    private void add(String name, ConfigurableApplicationContext context) {
        contexts.add(context);
        byName.put(name, context);
    }

    public static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public ConfigurableApplicationContext context(String name) {
        return byName.get(name);
    }

    public int port(String name) {
        return port(byName.get(name));
    }

    public Map<String, String> urls() {
        Map<String, String> urls = new LinkedHashMap<>();
        byName.forEach((name, ctx) -> urls.put(name, "http://localhost:" + port(ctx)));
        return urls;
    }

    /** Stops one service, as a crash or a deploy would (tests use it to restart a service mid-flight). */
    public void stop(String name) {
        ConfigurableApplicationContext ctx = byName.remove(name);
        if (ctx != null) {
            contexts.remove(ctx);
            ctx.close();
        }
    }

    @Override
    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            try {
                contexts.get(i).close();
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        contexts.clear();
        byName.clear();
    }
}
