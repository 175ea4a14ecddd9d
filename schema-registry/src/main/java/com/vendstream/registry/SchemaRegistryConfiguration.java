package com.vendstream.registry;

import com.vendstream.registry.store.KafkaSchemaLog;
import com.vendstream.registry.store.RegistryState;
import com.vendstream.schemas.client.KafkaSecurity;
import com.vendstream.schemas.topic.Topics;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
public class SchemaRegistryConfiguration {

    /**
     * Own Netty event loops instead of Reactor's JVM-wide ones: the local stack runs several WebFlux
     * apps in one JVM, and closing a context that uses the global resources disposes them for all.
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        return factory;
    }

    @Bean
    RegistryState registryState() {
        return new RegistryState(JsonMapper.builder().build());
    }

    @Bean(destroyMethod = "close")
    KafkaSchemaLog schemaLog(RegistryState state, Environment environment,
                             @Value("${vendstream.registry.kafka.bootstrap-servers}") String bootstrapServers,
                             @Value("${vendstream.registry.kafka.topic:" + "_schemas" + "}") String topic,
                             @Value("${vendstream.registry.kafka.replication-factor:1}") short replicationFactor,
                             @Value("${vendstream.registry.kafka.timeout:PT30S}") Duration timeout) {
        // The services' settings (vendstream.kafka.security.protocol, sasl.*, ssl.*), so one secret serves both.
        Map<String, Object> security = KafkaSecurity.from(environment::getProperty).clientConfig();
        KafkaSchemaLog log = new KafkaSchemaLog(bootstrapServers, security, topic, replicationFactor, timeout, state);
        try {
            log.start();
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    @Bean
    SchemaRegistry schemaRegistry(RegistryState state, KafkaSchemaLog log,
                                  @Value("${vendstream.registry.default-compatibility:BACKWARD}") String level) {
        return new SchemaRegistry(state, log, CompatibilityLevel.parse(level));
    }

    @Bean
    HealthIndicator schemaLogHealth(SchemaRegistry registry) {
        return () -> registry.healthy()
                ? Health.up().withDetail("topic", Topics.SCHEMAS.topic()).build()
                : Health.down().withDetail("reason", "schema log reader is not running").build();
    }
}
