package com.vendstream.kit.deadletter;

import com.vendstream.schemas.topic.Topics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * Dead-letter publishing for records a consumer cannot take: ones that cannot be decoded (they fail
 * in the listener container, before the binder's own retry and DLQ see them) and, for batch
 * listeners, ones that keep failing. Undecodable records are published as their original bytes;
 * decodable ones are re-encoded in the Confluent wire format. Spring Kafka adds the cause, the
 * original topic, partition and offset as {@code kafka_dlt-*} headers. The dead-letter topic is
 * {@code <topic>.<group>.dlq}, the same one the binder uses for processing failures.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    public static DeadLetterPublishingRecoverer recoverer(String bootstrapServers, String registryUrl, String group) {
        Map<String, Object> common = new HashMap<>();
        common.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        common.put(ProducerConfig.ACKS_CONFIG, "all");
        common.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        common.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);

        Map<String, Object> raw = new HashMap<>(common);
        raw.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Map<String, Object> avro = new HashMap<>(common);
        avro.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "com.vendstream.schemas.serde.ConfluentAvroSerializer");
        avro.put("schema.registry.url", registryUrl);
        avro.put("value.subject.name.strategy", "com.vendstream.schemas.serde.TopicRecordNameStrategy");

        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(byte[].class, new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, byte[]>(raw)));
        templates.put(Object.class, new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, Object>(avro)));
        return new DeadLetterPublishingRecoverer(templates,
                (record, e) -> new TopicPartition(Topics.deadLetter(record.topic(), group), -1));
    }
}
