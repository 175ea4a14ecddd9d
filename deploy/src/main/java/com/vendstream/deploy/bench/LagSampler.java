package com.vendstream.deploy.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag per group: for each group the broker knows, the sum over its partitions of the end offset less
 * the group's committed offset (a partition without a commit counts from 0), sampled by the caller.
 */
public final class LagSampler implements AutoCloseable {

    /** One sample: when, and each group's lag in records. */
    record Sample(long at, Map<String, Long> lagByGroup) {
        long total() {
            return lagByGroup.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Admin admin;
    private final List<Sample> samples = new ArrayList<>();

    public LagSampler(String bootstrapServers) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "benchmark-lag"));
    }

    /** Takes one sample; a failed one (broker busy) is skipped, not guessed. */
    void sample() {
        try {
            Map<String, Long> lag = new TreeMap<>();
            List<String> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).toList();
            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (String group : groups) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                committed.put(group, offsets);
                offsets.keySet().forEach(tp -> ends.put(tp, OffsetSpec.latest()));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = ends.isEmpty() ? Map.of()
                    : admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
            committed.forEach((group, offsets) -> {
                long sum = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                    long committedOffset = e.getValue() == null ? 0 : e.getValue().offset();
                    ListOffsetsResult.ListOffsetsResultInfo info = end.get(e.getKey());
                    sum += info == null ? 0 : Math.max(0, info.offset() - committedOffset);
                }
                lag.put(group, sum);
            });
            synchronized (samples) {
                samples.add(new Sample(System.currentTimeMillis(), lag));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception skipped) {
            // the next sample will do
        }
    }

    /** Samples now and answers the group's lag, or -1 when the broker did not answer or knows no such group. */
    public long lagOf(String group) {
        int before = samples().size();
        sample();
        List<Sample> now = samples();
        return now.size() == before ? -1 : now.get(now.size() - 1).lagByGroup().getOrDefault(group, -1L);
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
