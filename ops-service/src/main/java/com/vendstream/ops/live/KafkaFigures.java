package com.vendstream.ops.live;

import com.vendstream.ops.live.LiveView.GroupLag;
import java.util.List;

/** Consumer lag as the broker's offsets give it. */
public record KafkaFigures(List<GroupLag> lag) {

    /** Where they come from: the broker (ops' {@code intake} package reads it with Kafka's AdminClient). */
    @FunctionalInterface
    public interface Source {

        /** Blocking; throws when the broker does not answer in time. */
        KafkaFigures read() throws Exception;
    }
}
