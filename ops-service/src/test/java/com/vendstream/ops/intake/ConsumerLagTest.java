package com.vendstream.ops.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

/** The lag arithmetic; the broker's side is LiveViewTest's, on the embedded broker. */
class ConsumerLagTest {

    @Test
    void lagCountsFromTheCommittedOffsetOrTheStartNeverBelowZero() {
        assertThat(ConsumerLag.behind(10L, 0L, new OffsetAndMetadata(6))).isEqualTo(4);
        assertThat(ConsumerLag.behind(10L, 3L, null)).as("never committed: all that is retained").isEqualTo(7);
        assertThat(ConsumerLag.behind(10L, 8L, new OffsetAndMetadata(2))).as("committed before retention")
                .isEqualTo(2);
        assertThat(ConsumerLag.behind(10L, 0L, new OffsetAndMetadata(12))).isZero();
        assertThat(ConsumerLag.behind(null, 0L, null)).isZero();
    }
}
