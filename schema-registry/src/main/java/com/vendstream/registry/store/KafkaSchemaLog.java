package com.vendstream.registry.store;

import com.vendstream.schemas.topic.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: a compacted single-partition topic read by one thread from the
 * beginning into {@link RegistryState}. An append returns only once that thread has applied the
 * appended record, so a caller that registered a schema can immediately read it back, and state is
 * never ahead of the log. Assumes a single writing registry instance (Confluent elects a leader for
 * this; the local stack and tests run one).
 */
public class KafkaSchemaLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaLog.class);

    private final String bootstrapServers;
    private final Map<String, Object> security;
    private final String topic;
    private final short replicationFactor;
    private final Duration timeout;
    private final RegistryState state;
    private final TopicPartition partition;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Object progress = new Object();
    private long nextOffsetToApply;
    private volatile boolean running;
    private volatile Throwable readerFailure;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread reader;

    public KafkaSchemaLog(String bootstrapServers, String topic, short replicationFactor, Duration timeout,
                          RegistryState state) {
        this(bootstrapServers, Map.of(), topic, replicationFactor, timeout, state);
    }

    /**
     * @param security client properties every client of the log gets besides the brokers (security.protocol,
     *                 sasl.*, ssl.*: {@code KafkaSecurity}), so the registry reaches a TLS/SCRAM cluster as the
     *                 services do
     */
    public KafkaSchemaLog(String bootstrapServers, Map<String, Object> security, String topic, short replicationFactor,
                          Duration timeout, RegistryState state) {
        this.bootstrapServers = bootstrapServers;
        this.security = Map.copyOf(security);
        this.topic = topic;
        this.replicationFactor = replicationFactor;
        this.timeout = timeout;
        this.state = state;
        this.partition = new TopicPartition(topic, 0);
    }

    /** Creates the topic if needed and blocks until the whole existing log has been applied. */
    public void start() {
        createTopicIfMissing();
        Map<String, Object> producerProps = client();
        producerProps.putAll(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-writer",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000),
                ProducerConfig.LINGER_MS_CONFIG, 0));
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        Properties consumerProps = new Properties();
        consumerProps.putAll(client());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "schema-registry-reader-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        running = true;
        reader = new Thread(() -> readLoop(end), "schema-registry-log-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("schema registry could not read " + topic + " up to offset " + end
                        + " within " + timeout + (readerFailure == null ? "" : ": " + readerFailure));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + topic, e);
        }
        log.info("Schema registry loaded {} records from {}", end, topic);
    }

    /** The brokers and how to reach them: what every client of the log starts from. */
    Map<String, Object> client() {
        Map<String, Object> client = new HashMap<>(security);
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return client;
    }

    private void createTopicIfMissing() {
        try (Admin admin = Admin.create(client())) {
            Map<String, String> configs = Topics.SCHEMAS.configs();
            admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor).configs(configs))).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created schema topic {} (1 partition, compacted)", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create schema topic " + topic + ": " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + topic, e);
        }
    }

    private void readLoop(long initialEnd) {
        try {
            if (initialEnd == 0) {
                caughtUp.countDown();
            }
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        state.apply(record.key(), record.value());
                    } catch (RuntimeException e) {
                        // A record we cannot fold must not stop the registry; it is someone else's layout.
                        log.warn("Skipping unreadable {} record at offset {}: {}", topic, record.offset(), e.toString());
                    }
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    nextOffsetToApply = position;
                    progress.notifyAll();
                }
                if (position >= initialEnd) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable e) {
            readerFailure = e;
            log.error("Schema log reader stopped", e);
        } finally {
            running = false;
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /** Appends a record (null value = tombstone) and returns once it has been applied to the state. */
    public void append(String key, String value) {
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(topic, 0, key, value))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new SchemaLogException("write to " + topic + " failed: " + (e.getCause() != null ? e.getCause() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaLogException("interrupted writing to " + topic, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (nextOffsetToApply <= offset) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (!running || remaining <= 0) {
                    throw new SchemaLogException("record at offset " + offset + " of " + topic
                            + " was written but not read back within " + timeout, readerFailure);
                }
                try {
                    progress.wait(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaLogException("interrupted waiting for " + topic, e);
                }
            }
        }
    }

    public boolean healthy() {
        return running && caughtUp.getCount() == 0;
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumer != null) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The log could not be written or read back in time. */
    public static class SchemaLogException extends RuntimeException {
        public SchemaLogException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
