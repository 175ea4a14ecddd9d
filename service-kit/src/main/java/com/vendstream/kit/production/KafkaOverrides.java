package com.vendstream.kit.production;

import com.vendstream.kit.kafka.KafkaSecurityEnvironment;
import com.vendstream.schemas.client.KafkaSecurity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Kafka client security set around vendstream.kafka.*: KafkaSecurityEnvironment puts the security settings below
 * every other source, so an explicit {@code spring.cloud.stream.kafka.binder.configuration.security.protocol} (or a
 * binder's, binding's or Spring Kafka's {@code consumer-properties}, {@code producer-properties},
 * {@code properties}, {@code ssl.*}, {@code jaas.*}) would win over the checked settings. Such a setting is refused
 * unless it equals what vendstream.kafka.* gives; it is named, its value never shown.
 */
final class KafkaOverrides {

    private static final ConfigurationPropertyName SPRING_KAFKA = ConfigurationPropertyName.of("spring.kafka");
    private static final ConfigurationPropertyName STREAM_KAFKA =
            ConfigurationPropertyName.of("spring.cloud.stream.kafka");
    /** The maps of raw client properties, in their uniform form (no dashes). */
    private static final Set<String> CLIENT_MAPS =
            Set.of("configuration", "consumerproperties", "producerproperties", "properties");
    private static final List<String> SECURITY_KEYS = List.of("security.protocol", "sasl.", "ssl.", "jaas.");

    private KafkaOverrides() {
    }

    static List<String> refusals(ConfigurableEnvironment environment, KafkaSecurity security) {
        Map<String, String> expected = security.clientProperties();
        List<String> refusals = new ArrayList<>();
        Set<ConfigurationPropertyName> seen = new HashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (KafkaSecurityEnvironment.NAME.equals(underlyingName(source))
                    || !(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().filter(name -> SPRING_KAFKA.isAncestorOf(name) || STREAM_KAFKA.isAncestorOf(name))
                    // The highest source's value is the one a client gets.
                    .filter(seen::add)
                    .forEach(name -> {
                        String key = securityKey(name);
                        ConfigurationProperty property = source.getConfigurationProperty(name);
                        if (key != null && property != null
                                && !same(key, environment.resolvePlaceholders(String.valueOf(property.getValue())),
                                        expected.get(key))) {
                            refusals.add(name + " overrides vendstream.kafka.* (Kafka security): production takes "
                                    + "the client's security from vendstream.kafka.* only");
                        }
                    });
        }
        return refusals;
    }

    /** The Kafka client key a name sets, when it is a security one ("sasl.jaas.config", ...); else null. */
    private static String securityKey(ConfigurationPropertyName name) {
        boolean springKafka = SPRING_KAFKA.isAncestorOf(name);
        for (int i = 2; i < name.getNumberOfElements(); i++) {
            // Directly under a client map, or Spring Kafka's own spring.kafka[.consumer].ssl / security / jaas.
            boolean place = CLIENT_MAPS.contains(name.getElement(i - 1, Form.UNIFORM)) || springKafka && i <= 3;
            if (!place) {
                continue;
            }
            StringBuilder tail = new StringBuilder();
            for (int j = i; j < name.getNumberOfElements(); j++) {
                tail.append(j > i ? "." : "").append(name.getElement(j, Form.DASHED));
            }
            String key = tail.toString();
            if (SECURITY_KEYS.stream().anyMatch(prefix -> key.equals(prefix) || key.startsWith(prefix))) {
                return key;
            }
        }
        return null;
    }

    private static boolean same(String key, String value, String expected) {
        String actual = value.trim();
        return expected != null && (key.equals("security.protocol") ? expected.equalsIgnoreCase(actual)
                : expected.equals(actual));
    }

    private static String underlyingName(ConfigurationPropertySource source) {
        return source.getUnderlyingSource() instanceof PropertySource<?> propertySource
                ? propertySource.getName() : null;
    }
}
