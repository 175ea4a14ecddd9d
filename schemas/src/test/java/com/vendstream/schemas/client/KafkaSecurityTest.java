package com.vendstream.schemas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Kafka security settings every vendstream client connects with (issue 16). */
class KafkaSecurityTest {

    private static KafkaSecurity of(Map<String, String> settings) {
        return KafkaSecurity.from(settings::get);
    }

    @Test
    void plaintextWhenNothingIsSet() {
        KafkaSecurity security = of(Map.of());
        assertThat(security.plaintext()).isTrue();
        assertThat(security.clientConfig()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
    }

    @Test
    void onlySaslSslIsBothEncryptedAndAuthenticated() {
        assertThat(of(Map.of(KafkaSecurity.PROTOCOL, "ssl")).saslSsl()).isFalse();
        assertThat(of(Map.of(KafkaSecurity.PROTOCOL, "SASL_PLAINTEXT", KafkaSecurity.SASL_USERNAME, "u",
                KafkaSecurity.SASL_PASSWORD, "p")).saslSsl()).isFalse();
        assertThat(of(Map.of(KafkaSecurity.PROTOCOL, "sasl_ssl", KafkaSecurity.SASL_USERNAME, "u",
                KafkaSecurity.SASL_PASSWORD, "p")).saslSsl()).isTrue();
    }

    @Test
    void scramBuildsTheJaasLineWithTheCredentialsQuoted() {
        KafkaSecurity security = of(Map.of(KafkaSecurity.PROTOCOL, "sasl_plaintext",
                KafkaSecurity.SASL_USERNAME, "vend-service", KafkaSecurity.SASL_PASSWORD, "p\"a\\ss"));

        assertThat(security.clientConfig())
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"vend-service\" password=\"p\\\"a\\\\ss\";")
                // No trust store on a connection without TLS.
                .doesNotContainKey("ssl.truststore.location");
        assertThat(security.toString()).contains("vend-service").doesNotContain("a\\ss");
    }

    @Test
    void tlsTakesTheTrustStoreAndPlainTheMatchingLoginModule() {
        KafkaSecurity security = of(Map.of(KafkaSecurity.PROTOCOL, "SASL_SSL", KafkaSecurity.SASL_MECHANISM, "PLAIN",
                KafkaSecurity.SASL_USERNAME, "u", KafkaSecurity.SASL_PASSWORD, "p",
                KafkaSecurity.TRUSTSTORE_LOCATION, "/etc/kafka/ca.p12", KafkaSecurity.TRUSTSTORE_TYPE, "PKCS12",
                KafkaSecurity.TRUSTSTORE_PASSWORD, "changeit"));

        assertThat(security.clientConfig())
                .containsEntry("sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";")
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.password", "changeit");
    }

    @Test
    void settingsThatMakeNoConnectionAreRefusedByName() {
        assertThatThrownBy(() -> of(Map.of(KafkaSecurity.PROTOCOL, "TLS")))
                .hasMessageContaining(KafkaSecurity.PROTOCOL);
        assertThatThrownBy(() -> of(Map.of(KafkaSecurity.PROTOCOL, "SASL_SSL", KafkaSecurity.SASL_PASSWORD, "hunter2")))
                .hasMessageContaining(KafkaSecurity.SASL_USERNAME).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> of(Map.of(KafkaSecurity.PROTOCOL, "SASL_SSL", KafkaSecurity.SASL_MECHANISM, "GSSAPI",
                KafkaSecurity.SASL_USERNAME, "u", KafkaSecurity.SASL_PASSWORD, "p")))
                .hasMessageContaining(KafkaSecurity.SASL_MECHANISM);
    }

    @Test
    void readsTheProcessEnvironmentByTheSettingsNames() {
        KafkaSecurity security = KafkaSecurity.fromEnvironment(Map.of("VENDSTREAM_KAFKA_SECURITY_PROTOCOL", "SSL",
                "VENDSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION", "/ca.pem", "VENDSTREAM_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM"));

        assertThat(security.clientConfig()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/ca.pem").containsEntry("ssl.truststore.type", "PEM");
    }
}
