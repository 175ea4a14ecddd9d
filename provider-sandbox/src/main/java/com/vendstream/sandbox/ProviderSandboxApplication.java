package com.vendstream.sandbox;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ProviderSandboxApplication {

    /** Each service reads its own {@code provider-sandbox.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "provider-sandbox";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ProviderSandboxApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
