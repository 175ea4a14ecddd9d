package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.order.OrderServiceApplication;
import com.vendstream.recon.access.FinanceUsers;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The local stack's settings are defaults: an integrator points it at a provider's own test server
 * with an environment variable or a {@code --key=value} flag, without changing code. Runs order-service's
 * real configuration files in a bare context (no beans), so no broker or store is needed.
 */
class StackSettingsPrecedenceTest {

    private static final String SANDBOX = "http://localhost:8090";

    /** Nothing but the environment: the configuration files of order-service and what the launcher adds. */
    @SpringBootConfiguration
    static class ConfigurationOnly {
    }

    @Test
    void theStackDefaultsWinOverTheServiceFilesAndLoseToEnvironmentVariablesAndFlags() {
        Map<String, Object> defaults = new LinkedHashMap<>(Stack.providerUrls(SANDBOX));
        defaults.put("vendstream.catalog.live.refresh-every", "PT1M");
        Map<String, Object> environment = Map.of(
                "VENDSTREAM_PROVIDERS_VTPASS_BASE_URL", "https://sandbox.vtpass.com/api",
                "VENDSTREAM_PROVIDERS_VTPASS_API_KEY", "integrator-key",
                "VENDSTREAM_PROVIDERS_PAGAMIO_BASE_URL", "https://example.invalid/from-environment");
        List<String> flags = List.of("--vendstream.providers.pagamio.base-url=https://vas-sandbox-api.pagamio.tech/api/v1");

        try (ConfigurableApplicationContext context = ServiceLaunch.run(ConfigurationOnly.class, fixed(), defaults,
                flags, environment(environment))) {
            Environment env = context.getEnvironment();
            assertThat(env.getProperty("vendstream.providers.vtpass.base-url"))
                    .as("an environment variable beats the stack's default").isEqualTo("https://sandbox.vtpass.com/api");
            assertThat(env.getProperty("vendstream.providers.vtpass.api-key"))
                    .as("and the configuration file's credential").isEqualTo("integrator-key");
            assertThat(env.getProperty("vendstream.providers.pagamio.base-url"))
                    .as("a flag beats the default and the environment")
                    .isEqualTo("https://vas-sandbox-api.pagamio.tech/api/v1");
            assertThat(env.getProperty("vendstream.providers.pawacard.base-url"))
                    .as("untouched, the stack's default stands").isEqualTo(SANDBOX + "/pawacard/v3");
            assertThat(env.getProperty("vendstream.catalog.live.refresh-every"))
                    .as("the stack's default beats order-service.yml (PT15M)").isEqualTo("PT1M");
            assertThat(env.getProperty("vendstream.catalog.live.check-every"))
                    .as("order-service.yml is read").isEqualTo("PT1M");
        }
    }

    @Test
    void whatTheStackAloneDecidesIsNotOverridden() {
        Map<String, Object> environment = Map.of("SERVER_PORT", "9999", "SPRING_MONGODB_URI", "mongodb://elsewhere:27017/x");
        List<String> flags = List.of("--server.port=1", "--spring.mongodb.uri=mongodb://elsewhere/y");

        try (ConfigurableApplicationContext context = ServiceLaunch.run(ConfigurationOnly.class, fixed(), Map.of(),
                flags, environment(environment))) {
            assertThat(context.getEnvironment().getProperty("server.port")).isEqualTo("18080");
            assertThat(context.getEnvironment().getProperty("spring.mongodb.uri"))
                    .isEqualTo("mongodb://localhost:27017/vendstream-stack");
        }
    }

    /**
     * The back office calls reconciliation-service with a credential of its own, the one allowed to name the user
     * it acts for; the demo finance token (the demo's and the campaign's) acts only as itself.
     */
    @Test
    void theBackOfficeHasItsOwnReconciliationCredentialThatActsForOthers() {
        Map<String, Object> settings = LocalStack.settings(Path.of("/tmp/stack"));
        assertThat(settings.get("vendstream.ops.recon.token")).isEqualTo(ReconDemo.OPS_SERVICE_TOKEN)
                .isNotEqualTo(ReconDemo.FINANCE_TOKEN);
        Map<String, Object> users = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith("vendstream.recon.users[")) {
                users.put(key, value);
            }
        });
        assertThat(users).containsEntry("vendstream.recon.users[0].name", "demo-finance")
                .containsEntry("vendstream.recon.users[0].token-sha256", FinanceUsers.sha256(ReconDemo.FINANCE_TOKEN))
                .doesNotContainKey("vendstream.recon.users[0].acts-for-others")
                .containsEntry("vendstream.recon.users[1].name", "ops-service")
                .containsEntry("vendstream.recon.users[1].token-sha256",
                        FinanceUsers.sha256(ReconDemo.OPS_SERVICE_TOKEN))
                .containsEntry("vendstream.recon.users[1].roles", "FINANCE")
                .containsEntry("vendstream.recon.users[1].acts-for-others", "true")
                .hasSize(7);
    }

    @Test
    void theLauncherForwardsKeyValueFlagsAndRefusesWhatItDoesNotKnow() {
        LocalStack.Options options = LocalStack.Options.parse("--demo-exit", "--data-dir", "/tmp/d",
                "--vendstream.providers.vtpass.base-url=https://sandbox.vtpass.com/api");
        assertThat(options.exitAfterDemo()).isTrue();
        assertThat(options.demo()).isTrue();
        assertThat(options.processes()).isFalse();
        assertThat(LocalStack.Options.parse("--processes", "--no-demo").processes()).isTrue();
        assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/d"));
        assertThat(options.flags()).containsExactly("--vendstream.providers.vtpass.base-url=https://sandbox.vtpass.com/api");

        assertThat(LocalStack.Options.parse("--no-demo", "--data-dir=/tmp/e").dataDir()).isEqualTo(Path.of("/tmp/e"));
        assertThatThrownBy(() -> LocalStack.Options.parse("--demo")).hasMessageContaining("unknown argument --demo");
    }

    private static Map<String, Object> fixed() {
        return Map.of("spring.config.name", OrderServiceApplication.CONFIG_NAME, "server.port", 18080,
                "spring.mongodb.uri", "mongodb://localhost:27017/vendstream-stack",
                "spring.main.web-application-type", "none");
    }

    /** The process's environment as these variables alone. */
    private static ConfigurableEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        variables));
        return environment;
    }
}
