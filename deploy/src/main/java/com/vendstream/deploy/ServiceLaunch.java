package com.vendstream.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * Starts one application of the stack in this JVM with its settings in three tiers, so that an
 * integrator can point the stack elsewhere with Spring's usual external configuration:
 * <ol>
 *   <li>{@code fixed}: what the stack alone decides for each context (its configuration file name, its
 *       port, the broker, registry and store the launcher runs). Command-line level; a flag naming one
 *       of these is ignored, since one JVM hosts every context.</li>
 *   <li>{@code flags}: the launcher's {@code --key=value} arguments, then (Spring's own order) Java
 *       system properties and environment variables such as {@code VENDSTREAM_PROVIDERS_VTPASS_BASE_URL}.</li>
 *   <li>{@code defaults}: the stack's settings (providers pointed at the sandbox, demo conveniences),
 *       above the application's own configuration files and below everything in the tier above.</li>
 * </ol>
 * Spring's {@code defaultProperties} would not do for the third tier: they rank below the
 * configuration files, which set the same keys (ports, localhost addresses).
 */
final class ServiceLaunch {

    /** Where the stack's defaults sit, so that the tests and the logs can name them. */
    static final String DEFAULTS_SOURCE = "vendstream-stack-defaults";

    private ServiceLaunch() {
    }

    static ConfigurableApplicationContext run(Class<?> application, Map<String, ?> fixed, Map<String, ?> defaults,
                                              List<String> flags) {
        return run(application, fixed, defaults, flags, null);
    }

    /** @param environment null for the process's own (tests pass one with a scripted system environment) */
    static ConfigurableApplicationContext run(Class<?> application, Map<String, ?> fixed, Map<String, ?> defaults,
                                              List<String> flags, ConfigurableEnvironment environment) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(application)
                .listeners(new StackDefaults(defaults));
        if (environment != null) {
            builder.environment(environment);
        }
        return builder.run(arguments(fixed, flags));
    }

    static String[] arguments(Map<String, ?> fixed, List<String> flags) {
        Set<ConfigurationPropertyName> stackOnly = fixed.keySet().stream().map(ConfigurationPropertyName::of)
                .collect(Collectors.toSet());
        List<String> args = new ArrayList<>();
        fixed.forEach((key, value) -> args.add("--" + key + "=" + value));
        for (String flag : flags) {
            if (!stackOnly.contains(ConfigurationPropertyName.adapt(key(flag), '.'))) {
                args.add(flag);
            }
        }
        return args.toArray(String[]::new);
    }

    /** The property a {@code --key=value} flag sets. */
    static String key(String flag) {
        int eq = flag.indexOf('=');
        return flag.substring(2, eq < 0 ? flag.length() : eq);
    }

    /**
     * Inserts the defaults right below the environment variables once the configuration files are
     * loaded (after Boot's config-data listener, before logging is set up, so logging keys work too).
     */
    private static final class StackDefaults implements ApplicationListener<ApplicationEnvironmentPreparedEvent>,
            Ordered {
        private final Map<String, Object> defaults = new LinkedHashMap<>();

        StackDefaults(Map<String, ?> defaults) {
            defaults.forEach((key, value) -> this.defaults.put(key, String.valueOf(value)));
        }

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            MutablePropertySources sources = event.getEnvironment().getPropertySources();
            MapPropertySource stack = new MapPropertySource(DEFAULTS_SOURCE, defaults);
            if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
                sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, stack);
            } else if (sources.contains(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
                sources.addAfter(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, stack);
            } else {
                sources.addFirst(stack);
            }
        }

        @Override
        public int getOrder() {
            // Boot's EnvironmentPostProcessorApplicationListener (config files) is HIGHEST_PRECEDENCE + 10,
            // its LoggingApplicationListener HIGHEST_PRECEDENCE + 20.
            return Ordered.HIGHEST_PRECEDENCE + 15;
        }
    }
}
