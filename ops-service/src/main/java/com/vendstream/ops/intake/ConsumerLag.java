package com.vendstream.ops.intake;

import com.vendstream.ops.live.KafkaFigures;
import com.vendstream.ops.live.LiveView.GroupLag;
import com.vendstream.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The live view's consumer lag, from the broker's own offsets (Kafka's AdminClient), for every topic of the
 * catalogue ({@link Topics}) and each consumer group it lists: the records between the group's committed offset
 * and the end of each partition, summed; a partition the group never committed counts from the partition's start
 * (the services' groups start from the earliest record). A topic that does not exist yet is left out. Blocking (each call bounded by {@code timeout}): the live view runs
 * it off the event loop.
 */
final class ConsumerLag implements KafkaFigures.Source, AutoCloseable {

    private final Map<String, Object> config;
    private final Duration timeout;
    private Admin admin;

    /**
     * @param config the AdminClient's settings; the client is made at the first round, not at start: a broker name
     *               that does not resolve yet (a container starting) costs a round, not the service's start
     */
    ConsumerLag(Map<String, Object> config, Duration timeout) {
        this.config = new java.util.HashMap<>(config);
        this.timeout = timeout;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(timeout);
        }
    }

    @Override
    public KafkaFigures read() throws InterruptedException, ExecutionException, TimeoutException {
        Admin admin = admin();
        Set<String> existing = get(admin.listTopics().names());
        Map<String, List<String>> groupsByTopic = new LinkedHashMap<>();
        for (Topics t : Topics.values()) {
            if (!t.consumerGroups().isEmpty() && existing.contains(t.topic())) {
                groupsByTopic.put(t.topic(), t.consumerGroups());
            }
        }
        Set<String> topics = new LinkedHashSet<>(groupsByTopic.keySet());
        if (topics.isEmpty()) {
            return new KafkaFigures(List.of());
        }
        Map<String, List<TopicPartition>> partitions = new LinkedHashMap<>();
        get(admin.describeTopics(topics).allTopicNames()).forEach((name, description) ->
                partitions.put(name, partitionsOf(description)));
        List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).toList();
        Map<TopicPartition, Long> end = offsets(all, OffsetSpec.latest());
        Map<TopicPartition, Long> start = offsets(all, OffsetSpec.earliest());

        List<GroupLag> lag = new ArrayList<>();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> topic : groupsByTopic.entrySet()) {
            for (String group : topic.getValue()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = committed.computeIfAbsent(group, this::committed);
                long behind = 0;
                for (TopicPartition tp : partitions.getOrDefault(topic.getKey(), List.of())) {
                    behind += behind(end.get(tp), start.get(tp), offsets.get(tp));
                }
                lag.add(new GroupLag(group, topic.getKey(), behind));
            }
        }
        return new KafkaFigures(lag);
    }

    /** Records from the committed offset (or the partition's start) to its end; never below zero. */
    static long behind(Long end, Long start, OffsetAndMetadata committed) {
        if (end == null) {
            return 0;
        }
        long from = start == null ? 0 : start;
        if (committed != null) {
            from = Math.max(from, committed.offset());
        }
        return Math.max(0, end - from);
    }

    private static List<TopicPartition> partitionsOf(TopicDescription description) {
        return description.partitions().stream()
                .map(p -> new TopicPartition(description.name(), p.partition())).toList();
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        Map<TopicPartition, ListOffsetsResultInfo> answered = get(admin().listOffsets(request).all());
        answered.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    get(admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
            Map<TopicPartition, OffsetAndMetadata> present = new LinkedHashMap<>();
            // A partition the group has no offset for comes back with a null value.
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    present.put(tp, offset);
                }
            });
            return present;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the offsets of " + group, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the offsets of " + group, e);
        }
    }

    private <T> T get(KafkaFuture<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
