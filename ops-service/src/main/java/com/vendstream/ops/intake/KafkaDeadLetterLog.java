package com.vendstream.ops.intake;

import com.vendstream.kit.deadletter.DeadLetterRecords;
import com.vendstream.kit.deadletter.OriginalRecords;
import com.vendstream.ops.deadletter.DeadLetter;
import com.vendstream.ops.deadletter.DeadLetterLog;
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
import org.apache.kafka.common.header.Headers;

/**
 * The dead-letter desk's log ({@link DeadLetterLog}) on the broker. Read by assignment, without a consumer group: reading commits
 * nothing and moves no one's offsets. Every call blocks (callers run it off the event loop) and is bounded by
 * {@code timeout}. The producer sends re-driven records (idempotent, acks=all) and waits for the broker's ack.
 * Records reach the desk as {@link DeadLetter}s, their dead-letter headers read by service-kit's
 * {@link DeadLetterRecords}, which also makes the re-driven record, as for {@code redrive.sh}.
 */
class KafkaDeadLetterLog implements DeadLetterLog, AutoCloseable {

    private final Map<String, Object> consumerConfig;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final OriginalRecords originals;
    private final Duration timeout;

    KafkaDeadLetterLog(Map<String, Object> consumerConfig, Map<String, Object> producerConfig,
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

    @Override
    public Map<String, List<Range>> ranges(Collection<String> topics) {
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

    @Override
    public List<DeadLetter> read(String topic, List<Range> ranges, Predicate<DeadLetter> keep, int limit,
                                 int maxScan) {
        List<DeadLetter> kept = new ArrayList<>();
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
                        DeadLetter deadLetter = deadLetter(record);
                        if (keep.test(deadLetter)) {
                            kept.add(deadLetter);
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

    @Override
    public Optional<DeadLetter> fetch(String topic, int partition, long offset) {
        Optional<Range> range = ranges(List.of(topic)).get(topic).stream()
                .filter(r -> r.partition() == partition).findFirst();
        if (range.isEmpty() || !range.get().holds(offset)) {
            return Optional.empty();
        }
        try {
            return Optional.of(deadLetter(originals.fetch(topic, partition, offset)));
        } catch (IllegalStateException gone) {
            // Not a record (a transaction marker), or no longer there.
            return Optional.empty();
        }
    }

    /** Sends and waits for the broker's acknowledgement. */
    @Override
    public void redrive(DeadLetter deadLetter, String target) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(deadLetter.topic(), deadLetter.partition(),
                deadLetter.offset(), deadLetter.key(), deadLetter.value());
        deadLetter.headers().forEach(h -> record.headers().add(h.name(), h.value()));
        ProducerRecord<byte[], byte[]> redriven = DeadLetterRecords.redrive(record, target);
        await(producer.send(redriven));
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        List<DeadLetter.Header> all = new ArrayList<>();
        headers.forEach(h -> all.add(new DeadLetter.Header(h.key(), h.value())));
        DeadLetter.Failure failure = new DeadLetter.Failure(DeadLetterRecords.originalTopic(headers).orElse(null),
                DeadLetterRecords.originalPartition(headers).orElse(null),
                DeadLetterRecords.originalOffset(headers).orElse(null),
                DeadLetterRecords.exceptionClass(headers).orElse(null),
                DeadLetterRecords.exceptionMessage(headers).orElse(null));
        return new DeadLetter(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                Instant.ofEpochMilli(record.timestamp()), all, failure);
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
