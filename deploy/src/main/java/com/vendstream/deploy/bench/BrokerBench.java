package com.vendstream.deploy.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The broker on its own, in the same run: produces {@code count} records of the given key and value size to a
 * scratch topic with the services' producer guarantees ({@code acks=all}, idempotence) and the partitions of
 * the system's topics, then consumes them all from the start. Records/s of each; the topic is deleted after.
 */
final class BrokerBench {

    static final String SCRATCH_TOPIC = "benchmark.broker-scratch";

    record Result(long records, int keyBytes, int valueBytes, double produceSeconds, double consumeSeconds) {
        double producePerSecond() {
            return records / Math.max(produceSeconds, 1e-6);
        }

        double consumePerSecond() {
            return records / Math.max(consumeSeconds, 1e-6);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("records", records);
            m.put("keyBytes", keyBytes);
            m.put("valueBytes", valueBytes);
            m.put("produceSeconds", round(produceSeconds));
            m.put("producedPerSecond", Math.round(producePerSecond()));
            m.put("consumeSeconds", round(consumeSeconds));
            m.put("consumedPerSecond", Math.round(consumePerSecond()));
            return m;
        }
    }

    private BrokerBench() {
    }

    static Result run(String bootstrapServers, long count, int keyBytes, int valueBytes, int partitions)
            throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(SCRATCH_TOPIC, partitions, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
            try {
                awaitLeaders(admin, partitions);
                double produce = produce(bootstrapServers, count, keyBytes, valueBytes, partitions);
                double consume = consume(bootstrapServers, count + partitions);
                return new Result(count, keyBytes, valueBytes, produce, consume);
            } finally {
                admin.deleteTopics(List.of(SCRATCH_TOPIC)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A new topic's partitions take a moment to get their leader; records sent before wait out the delivery timeout. */
    private static void awaitLeaders(Admin admin, int partitions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var description = admin.describeTopics(List.of(SCRATCH_TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(SCRATCH_TOPIC);
            if (description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("the scratch topic's partitions had no leader after 30 s");
    }

    private static double produce(String bootstrapServers, long count, int keyBytes, int valueBytes, int partitions)
            throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Random random = new Random(13);
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            // One record to each partition first (not timed), so the clock measures records, not the first
            // connection, the producer id or a partition's first leader lookup.
            for (int p = 0; p < partitions; p++) {
                producer.send(new ProducerRecord<>(SCRATCH_TOPIC, p, null, value)).get(60, TimeUnit.SECONDS);
            }
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                // Keys like order ids: every record to the partition of its key, as the services' are.
                byte[] key = keyOf(UUID.randomUUID().toString(), keyBytes);
                producer.send(new ProducerRecord<>(SCRATCH_TOPIC, key, value), (m, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failed.get() != null) {
                throw new IllegalStateException("the broker refused a scratch record: " + failed.get(), failed.get());
            }
            return seconds;
        }
    }

    private static byte[] keyOf(String id, int bytes) {
        byte[] key = new byte[bytes];
        byte[] raw = id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes; i++) {
            key[i] = raw[i % raw.length];
        }
        return key;
    }

    private static double consume(String bootstrapServers, long count) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(SCRATCH_TOPIC, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(SCRATCH_TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long start = System.nanoTime();
            long read = 0;
            long deadline = start + TimeUnit.MINUTES.toNanos(5);
            while (read < count && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            if (read < count) {
                throw new IllegalStateException("read " + read + " of " + count + " scratch records in 5 minutes");
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
