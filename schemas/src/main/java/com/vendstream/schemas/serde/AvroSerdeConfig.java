package com.vendstream.schemas.serde;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Serde configuration, under Confluent's key names so that a binding written for Confluent's
 * serde works unchanged with ours.
 */
public final class AvroSerdeConfig {

    /** Comma-separated registry base URLs; tried in order when one cannot be reached. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Seconds a subject's latest version is cached when {@link #USE_LATEST_VERSION} is on; -1 forever. */
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Ours (Confluent has no equivalent): registry connect and per-request timeouts. */
    public static final String REGISTRY_CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    public static final String REGISTRY_REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    private final Map<String, ?> configs;

    public AvroSerdeConfig(Map<String, ?> configs) {
        this.configs = configs == null ? Map.of() : configs;
    }

    public List<String> registryUrls() {
        Object value = configs.get(SCHEMA_REGISTRY_URL);
        List<String> urls = value instanceof List<?> list
                ? list.stream().map(String::valueOf).toList()
                : value == null ? List.of() : Arrays.asList(String.valueOf(value).split(","));
        urls = urls.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (urls.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required");
        }
        return urls;
    }

    public boolean autoRegisterSchemas() {
        return bool(AUTO_REGISTER_SCHEMAS, true);
    }

    public boolean useLatestVersion() {
        return bool(USE_LATEST_VERSION, false);
    }

    public boolean specificAvroReader() {
        return bool(SPECIFIC_AVRO_READER, false);
    }

    public Duration latestCacheTtl() {
        long seconds = number(LATEST_CACHE_TTL_SEC, -1);
        return seconds < 0 ? null : Duration.ofSeconds(seconds);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(number(REGISTRY_CONNECT_TIMEOUT_MS, 5_000));
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(number(REGISTRY_REQUEST_TIMEOUT_MS, 10_000));
    }

    /**
     * Keys default to TopicNameStrategy; values to CatalogueSubjectNameStrategy ({@code <topic>-value} for a
     * single-type topic of the catalogue, {@code <topic>-<record full name>} otherwise; see that class for why).
     */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        String key = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        Object value = configs.get(key);
        if (value == null) {
            return isKey ? new TopicNameStrategy() : new CatalogueSubjectNameStrategy();
        }
        if (value instanceof SubjectNameStrategy strategy) {
            return strategy;
        }
        try {
            Class<?> type = value instanceof Class<?> c ? c : Class.forName(String.valueOf(value).trim(), true,
                    classLoader());
            return (SubjectNameStrategy) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | ClassCastException | NoSuchMethodException | InstantiationException
                 | IllegalAccessException | InvocationTargetException e) {
            throw new ConfigException(key, value, "not a " + SubjectNameStrategy.class.getName()
                    + " with a public no-argument constructor: " + e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : AvroSerdeConfig.class.getClassLoader();
    }

    private boolean bool(String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = String.valueOf(value).trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key, value, "expected true or false");
    }

    private long number(String key, long defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "expected a number");
        }
    }
}
