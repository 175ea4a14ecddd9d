package com.vendstream.testkit;

import com.vendstream.schemas.topic.Topics;
import java.util.Arrays;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A real single-node KRaft broker in the test's JVM (spring-kafka-test), on a random port. */
public final class EmbeddedBroker implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker kafka;

    private EmbeddedBroker(int partitions, Map<String, String> settings, String... topics) {
        kafka = new EmbeddedKafkaKraftBroker(1, partitions, topics);
        if (!settings.isEmpty()) {
            kafka.brokerProperties(settings);
        }
        kafka.afterPropertiesSet();
    }

    /**
     * With every topic the services use, {@code partitions} each. The registry's own topic is left out: the
     * registry creates it with the settings it needs (one partition, compacted).
     */
    public static EmbeddedBroker withServiceTopics(int partitions) {
        return withTopics(partitions, Arrays.stream(Topics.values()).filter(t -> t != Topics.SCHEMAS)
                .map(Topics::topic).toArray(String[]::new));
    }

    /** With these topics, {@code partitions} each; none when no topic is named. */
    public static EmbeddedBroker withTopics(int partitions, String... topics) {
        return new EmbeddedBroker(partitions, Map.of(), topics);
    }

    /** With broker settings of the test's own and no topics: {@code partitions} is what auto-created topics get. */
    public static EmbeddedBroker withSettings(int partitions, Map<String, String> settings) {
        return new EmbeddedBroker(partitions, settings);
    }

    /** The bootstrap servers, host:port. */
    public String bootstrap() {
        return kafka.getBrokersAsString();
    }

    @Override
    public void close() {
        kafka.destroy();
    }
}
