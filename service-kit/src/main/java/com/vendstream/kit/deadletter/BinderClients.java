package com.vendstream.kit.deadletter;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaBinderConfigurationProperties;
import org.springframework.core.env.Environment;

/**
 * Kafka client settings for the dead-letter producer and its helpers, taken from the binder's own: the
 * brokers, {@code spring.kafka.*}, and whatever {@code spring.cloud.stream.kafka.binder.configuration} and the
 * binder's producer and consumer properties carry (security protocol, SASL, SSL, ...), merged by the binder's
 * own rules. So a dead letter travels over the same TLS/SASL connection as the record it came from.
 * Serializers are byte arrays: a dead letter is the original record's bytes.
 */
public final class BinderClients {

    private final KafkaBinderConfigurationProperties binder;

    BinderClients(KafkaBinderConfigurationProperties binder) {
        this.binder = binder;
    }

    /** The binder's settings as the binder binds them from the environment. */
    public static BinderClients from(Environment environment, ObjectProvider<KafkaConnectionDetails> details) {
        Binder binder = Binder.get(environment);
        KafkaProperties boot = binder.bindOrCreate("spring.kafka", KafkaProperties.class);
        KafkaBinderConfigurationProperties properties = new KafkaBinderConfigurationProperties(boot, details);
        binder.bind("spring.cloud.stream.kafka.binder", Bindable.ofInstance(properties));
        return new BinderClients(properties);
    }

    /** An idempotent, acks=all producer of byte-array keys and values. */
    public Map<String, Object> producer() {
        Map<String, Object> config = known(binder.mergedProducerConfiguration(), ProducerConfig.configNames());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return config;
    }

    /** A consumer of byte-array keys and values, without a group unless the caller adds one. */
    public Map<String, Object> consumer() {
        Map<String, Object> config = known(binder.mergedConsumerConfiguration(), ConsumerConfig.configNames());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return config;
    }

    public Map<String, Object> admin() {
        return known(binder.mergedConsumerConfiguration(), AdminClientConfig.configNames());
    }

    /** Whether the binder creates the topics it needs; if not, neither do we. */
    public boolean autoCreateTopics() {
        return binder.isAutoCreateTopics();
    }

    public int minPartitionCount() {
        return binder.getMinPartitionCount();
    }

    public short replicationFactor() {
        return binder.getReplicationFactor();
    }

    /** Only settings the client knows: the rest (serde settings, registry URL) would be logged as unused. */
    private static Map<String, Object> known(Map<String, Object> merged, Set<String> names) {
        Map<String, Object> config = new HashMap<>();
        merged.forEach((key, value) -> {
            if (names.contains(key)) {
                config.put(key, value);
            }
        });
        config.remove(ProducerConfig.CLIENT_ID_CONFIG);
        return config;
    }
}
