package com.vendstream.sandbox;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

@SpringBootApplication(excludeName = {
        // The sandbox keeps its books in memory or a file. Where the MongoDB driver is on the classpath
        // (the local stack, the services' tests) these would open a client to localhost:27017 and its
        // metrics and repositories. The same list is in SchemaRegistryApplication: the modules share no code.
        "org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.health.MongoHealthContributorAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.health.MongoReactiveHealthContributorAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.metrics.MongoMetricsAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoRepositoriesAutoConfiguration",
        "org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveRepositoriesAutoConfiguration"})
@org.springframework.scheduling.annotation.EnableScheduling
public class ProviderSandboxApplication {

    /** Each service reads its own {@code provider-sandbox.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "provider-sandbox";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ProviderSandboxApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }

    /** Runs the sandbox in-process (tests, the local stack); port 0 picks a free port. */
    public static ConfigurableApplicationContext start(int port, Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put("spring.config.name", CONFIG_NAME);
        p.put("server.port", port);
        // As command-line arguments, so they win over provider-sandbox.yml.
        return new SpringApplicationBuilder(ProviderSandboxApplication.class)
                .run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }
}
