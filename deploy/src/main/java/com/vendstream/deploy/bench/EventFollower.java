package com.vendstream.deploy.bench;

import com.vendstream.schemas.serde.AvroSerdeConfig;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the order lifecycle topics of the catalogue with a plain consumer (no group: it commits nothing and
 * takes no partition from a service), decodes each record with the project's Confluent-wire Avro
 * deserializer, and files its type and timestamp under its order. It also counts every record and its
 * serialised size: the broker's own benchmark writes records of the same count and size.
 */
final class EventFollower implements AutoCloseable {

    /** The topics an order's lifecycle is written to (HTTP orders: no checkout topic). */
    static final List<Topics> FOLLOWED = List.of(Topics.ORDERS, Topics.VEND_REQUESTS, Topics.VEND_OUTCOMES,
            Topics.VEND_RESOLUTIONS, Topics.PAYMENTS, Topics.PAYMENT_RESOLUTIONS);

    private final Map<String, OrderTimeline> orders = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConfluentAvroDeserializer avro = new ConfluentAvroDeserializer();
    private final Thread thread;
    private final LongAdder records = new LongAdder();
    private final LongAdder keyBytes = new LongAdder();
    private final LongAdder valueBytes = new LongAdder();
    private final LongAdder undecodable = new LongAdder();
    /** Records by the second of their timestamp (epoch seconds), for events/s over time. */
    private final Map<Long, LongAdder> recordsPerSecond = new ConcurrentHashMap<>();
    /** Orders that reached a final state, by the second of the final event. */
    private final Map<Long, LongAdder> finalsPerSecond = new ConcurrentHashMap<>();
    private final AtomicLong lastRecordAt = new AtomicLong();
    private volatile boolean running = true;

    EventFollower(String bootstrapServers, String registryUrl) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.CLIENT_ID_CONFIG, "benchmark-follower",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(config);
        avro.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl,
                AvroSerdeConfig.SPECIFIC_AVRO_READER, false), false);
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topics t : FOLLOWED) {
            consumer.partitionsFor(t.topic(), Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(t.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::follow, "benchmark-event-follower");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        take(r);
                    }
                } catch (WakeupException stopping) {
                    throw stopping;
                } catch (KafkaException e) {
                    // A broker hiccup must not end the run's view of the orders: say so, and poll again.
                    System.out.println("  the event follower's poll failed (" + e + "); polling again");
                }
            }
        } catch (WakeupException stopping) {
            // close() asked
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        records.increment();
        keyBytes.add(r.key() == null ? 0 : r.key().length);
        valueBytes.add(r.value() == null ? 0 : r.value().length);
        recordsPerSecond.computeIfAbsent(r.timestamp() / 1000, k -> new LongAdder()).increment();
        lastRecordAt.accumulateAndGet(r.timestamp(), Math::max);
        Object value;
        try {
            value = avro.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            undecodable.increment();
            return;
        }
        if (!(value instanceof GenericRecord event) || !(event.get("envelope") instanceof GenericRecord envelope)
                || envelope.get("orderId") == null) {
            return;
        }
        String orderId = envelope.get("orderId").toString();
        String type = String.valueOf(envelope.get("eventType"));
        String provider = null;
        String reference = null;
        if (event.getSchema().getField("vend") != null && event.get("vend") instanceof GenericRecord vend) {
            provider = String.valueOf(vend.get("provider"));
            reference = String.valueOf(vend.get("providerReference"));
        }
        OrderTimeline order = orders.computeIfAbsent(orderId, OrderTimeline::new);
        if (order.event(type, r.topic(), r.timestamp(), provider, reference)) {
            finalsPerSecond.computeIfAbsent(r.timestamp() / 1000, k -> new LongAdder()).increment();
        }
    }

    /** The order's timeline (created when the HTTP answer comes before its first event, or after it). */
    OrderTimeline order(String orderId) {
        return orders.computeIfAbsent(orderId, OrderTimeline::new);
    }

    List<OrderTimeline> orders() {
        return List.copyOf(orders.values());
    }

    long records() {
        return records.sum();
    }

    /** The average serialised size of a record (key and value), bytes. */
    double averageRecordBytes() {
        long n = records.sum();
        return n == 0 ? 0 : (double) (keyBytes.sum() + valueBytes.sum()) / n;
    }

    double averageKeyBytes() {
        long n = records.sum();
        return n == 0 ? 0 : (double) keyBytes.sum() / n;
    }

    long undecodable() {
        return undecodable.sum();
    }

    /** Records on the followed topics per second of their timestamp (epoch seconds). */
    Map<Long, Long> recordsPerSecond() {
        Map<Long, Long> copy = new java.util.TreeMap<>();
        recordsPerSecond.forEach((second, n) -> copy.put(second, n.sum()));
        return copy;
    }

    /** Records whose timestamp falls in [fromMs, toMs). */
    long recordsBetween(long fromMs, long toMs) {
        return sumBetween(recordsPerSecond, fromMs, toMs);
    }

    /** Orders whose first final event falls in [fromMs, toMs). */
    long finalsBetween(long fromMs, long toMs) {
        return sumBetween(finalsPerSecond, fromMs, toMs);
    }

    private static long sumBetween(Map<Long, LongAdder> perSecond, long fromMs, long toMs) {
        long sum = 0;
        for (Map.Entry<Long, LongAdder> e : perSecond.entrySet()) {
            long ms = e.getKey() * 1000;
            if (ms >= fromMs && ms < toMs) {
                sum += e.getValue().sum();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
