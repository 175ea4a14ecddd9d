package com.vendstream.kit.deadletter;

import com.vendstream.schemas.client.KafkaSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-drives a dead-letter topic: republishes each of its records, as the key, value and headers it was
 * produced with, to the topic it came from ({@code kafka_dlt-original-topic}, or {@code x-original-topic} for
 * the binder's older dead letters), or to {@code --to}. Dead-letter headers are left behind
 * ({@link DeadLetterRecords}, which ops-service's dead-letter desk shares for its one-record re-drive). It reads up to
 * the end the topic had when it started, so records that fail again (and are dead-lettered again) wait for
 * the next run, and commits its consumer group's offset after each record it republished, so a run that
 * stops half way can be run again. Consumers skip events they have already applied, so a record republished
 * twice does no harm.
 *
 * <pre>
 * Redrive &lt;dlq-topic&gt; [--to &lt;topic&gt;] [--dry-run] [--bootstrap-servers host:port,...]
 *         [--command-config client.properties] [--group id]
 * </pre>
 * It connects as the services do, from {@code VENDSTREAM_KAFKA_SECURITY_PROTOCOL}, {@code VENDSTREAM_KAFKA_SASL_*}
 * and {@code VENDSTREAM_KAFKA_SSL_*} ({@link KafkaSecurity}); {@code --command-config} is a Kafka client properties
 * file (security.protocol, sasl.*, ssl.*), as for Kafka's own command-line tools, above those. Prints one line per record (where it was, where it goes, its key and size:
 * no payload) and a total. Exit status 0 when done, 2 for a record without an original topic (nothing past it
 * is committed; run again with {@code --to}), 1 for a usage or Kafka error.
 */
public final class Redrive {

    /** The consumer group whose offsets say how far each dead-letter topic has been re-driven. */
    public static final String DEFAULT_GROUP = "vendstream-redrive";

    private final PrintStream out;
    private final Map<String, String> environment;
    private String deadLetterTopic;
    private String to;
    private boolean dryRun;
    private String bootstrapServers;
    private String commandConfig;
    private String group = DEFAULT_GROUP;

    private Redrive(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
        this.bootstrapServers = environment.getOrDefault("VENDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with this process environment. */
    public static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        Redrive redrive = new Redrive(out, environment);
        try {
            redrive.parse(args);
            return redrive.redrive();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("usage: redrive <dlq-topic> [--to <topic>] [--dry-run] [--bootstrap-servers host:port]"
                    + " [--command-config client.properties] [--group id]");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IOException | ExecutionException | RuntimeException e) {
            err.println("Re-drive of " + redrive.deadLetterTopic + " failed: " + e);
            return 1;
        }
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--to" -> to = value(args, ++i);
                case "--dry-run" -> dryRun = true;
                case "--bootstrap-servers" -> bootstrapServers = value(args, ++i);
                case "--command-config" -> commandConfig = value(args, ++i);
                case "--group" -> group = value(args, ++i);
                default -> {
                    if (args[i].startsWith("--") || deadLetterTopic != null) {
                        throw new IllegalArgumentException("Unknown argument " + args[i]);
                    }
                    deadLetterTopic = args[i];
                }
            }
        }
        if (deadLetterTopic == null) {
            throw new IllegalArgumentException("Which dead-letter topic?");
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private int redrive() throws IOException, ExecutionException, InterruptedException {
        Map<String, Object> client = clientSettings();
        Map<String, Object> consumerConfig = new HashMap<>(client);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Object> producerConfig = new HashMap<>(client);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("No topic " + deadLetterTopic);
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int done = 0;
            Instant lastProgress = Instant.now();
            while (!caughtUp(consumer, partitions, end)) {
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                consumer.poll(Duration.ofMillis(500)).forEach(batch::add);
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(tp)) {
                        continue;
                    }
                    String target = to != null ? to : DeadLetterRecords.originalTopic(record.headers()).orElse(null);
                    if (target == null) {
                        out.println(record.topic() + "-" + record.partition() + "@" + record.offset()
                                + " names no original topic; nothing past it was re-driven. Run again with --to <topic>.");
                        return 2;
                    }
                    out.println((dryRun ? "would re-drive " : "re-drove ") + describe(record) + " to " + target);
                    if (!dryRun) {
                        producer.send(DeadLetterRecords.redrive(record, target)).get();
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)));
                    }
                    done++;
                }
                if (!batch.isEmpty()) {
                    lastProgress = Instant.now();
                } else if (Duration.between(lastProgress, Instant.now()).toSeconds() > 60) {
                    throw new IllegalStateException("No records from " + deadLetterTopic + " for a minute before its end");
                }
            }
            out.println((dryRun ? "Would re-drive " : "Re-drove ") + done + " record(s) from " + deadLetterTopic);
            return 0;
        }
    }

    /** Kafka client settings: the properties file (security, SASL, SSL), and the brokers. */
    /** What a run with these arguments and this environment connects with. */
    static Map<String, Object> clientSettings(String[] args, Map<String, String> environment) throws IOException {
        Redrive redrive = new Redrive(System.out, environment);
        redrive.parse(args);
        return redrive.clientSettings();
    }

    private Map<String, Object> clientSettings() throws IOException {
        // The services' settings (VENDSTREAM_KAFKA_SECURITY_PROTOCOL, _SASL_*, _SSL_*), so the tool reaches the
        // cluster as they do; a --command-config file goes above them.
        Map<String, Object> client = new HashMap<>(KafkaSecurity.fromEnvironment(environment).clientConfig());
        if (commandConfig != null) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(commandConfig))) {
                properties.load(in);
            }
            properties.forEach((key, value) -> client.put(key.toString(), value));
        }
        client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return client;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                    Map<TopicPartition, Long> end) {
        return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
    }

    private static String describe(ConsumerRecord<byte[], byte[]> record) {
        Header reason = record.headers().lastHeader(DeadLetters.REASON_HEADER);
        return record.topic() + "-" + record.partition() + "@" + record.offset() + " (key "
                + (record.key() == null ? "none" : new String(record.key(), StandardCharsets.UTF_8)) + ", "
                + (record.value() == null ? "no value" : record.value().length + " bytes")
                + (reason == null ? "" : ", " + new String(reason.value(), StandardCharsets.UTF_8)) + ")";
    }
}
