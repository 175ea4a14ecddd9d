package com.vendstream.poller.intake;

import com.vendstream.poller.requery.DueTimers;
import com.vendstream.poller.requery.Owner;
import com.vendstream.poller.requery.RequeryEngine;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;

/**
 * Kafka's consumer group decides which instance drives which schedules: a schedule belongs to the
 * partition its pending event arrived on. On assignment the instance loads that partition's open
 * schedules and sets their timers; on revocation it drops them. Scaling out is adding consumers,
 * bounded by partitions, like every other vendstream service.
 */
public class PartitionOwnership implements KafkaBindingRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);

    private final DueTimers timers;
    private final RequeryEngine engine;
    private final Set<String> bindings;

    /** @param bindings the bindings whose pending events start schedules (others own none) */
    public PartitionOwnership(DueTimers timers, RequeryEngine engine, Set<String> bindings) {
        this.timers = timers;
        this.engine = engine;
        this.bindings = Set.copyOf(bindings);
    }

    @Override
    public void onPartitionsAssigned(String bindingName, Consumer<?, ?> consumer,
                                     Collection<TopicPartition> partitions, boolean initial) {
        if (!bindings.contains(bindingName)) {
            return;
        }
        List<Owner> owners = owners(partitions);
        timers.assigned(owners, engine::scheduledFor);
        log.info("{}: now driving the schedules of {} ({} timers set)", bindingName, owners, timers.scheduled());
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(String bindingName, Consumer<?, ?> consumer,
                                                Collection<TopicPartition> partitions) {
        if (!bindings.contains(bindingName)) {
            return;
        }
        List<Owner> owners = owners(partitions);
        timers.revoked(owners);
        log.info("{}: handed over the schedules of {}", bindingName, owners);
    }

    private static List<Owner> owners(Collection<TopicPartition> partitions) {
        return partitions.stream().map(tp -> new Owner(tp.topic(), tp.partition())).toList();
    }
}
