package com.vendstream.sandbox;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

@SpringBootApplication
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
