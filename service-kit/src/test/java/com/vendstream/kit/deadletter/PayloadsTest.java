package com.vendstream.kit.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.OrderAccepted;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendSucceeded;
import com.vendstream.schemas.topic.Topics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * A batch listener's records as the binder hands them over: what the handler sees, and the position the error
 * handler is given when a record cannot be processed or the handler stops part-way.
 */
class PayloadsTest {

    private static final String OUTCOMES = Topics.VEND_OUTCOMES.topic();

    private static Message<List<Object>> batch(Object... payloads) {
        List<String> topics = Collections.nCopies(payloads.length, OUTCOMES);
        return MessageBuilder.withPayload(List.of(payloads)).setHeader(KafkaHeaders.RECEIVED_TOPIC, topics).build();
    }

    @Test
    void aBatchOfEventsItsTopicCarriesIsHandedOverWholeAndInOrder() {
        VendSucceeded first = new VendSucceeded();
        VendFailed second = new VendFailed();
        List<SpecificRecord> seen = new ArrayList<>();

        Payloads.events(batch(first, second)).process(seen::addAll);

        assertThat(seen).containsExactly(first, second);
    }

    @Test
    void theFirstRecordItsTopicDoesNotCarryIsNamedByPositionAfterThoseBeforeItAreProcessed() {
        VendSucceeded first = new VendSucceeded();
        List<SpecificRecord> seen = new ArrayList<>();
        // Another topic's event, then a tombstone: the first of them stops the batch; the rest come again.
        Payloads.Batch batch = Payloads.events(batch(first, new OrderAccepted(), KafkaNull.INSTANCE, new VendFailed()));

        assertThat(batch.events()).containsExactly(first);
        assertThatThrownBy(() -> batch.process(seen::addAll)).isInstanceOfSatisfying(BatchListenerFailedException.class,
                e -> {
                    assertThat(e.getIndex()).isEqualTo(1);
                    assertThat(e.getCause()).isInstanceOf(UnprocessableRecord.class)
                            .hasMessageContaining(OUTCOMES);
                });
        assertThat(seen).as("processed before the failure is reported").containsExactly(first);
    }

    @Test
    void aTombstoneIsUnprocessableNotAClassCastDeepInTheHandler() {
        Payloads.Batch batch = Payloads.events(batch(KafkaNull.INSTANCE));

        assertThat(batch.events()).isEmpty();
        assertThat(batch.unprocessable()).isNotNull();
    }

    @Test
    void aHandlerThatStopsPartWayNamesItsRecordAndKeepsTheCauseForTheRetryRules() {
        IOException cause = new IOException("store unavailable");
        Payloads.Batch batch = Payloads.events(batch(new VendSucceeded(), new VendFailed(), new OrderAccepted()));

        assertThatThrownBy(() -> batch.process(events -> {
            throw new BatchFailed("vend outcome", 1, cause);
        })).isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
            // The handler's position wins over the unprocessable record after it, which comes again later.
            assertThat(e.getIndex()).isEqualTo(1);
            assertThat(e.getCause()).isSameAs(cause);
        });
    }
}
