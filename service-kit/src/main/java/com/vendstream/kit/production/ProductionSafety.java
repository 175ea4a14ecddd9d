package com.vendstream.kit.production;

import com.vendstream.schemas.client.KafkaSecurity;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.StringUtils;

/**
 * With the {@code production} profile, a service refuses to start on settings that are only safe locally: Kafka
 * on anything but SASL_SSL (or a Kafka client setting that overrides vendstream.kafka.*), a provider's base URL
 * that is not https or points at the sandbox or this machine, a provider credential equal to the sandbox's, a
 * secret the deployment did not set (the service's {@code vendstream.production.secrets}: the Mongo URI, ops
 * users, ...), and whatever the service's own {@link ProductionRule}s refuse (order-service: demo merchants and
 * floats). It runs before any bean is made, so nothing connects anywhere first, and names every unsafe setting
 * at once, never its value.
 */
public class ProductionSafety implements ApplicationListener<ApplicationPreparedEvent>, Ordered {

    public static final String PROFILE = "production";
    /** A service's secrets: set by the deployment, not packaged (comma-separated setting names). */
    public static final String SECRETS = "vendstream.production.secrets";

    /** Where the sandbox answers: its host names, and the paths it serves each provider's API under. */
    static final Set<String> SANDBOX_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0",
            "provider-sandbox");
    static final List<String> SANDBOX_PATHS = List.of("/vtpass/api", "/pagamio/api/v1", "/pawacard/v3",
            "/pay4power/api/v2.1/b2b", "/dollr/v1");
    /** The settings under vendstream.providers.<provider> that are credentials (service-kit's vendstream-providers.yml). */
    static final List<String> CREDENTIALS = List.of("api-key", "public-key", "secret-key", "username", "password",
            "client-id", "client-secret", "payout-passcode.code");

    /** Before anything else reads the settings (KafkaSecurityEnvironment would fail on its own terms). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableEnvironment environment = event.getApplicationContext().getEnvironment();
        if (!environment.acceptsProfiles(Profiles.of(PROFILE))) {
            return;
        }
        List<String> refusals = refusals(environment, event.getSpringApplication().getClassLoader());
        if (!refusals.isEmpty()) {
            throw new UnsafeProductionSettings(refusals);
        }
    }

    static List<String> refusals(ConfigurableEnvironment environment, ClassLoader classLoader) {
        List<String> refusals = new ArrayList<>();
        refusals.addAll(secrets(environment));
        refusals.addAll(kafka(environment));
        refusals.addAll(providers(environment));
        SpringFactoriesLoader.forDefaultResourceLocation(classLoader).load(ProductionRule.class)
                .forEach(rule -> refusals.addAll(rule.refusals(environment)));
        return refusals;
    }

    private static List<String> secrets(ConfigurableEnvironment environment) {
        List<String> refusals = new ArrayList<>();
        for (String name : StringUtils.commaDelimitedListToStringArray(environment.getProperty(SECRETS, ""))) {
            String setting = name.trim();
            if (setting.isEmpty()) {
                continue;
            }
            if (!StringUtils.hasText(environment.getProperty(setting))) {
                refusals.add(setting + " is required");
            } else if (PackagedSettings.onlyPackaged(environment, setting)) {
                refusals.add(setting + " is the packaged local default: the deployment must set it");
            }
        }
        return refusals;
    }

    private static List<String> kafka(ConfigurableEnvironment environment) {
        if (!environment.containsProperty("vendstream.kafka.bootstrap-servers")) {
            return List.of();
        }
        KafkaSecurity security;
        try {
            security = KafkaSecurity.from(environment::getProperty);
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        List<String> refusals = new ArrayList<>();
        if (!security.saslSsl()) {
            // SSL alone gives the broker no client identity (per-service ACLs would mean nothing); SASL_PLAINTEXT
            // sends the credentials and the payments in clear.
            refusals.add(KafkaSecurity.PROTOCOL + " must be SASL_SSL: production connects encrypted and as the "
                    + "service's own Kafka user");
        }
        refusals.addAll(KafkaOverrides.refusals(environment, security));
        return refusals;
    }

    /** Each provider the service is configured for (it has a base URL): not the sandbox, not its credentials. */
    private static List<String> providers(ConfigurableEnvironment environment) {
        List<String> refusals = new ArrayList<>();
        for (String provider : packagedProviders(environment)) {
            String prefix = "vendstream.providers." + provider + ".";
            String baseUrl = environment.getProperty(prefix + "base-url", "");
            if (baseUrl.isBlank()) {
                continue;
            }
            if (sandbox(baseUrl)) {
                refusals.add(prefix + "base-url points at the provider sandbox or this machine");
            } else if (!https(baseUrl)) {
                refusals.add(prefix + "base-url must be https: production sends payments and credentials");
            }
            for (String credential : CREDENTIALS) {
                String setting = prefix + credential;
                String value = environment.getProperty(setting);
                if (PackagedSettings.packagedValue(environment, setting).isEmpty()) {
                    continue;
                }
                if (!StringUtils.hasText(value)) {
                    refusals.add(setting + " is required");
                } else if (PackagedSettings.packagedValue(environment, setting).get().equals(value)) {
                    refusals.add(setting + " is the sandbox's credential");
                }
            }
        }
        return refusals;
    }

    /** The providers service-kit's vendstream-providers.yml configures, when the service imports it. */
    private static Set<String> packagedProviders(ConfigurableEnvironment environment) {
        Set<String> providers = new TreeSet<>();
        environment.getPropertySources().stream().filter(PackagedSettings::packaged)
                .filter(EnumerablePropertySource.class::isInstance)
                .flatMap(source -> Arrays.stream(((EnumerablePropertySource<?>) source).getPropertyNames()))
                .filter(name -> name.startsWith("vendstream.providers."))
                .map(name -> name.substring("vendstream.providers.".length()))
                .filter(rest -> rest.indexOf('.') > 0)
                .forEach(rest -> providers.add(rest.substring(0, rest.indexOf('.'))));
        return providers;
    }

    static boolean sandbox(String baseUrl) {
        try {
            URI uri = URI.create(baseUrl.trim());
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            // "localhost." is localhost: a trailing dot only makes a name fully qualified.
            host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            String path = uri.getPath() == null ? "" : uri.getPath();
            return host.isEmpty() || SANDBOX_HOSTS.contains(host) || host.startsWith("provider-sandbox.")
                    || host.equals("localhost") || host.endsWith(".localhost") || HostLiterals.local(host)
                    || SANDBOX_PATHS.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
        } catch (IllegalArgumentException e) {
            // Not a URL a provider answers at either.
            return true;
        }
    }

    static boolean https(String baseUrl) {
        return "https".equalsIgnoreCase(URI.create(baseUrl.trim()).getScheme());
    }

    /** The start-up failure: every unsafe setting by name. */
    public static final class UnsafeProductionSettings extends IllegalStateException {
        UnsafeProductionSettings(List<String> refusals) {
            super("Refusing to start with the '" + PROFILE + "' profile: " + String.join("; ", refusals));
        }
    }
}
