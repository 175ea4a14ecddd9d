package com.vendstream.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SchemaRegistryApplication {

    /** Each service reads its own {@code schema-registry.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "schema-registry";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(SchemaRegistryApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
