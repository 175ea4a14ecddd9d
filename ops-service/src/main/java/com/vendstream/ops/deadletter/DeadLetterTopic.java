package com.vendstream.ops.deadletter;

import com.vendstream.schemas.topic.Topics;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A dead-letter topic of the catalogue ({@link Topics}): one per consumer group of each topic. Only these are
 * ever read or re-driven from; a name that is not one of them is refused, so the back office cannot be used to
 * read, or write to, any other topic.
 */
record DeadLetterTopic(String topic, String sourceTopic, String consumerGroup) {

    static List<DeadLetterTopic> catalogue() {
        return Arrays.stream(Topics.values()).flatMap(t -> t.consumerGroups().stream()
                .map(group -> new DeadLetterTopic(t.deadLetter(group), t.topic(), group))).toList();
    }

    static Optional<DeadLetterTopic> named(String topic) {
        return catalogue().stream().filter(t -> t.topic.equals(topic)).findFirst();
    }
}
