package com.vendstream.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Confluent-REST-compatible schema registry over a compacted Kafka topic, for the local stack and
 * tests (Compose and Kubernetes use Confluent's image on the same topic layout).
 */
@SpringBootApplication(excludeName = {
        // The registry keeps its state in Kafka. Where the MongoDB driver is on the classpath (the local
        // stack, the services' tests) these would open a client to localhost:27017 and its metrics and
        // repositories. The same list is in ProviderSandboxApplication: the modules share no code.
        "org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.health.MongoHealthContributorAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.health.MongoReactiveHealthContributorAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.metrics.MongoMetricsAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoRepositoriesAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveRepositoriesAutoConfiguration"})
public class SchemaRegistryApplication {

    /** Each service reads its own {@code schema-registry.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "schema-registry";

    public static void main(String[] args) {
        application().run(args);
    }

    /**
     * Starts the registry in this JVM and returns once it has loaded the schema log and listens.
     *
     * @param port HTTP port; 0 picks a free one (read it from {@code local.server.port})
     */
    public static ConfigurableApplicationContext start(int port, String bootstrapServers) {
        return start(port, bootstrapServers, Map.of());
    }

    /** As {@link #start(int, String)}, with extra properties, e.g. {@code vendstream.registry.kafka.topic}. */
    public static ConfigurableApplicationContext start(int port, String bootstrapServers, Map<String, ?> properties) {
        // Command-line arguments outrank environment variables such as SERVER_PORT that a host JVM may carry.
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + port);
        args.add("--vendstream.registry.kafka.bootstrap-servers=" + bootstrapServers);
        // In this JVM: a test's or the local stack's single broker.
        args.add("--vendstream.registry.kafka.replication-factor=1");
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return application().run(args.toArray(String[]::new));
    }

    private static SpringApplication application() {
        SpringApplication app = new SpringApplication(SchemaRegistryApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        return app;
    }
}
