package com.vendstream.ops.live;

import com.vendstream.ops.live.LiveView.GroupLag;
import java.util.List;

/**
 * Consumer lag and waiting dead letters as the broker's offsets give them.
 *
 * @param deadLetters records of the dead-letter topics not re-driven yet
 */
public record KafkaFigures(List<GroupLag> lag, long deadLetters) {

    /** Where they come from: the broker (ops' {@code intake} package reads it with Kafka's AdminClient). */
    @FunctionalInterface
    public interface Source {

        /** Blocking; throws when the broker does not answer in time. */
        KafkaFigures read() throws Exception;
    }
}
