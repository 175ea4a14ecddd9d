package com.vendstream.deploy;

import com.vendstream.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of the catalogue with its partitions and cleanup policy, and the dead-letter topic of each
 * consumer group (as many partitions as the topic it serves, as {@code create-topics.sh} does); existing ones
 * are left alone.
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    public static void createAll(String bootstrapServers) {
        List<NewTopic> topics = new ArrayList<>(Arrays.stream(Topics.values()).map(t -> t.newTopic((short) 1)).toList());
        for (Topics t : Topics.values()) {
            t.deadLetters().forEach(name -> topics.add(new NewTopic(name, t.partitions(), (short) 1)
                    .configs(Topics.deadLetterConfigs())));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + name, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("Could not create topic " + name, e);
                }
            });
        }
    }
}
