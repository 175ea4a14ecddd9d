package com.vendstream.ops.deadletter;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The dead-letter topics as the broker holds them (the adapter: {@code com.vendstream.ops.intake.KafkaDeadLetterLog}).
 * Every call blocks, bounded by the adapter's timeout: callers run it off the event loop.
 */
public interface DeadLetterLog {

    /** The offsets a partition holds: [start, end), end being the last stable offset. */
    record Range(int partition, long start, long end) {
        public long size() {
            return end - start;
        }

        public boolean holds(long offset) {
            return offset >= start && offset < end;
        }
    }

    /**
     * Each topic's partitions and their offsets; a topic the broker does not have (nothing dead-lettered to it yet)
     * has none.
     */
    Map<String, List<Range>> ranges(Collection<String> topics);

    /**
     * Up to {@code limit} records {@code keep} accepts, partition by partition from each one's start, reading at
     * most {@code maxScan} records in all.
     */
    List<DeadLetter> read(String topic, List<Range> ranges, Predicate<DeadLetter> keep, int limit, int maxScan);

    /** The record at this offset, if the partition still holds it. */
    Optional<DeadLetter> fetch(String topic, int partition, long offset);

    /**
     * Sends the dead letter back to {@code target}: its original key and value bytes and its own headers (those a
     * dead-letter publisher added left out); returns once the broker acknowledged it.
     */
    void redrive(DeadLetter deadLetter, String target);
}
