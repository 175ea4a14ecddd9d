package com.vendstream.poller;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class StatusPollerApplication {

    /** Each service reads its own {@code status-poller.yml}, so all of them can share one classpath in the local stack. */
    public static final String CONFIG_NAME = "status-poller";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(StatusPollerApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
