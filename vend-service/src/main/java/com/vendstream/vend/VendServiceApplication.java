package com.vendstream.vend;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class VendServiceApplication {

    /** Each service reads its own {@code vend-service.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "vend-service";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(VendServiceApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
