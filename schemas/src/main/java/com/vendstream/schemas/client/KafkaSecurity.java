package com.vendstream.schemas.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How every Kafka client of a vendstream process authenticates and encrypts: the settings
 * {@code vendstream.kafka.security.protocol}, {@code vendstream.kafka.sasl.*} and {@code vendstream.kafka.ssl.*}
 * (environment {@code VENDSTREAM_KAFKA_SECURITY_PROTOCOL}, ...), turned into Kafka client properties. The services
 * (service-kit), the schema registry and the re-drive tool all read the same settings, so no client of theirs is
 * left on another connection than the rest. The JAAS line is built here from a user name and a password, so a
 * deployment never writes one (nor logs one: {@link #toString()} leaves the passwords out).
 */
public record KafkaSecurity(String protocol, String saslMechanism, String saslUsername, String saslPassword,
                            String truststoreLocation, String truststoreType, String truststorePassword) {

    public static final String PROTOCOL = "vendstream.kafka.security.protocol";
    public static final String SASL_MECHANISM = "vendstream.kafka.sasl.mechanism";
    public static final String SASL_USERNAME = "vendstream.kafka.sasl.username";
    public static final String SASL_PASSWORD = "vendstream.kafka.sasl.password";
    public static final String TRUSTSTORE_LOCATION = "vendstream.kafka.ssl.truststore-location";
    public static final String TRUSTSTORE_TYPE = "vendstream.kafka.ssl.truststore-type";
    public static final String TRUSTSTORE_PASSWORD = "vendstream.kafka.ssl.truststore-password";

    /** Every setting read, in the order above. */
    public static final List<String> SETTINGS = List.of(PROTOCOL, SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD,
            TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD);

    /** What Strimzi's {@code KafkaUser} with SCRAM authentication gives. */
    public static final String DEFAULT_SASL_MECHANISM = "SCRAM-SHA-512";

    /**
     * Reads the settings through {@code setting} (a setting's name to its value, null or blank when unset) and
     * checks they make a connection: a protocol Kafka knows, and for SASL a mechanism we can log in with, a user
     * name and a password.
     *
     * @throws IllegalArgumentException naming the setting that is wrong or missing (never a value)
     */
    public static KafkaSecurity from(UnaryOperator<String> setting) {
        String protocol = orDefault(setting.apply(PROTOCOL), SecurityProtocol.PLAINTEXT.name).toUpperCase(Locale.ROOT);
        if (!SecurityProtocol.names().contains(protocol)) {
            throw new IllegalArgumentException(PROTOCOL + " must be one of " + SecurityProtocol.names());
        }
        KafkaSecurity security = new KafkaSecurity(protocol,
                orDefault(setting.apply(SASL_MECHANISM), DEFAULT_SASL_MECHANISM).toUpperCase(Locale.ROOT),
                blankToNull(setting.apply(SASL_USERNAME)), blankToNull(setting.apply(SASL_PASSWORD)),
                blankToNull(setting.apply(TRUSTSTORE_LOCATION)), blankToNull(setting.apply(TRUSTSTORE_TYPE)),
                blankToNull(setting.apply(TRUSTSTORE_PASSWORD)));
        if (security.sasl()) {
            loginModule(security.saslMechanism);
            require(security.saslUsername, SASL_USERNAME, protocol);
            require(security.saslPassword, SASL_PASSWORD, protocol);
        }
        return security;
    }

    /** From the process environment (VENDSTREAM_KAFKA_SECURITY_PROTOCOL, ...), for tools without Spring. */
    public static KafkaSecurity fromEnvironment(Map<String, String> environment) {
        return from(name -> environment.get(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')));
    }

    /** Whether the connection is unauthenticated and unencrypted (the local stack's and the tests'). */
    public boolean plaintext() {
        return SecurityProtocol.PLAINTEXT.name.equals(protocol);
    }

    /**
     * Whether the connection is both encrypted and authenticated, the only one production accepts: SSL alone
     * leaves the client without an identity (so per-service ACLs would mean nothing), SASL_PLAINTEXT sends the
     * credentials and the payments in clear.
     */
    public boolean saslSsl() {
        return SecurityProtocol.SASL_SSL.name.equals(protocol);
    }

    private boolean sasl() {
        return protocol.startsWith("SASL_");
    }

    private boolean ssl() {
        return protocol.endsWith("SSL");
    }

    /** The Kafka client properties for any client: producer, consumer or admin. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        if (sasl()) {
            config.put(SaslConfigs.SASL_MECHANISM, saslMechanism);
            config.put(SaslConfigs.SASL_JAAS_CONFIG, loginModule(saslMechanism) + " required username=\""
                    + jaasQuoted(saslUsername) + "\" password=\"" + jaasQuoted(saslPassword) + "\";");
        }
        if (ssl()) {
            putIfSet(config, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststoreLocation);
            putIfSet(config, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, truststoreType);
            putIfSet(config, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, truststorePassword);
        }
        return config;
    }

    /** Every client property as a string, for configuration maps of strings (the binder's). */
    public Map<String, String> clientProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        clientConfig().forEach((key, value) -> properties.put(key, String.valueOf(value)));
        return properties;
    }

    @Override
    public String toString() {
        return "KafkaSecurity[protocol=" + protocol + (sasl() ? ", mechanism=" + saslMechanism + ", user="
                + saslUsername : "") + (truststoreLocation == null ? "" : ", truststore=" + truststoreLocation) + "]";
    }

    private static String loginModule(String mechanism) {
        if (mechanism.equals("PLAIN")) {
            return "org.apache.kafka.common.security.plain.PlainLoginModule";
        }
        if (mechanism.startsWith("SCRAM-SHA-")) {
            return "org.apache.kafka.common.security.scram.ScramLoginModule";
        }
        throw new IllegalArgumentException(SASL_MECHANISM + " must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN: a user "
                + "name and a password are what vendstream logs in with");
    }

    /** Kafka reads the JAAS line with a StreamTokenizer: inside quotes a backslash escapes the next character. */
    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void require(String value, String setting, String protocol) {
        if (value == null) {
            throw new IllegalArgumentException(setting + " is required with " + PROTOCOL + "=" + protocol);
        }
    }

    private static void putIfSet(Map<String, Object> config, String key, String value) {
        if (value != null) {
            config.put(key, value);
        }
    }

    private static String orDefault(String value, String fallback) {
        String v = blankToNull(value);
        return v == null ? fallback : v.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
