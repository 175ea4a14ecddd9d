package com.vendstream.testkit;

import com.vendstream.registry.SchemaRegistryApplication;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** The schema registry of this repository, in-process on a random port, keeping its schemas on the broker. */
public final class LocalRegistry implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private LocalRegistry(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static LocalRegistry start(String bootstrap) {
        return new LocalRegistry(SchemaRegistryApplication.start(0, bootstrap));
    }

    /** With settings of its own, e.g. how it connects (vendstream.kafka.security.protocol, sasl.*). */
    public static LocalRegistry start(String bootstrap, Map<String, ?> settings) {
        return new LocalRegistry(SchemaRegistryApplication.start(0, bootstrap, settings));
    }

    /** Where the serializers find it: http://localhost:port. */
    public String url() {
        return "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
    }

    /** The registry's application context, for a test that looks inside it. */
    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
