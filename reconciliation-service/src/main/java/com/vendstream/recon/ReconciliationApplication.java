package com.vendstream.recon;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class ReconciliationApplication {

    /** Each service reads its own {@code reconciliation-service.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "reconciliation-service";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ReconciliationApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
