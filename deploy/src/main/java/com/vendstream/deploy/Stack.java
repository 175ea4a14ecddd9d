package com.vendstream.deploy;

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
 * The vendstream system on one JVM: schema registry, provider sandbox and the four services, wired
 * to a Kafka broker and a MongoDB endpoint that the caller provides (the local stack runs a broker
 * from the Kafka jars and a file-backed wire-protocol store; tests use an embedded KRaft broker and
 * an in-memory store). Each service keeps its own configuration file and Spring context.
 */
public final class Stack implements AutoCloseable {

    /** Where everything listens. Port 0 picks a free port (tests). */
    public record Ports(int registry, int sandbox, int order, int vend, int poller, int recon) {
        public static Ports standard() {
            return new Ports(8081, 8090, 8080, 8082, 8083, 8084);
        }

        public static Ports random() {
            return new Ports(0, 0, 0, 0, 0, 0);
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
                ConfigurableApplicationContext registry = ServiceLaunch.run(SchemaRegistryApplication.class,
                        Map.of("spring.config.name", SchemaRegistryApplication.CONFIG_NAME,
                                "server.port", ports.registry(),
                                "vendstream.registry.kafka.bootstrap-servers", bootstrapServers),
                        Map.of(), flags);
                stack.add("schema-registry", registry);
                registryUrl = "http://localhost:" + port(registry);
            }

            Map<String, Object> sandboxDefaults = new LinkedHashMap<>(infraOnly());
            sandboxDefaults.putAll(settings);
            ConfigurableApplicationContext sandbox = ServiceLaunch.run(ProviderSandboxApplication.class,
                    Map.of("spring.config.name", ProviderSandboxApplication.CONFIG_NAME,
                            "server.port", ports.sandbox()),
                    sandboxDefaults, flags);
            stack.add("provider-sandbox", sandbox);
            stack.sandboxUrl = "http://localhost:" + port(sandbox);

            Map<String, Object> wiring = Map.of("vendstream.kafka.bootstrap-servers", bootstrapServers,
                    "vendstream.registry.url", registryUrl, "spring.mongodb.uri", mongoUri);
            Map<String, Object> defaults = new LinkedHashMap<>(providerUrls(stack.sandboxUrl));
            defaults.putAll(settings);

            stack.service("order-service", () -> run(OrderServiceApplication.class,
                    OrderServiceApplication.CONFIG_NAME, ports.order(), wiring, defaults, flags));
            stack.service("vend-service", () -> run(VendServiceApplication.class, VendServiceApplication.CONFIG_NAME,
                    ports.vend(), wiring, defaults, flags));
            stack.service("status-poller", () -> run(StatusPollerApplication.class,
                    StatusPollerApplication.CONFIG_NAME, ports.poller(), wiring, defaults, flags));
            stack.service("reconciliation-service", () -> run(ReconciliationApplication.class,
                    ReconciliationApplication.CONFIG_NAME, ports.recon(), wiring, defaults, flags));
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
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

    private static ConfigurableApplicationContext run(Class<?> app, String configName, int port,
                                                      Map<String, Object> wiring, Map<String, Object> defaults,
                                                      List<String> flags) {
        Map<String, Object> fixed = new LinkedHashMap<>(wiring);
        fixed.put("spring.config.name", configName);
        fixed.put("server.port", port);
        return ServiceLaunch.run(app, fixed, defaults, flags);
    }

    /**
     * Each provider's base URL as the services see it (after environment variables and flags), and
     * whether it is this stack's sandbox: a real provider has no admin API for the demo to use.
     */
    public Map<String, String> providerBaseUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String key : providerUrls("").keySet()) {
            if (!key.endsWith(".base-url")) {
                continue;
            }
            String provider = key.substring("vendstream.providers.".length(), key.length() - ".base-url".length());
            urls.put(provider, context("order-service").getEnvironment().getProperty(key, ""));
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
