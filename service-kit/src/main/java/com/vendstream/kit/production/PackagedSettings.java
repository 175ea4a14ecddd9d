package com.vendstream.kit.production;

import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * What the jars ship: the configuration files on the classpath (a service's yml, service-kit's shared ones),
 * whose values are the local stack's and the sandbox's. A secret production starts with comes from the
 * deployment (environment, mounted files, command line), and never equals one of these.
 */
public final class PackagedSettings {

    private PackagedSettings() {
    }

    /** Whether this property source is a configuration file inside a jar or on the classpath. */
    public static boolean packaged(PropertySource<?> source) {
        return source.getName().contains("class path resource");
    }

    /** The value the packaged files give a setting, if any. */
    public static Optional<String> packagedValue(ConfigurableEnvironment environment, String name) {
        return environment.getPropertySources().stream().filter(PackagedSettings::packaged)
                .map(source -> source.getProperty(name)).filter(Objects::nonNull).map(String::valueOf).findFirst();
    }

    /** Whether the value the service sees comes from the packaged files (the deployment did not set it). */
    public static boolean onlyPackaged(ConfigurableEnvironment environment, String name) {
        // Through Boot's view of the sources, so VENDSTREAM_OPS_USERS_0_USERNAME counts for vendstream.ops.users[0].username.
        ConfigurationPropertyName property = ConfigurationPropertyName.of(name);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source.getConfigurationProperty(property) != null) {
                return source.getUnderlyingSource() instanceof PropertySource<?> underlying && packaged(underlying);
            }
        }
        return false;
    }
}
