package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.LocalRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * The schema registry and the provider sandbox keep nothing in MongoDB. On the local stack's shared
 * classpath the driver is present (the services need it), and an unguarded context would open a
 * client to the default localhost:27017: stack traces at start, and a clash with any store there.
 */
class StorelessContextsTest {

    private static final List<String> CLIENT_TYPES = List.of("com.mongodb.reactivestreams.client.MongoClient",
            "com.mongodb.client.MongoClient");

    private static EmbeddedBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedBroker.withTopics(1);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void theDriverIsOnThisClasspathSoTheTestsBelowMeanSomething() {
        assertThat(ClassUtils.isPresent(CLIENT_TYPES.get(0), null)).isTrue();
    }

    @Test
    void theSchemaRegistryOpensNoStoreClient() {
        try (LocalRegistry registry = LocalRegistry.start(kafka.bootstrap())) {
            assertNoStoreClient(registry.context());
        }
    }

    @Test
    void theProviderSandboxOpensNoStoreClient() {
        try (ConfigurableApplicationContext sandbox = ProviderSandboxApplication.start(0, Map.of())) {
            assertNoStoreClient(sandbox);
        }
    }

    private static void assertNoStoreClient(ConfigurableApplicationContext context) {
        for (String type : CLIENT_TYPES) {
            if (ClassUtils.isPresent(type, null)) {
                assertThat(context.getBeanNamesForType(ClassUtils.resolveClassName(type, null))).as(type).isEmpty();
            }
        }
        assertThat(context.getBeanDefinitionNames()).noneMatch(name -> name.toLowerCase().contains("mongo"));
    }
}
