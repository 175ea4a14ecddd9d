package com.vendstream.kit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The shared settings as a service reads them (vendstream-kafka.yml and the observability file it imports, through
 * Spring Boot's config data): JSON logs only under Kubernetes or with the profile json-logs, plain text otherwise;
 * every trace sampled; the binder's observation on; nothing exported without an endpoint.
 */
class ObservabilitySettingsTest {

    private static StandardEnvironment environment(Map<String, Object> settings, String... profiles) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "spring.config.name", "none", "spring.config.import", "classpath:vendstream-kafka.yml")));
        environment.getPropertySources().addFirst(new MapPropertySource("given", settings));
        ConfigDataEnvironmentPostProcessor.applyTo(environment, new DefaultResourceLoader(), null, profiles);
        return environment;
    }

    @Test
    void logsArePlainTextUnlessKubernetesOrTheJsonLogsProfile() {
        assertThat(environment(Map.of()).getProperty("logging.structured.format.console")).isNull();
        assertThat(environment(Map.of(), "json-logs").getProperty("logging.structured.format.console"))
                .isEqualTo("ecs");
        assertThat(environment(Map.of("spring.main.cloud-platform", "kubernetes"))
                .getProperty("logging.structured.format.console")).isEqualTo("ecs");
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
