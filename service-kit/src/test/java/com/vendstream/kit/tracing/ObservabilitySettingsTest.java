package com.vendstream.kit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The shared settings as a service reads them (vendstream-kafka.yml and the observability file it imports, through
 * Spring Boot's config data): JSON logs only under Kubernetes or with the profile json-logs, plain text otherwise;
 * every trace sampled; the binder's observation on; nothing exported without an endpoint.
 */
class ObservabilitySettingsTest {

    /** What a CI runner inside a Kubernetes pod has in its environment, and what Spring Boot detects it by. */
    private static final Map<String, Object> IN_A_POD = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1",
            "KUBERNETES_SERVICE_PORT", "443");

    private static StandardEnvironment environment(Map<String, Object> settings, String... profiles) {
        return environment(settings, null, profiles);
    }

    /** {@code variables}, when given, stand in for the process's environment variables. */
    private static StandardEnvironment environment(Map<String, Object> settings, Map<String, Object> variables,
                                                   String... profiles) {
        StandardEnvironment environment = new StandardEnvironment();
        if (variables != null) {
            environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            variables));
        }
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "spring.config.name", "none", "spring.config.import", "classpath:vendstream-kafka.yml")));
        environment.getPropertySources().addFirst(new MapPropertySource("given", settings));
        ConfigDataEnvironmentPostProcessor.applyTo(environment, new DefaultResourceLoader(), null, profiles);
        return environment;
    }

    @Test
    void logsArePlainTextUnlessKubernetesOrTheJsonLogsProfile() {
        // Explicitly no platform: wherever this test runs (a CI runner may itself be in a Kubernetes pod).
        assertThat(environment(Map.of("spring.main.cloud-platform", "none"), IN_A_POD)
                .getProperty("logging.structured.format.console")).isNull();
        assertThat(environment(Map.of(), "json-logs").getProperty("logging.structured.format.console"))
                .isEqualTo("ecs");
        assertThat(environment(Map.of("spring.main.cloud-platform", "kubernetes"))
                .getProperty("logging.structured.format.console")).isEqualTo("ecs");
    }

    /**
     * The build runs every test with spring.main.cloud-platform=none (the root pom's Surefire settings), so a CI
     * runner in a Kubernetes pod does not switch every service a test starts to JSON logs.
     */
    @Test
    void testsRunOnNoCloudPlatformEvenInAPod() {
        StandardEnvironment tests = environment(Map.of(), IN_A_POD);
        assertThat(CloudPlatform.getActive(tests)).isEqualTo(CloudPlatform.NONE);
        assertThat(tests.getProperty("logging.structured.format.console")).isNull();
    }

    @Test
    void everyTraceIsSampledAndTheBinderObserves() {
        StandardEnvironment environment = environment(Map.of());
        assertThat(environment.getProperty("management.tracing.sampling.probability")).isEqualTo("1.0");
        assertThat(environment.getProperty("spring.cloud.stream.kafka.binder.enable-observation")).isEqualTo("true");
        assertThat(environment.getProperty("spring.reactor.context-propagation")).isEqualTo("auto");
        assertThat(environment.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
                .as("nothing exported unless an endpoint is given").isNull();
    }
}
