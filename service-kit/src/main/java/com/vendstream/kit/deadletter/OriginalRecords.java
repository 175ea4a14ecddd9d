package com.vendstream.kit.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a record back from its partition as the bytes it was produced with. A record that was decoded
 * before it failed is held as an event object; encoding that object again would not give back what the
 * producer wrote (another schema version, fields our schema does not have). The dead letter must be the
 * original, so it is fetched again by its offset: it is still there, the consumer has not moved past it.
 */
public final class OriginalRecords {

    private final Map<String, Object> consumerConfig;
    private final Duration timeout;

    public OriginalRecords(Map<String, Object> consumerConfig, Duration timeout) {
        this.consumerConfig = consumerConfig;
        this.timeout = timeout;
    }

    public ConsumerRecord<byte[], byte[]> fetch(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                    if (record.offset() == offset) {
                        return record;
                    }
                    if (record.offset() > offset) {
                        throw new IllegalStateException("Record " + tp + "@" + offset + " is no longer in its partition");
                    }
                }
            }
        }
        throw new org.apache.kafka.common.errors.TimeoutException("Could not read back " + tp + "@" + offset + " within "
                + timeout);
    }
}
