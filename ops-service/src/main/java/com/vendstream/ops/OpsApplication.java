package com.vendstream.ops;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class OpsApplication {

    /** Each service reads its own {@code ops-service.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "ops-service";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(OpsApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
