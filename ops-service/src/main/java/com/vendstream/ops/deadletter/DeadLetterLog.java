package com.vendstream.ops.deadletter;

import com.vendstream.kit.deadletter.OriginalRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The dead-letter topics as the broker holds them. Read by assignment, without a consumer group: reading commits
 * nothing and moves no one's offsets. Every call blocks (callers run it off the event loop) and is bounded by
 * {@code timeout}. The producer sends re-driven records (idempotent, acks=all) and waits for the broker's ack.
 */
class DeadLetterLog implements AutoCloseable {

    /** The offsets a partition holds: [start, end), end being the last stable offset. */
    record Range(int partition, long start, long end) {
        long size() {
            return end - start;
        }

        boolean holds(long offset) {
            return offset >= start && offset < end;
        }
    }

    private final Map<String, Object> consumerConfig;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final OriginalRecords originals;
    private final Duration timeout;

    DeadLetterLog(Map<String, Object> consumerConfig, Map<String, Object> producerConfig,
                  Map<String, Object> adminConfig, Duration timeout) {
        Map<String, Object> consumer = new HashMap<>(consumerConfig);
        // Looking a dead-letter topic up must not create it.
        consumer.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        this.consumerConfig = Map.copyOf(consumer);
        this.admin = Admin.create(adminConfig);
        this.producer = new KafkaProducer<>(producerConfig);
        this.originals = new OriginalRecords(this.consumerConfig, timeout);
        this.timeout = timeout;
    }

    /**
     * Each topic's partitions and their offsets; a topic the broker does not have (nothing dead-lettered to it yet)
     * has none.
     */
    Map<String, List<Range>> ranges(Collection<String> topics) {
        Map<String, List<Range>> ranges = new LinkedHashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic
                : admin.describeTopics(topics).topicNameValues().entrySet()) {
            ranges.put(topic.getKey(), new ArrayList<>());
            Optional<TopicDescription> description = described(topic.getValue());
            description.ifPresent(d -> d.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                earliest.put(tp, OffsetSpec.earliest());
                latest.put(tp, OffsetSpec.latest());
            }));
        }
        if (earliest.isEmpty()) {
            return ranges;
        }
        ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        var starts = await(admin.listOffsets(earliest, committed).all());
        var ends = await(admin.listOffsets(latest, committed).all());
        starts.forEach((tp, start) -> ranges.get(tp.topic())
                .add(new Range(tp.partition(), start.offset(), ends.get(tp).offset())));
        ranges.values().forEach(list -> list.sort((a, b) -> Integer.compare(a.partition(), b.partition())));
        return ranges;
    }

    /**
     * Up to {@code limit} records {@code keep} accepts, partition by partition from each one's start, reading at
     * most {@code maxScan} records in all.
     */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, List<Range> ranges,
                                              Predicate<ConsumerRecord<byte[], byte[]>> keep, int limit, int maxScan) {
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
        int scanned = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            for (Range range : ranges) {
                if (range.size() == 0) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic, range.partition());
                consumer.assign(List.of(tp));
                consumer.seek(tp, range.start());
                Instant deadline = Instant.now().plus(timeout);
                while (consumer.position(tp) < range.end() && kept.size() < limit && scanned < maxScan) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new org.apache.kafka.common.errors.TimeoutException("Could not read " + tp
                                + " to its end within " + timeout);
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                        if (record.offset() >= range.end() || kept.size() >= limit || scanned >= maxScan) {
                            break;
                        }
                        scanned++;
                        if (keep.test(record)) {
                            kept.add(record);
                        }
                    }
                }
                if (kept.size() >= limit || scanned >= maxScan) {
                    break;
                }
            }
        }
        return kept;
    }

    /** The record at this offset, if the partition still holds it. */
    Optional<ConsumerRecord<byte[], byte[]>> fetch(String topic, int partition, long offset) {
        Optional<Range> range = ranges(List.of(topic)).get(topic).stream()
                .filter(r -> r.partition() == partition).findFirst();
        if (range.isEmpty() || !range.get().holds(offset)) {
            return Optional.empty();
        }
        try {
            return Optional.of(originals.fetch(topic, partition, offset));
        } catch (IllegalStateException gone) {
            // Not a record (a transaction marker), or no longer there.
            return Optional.empty();
        }
    }

    /** Sends and waits for the broker's acknowledgement. */
    void send(ProducerRecord<byte[], byte[]> record) {
        await(producer.send(record));
    }

    private <T> T await(java.util.concurrent.Future<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("No answer from the broker within " + timeout);
        }
    }

    private Optional<TopicDescription> described(KafkaFuture<TopicDescription> future) {
        try {
            return Optional.of(await(future));
        } catch (UnknownTopicOrPartitionException absent) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
        admin.close(timeout);
    }
}
