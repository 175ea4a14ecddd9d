package com.vendstream.kit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.GenericMessage;

/** A printed failure keeps its classes, messages and frames, and loses the event the frameworks attach to it. */
class LogSafeTest {

    private static final String EVENT = "{\"envelope\": {\"eventId\": \"e-1\"}, \"line\": {\"account\": \"08031234567\"}}";

    private static String printed(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void aCopyPrintsTheFailureWithoutTheFailedMessage() {
        IllegalStateException bug = new IllegalStateException("a bug");
        MessageHandlingException handling = new MessageHandlingException(new GenericMessage<>(EVENT),
                "error occurred in message handler", bug);
        handling.addSuppressed(new MessageConversionException("Cannot convert GenericMessage [payload=" + EVENT + "]"));
        ListenerExecutionFailedException failure = new ListenerExecutionFailedException("Listener failed", handling);
        assertThat(printed(failure)).contains("08031234567");

        String copy = printed(LogSafe.copy(failure));
        assertThat(copy).doesNotContain("08031234567", "e-1")
                .contains("org.springframework.kafka.listener.ListenerExecutionFailedException: Listener failed",
                        "org.springframework.messaging.MessageHandlingException: error occurred in message handler",
                        "java.lang.IllegalStateException: a bug", "Cannot convert [payload elided]",
                        "at " + LogSafeTest.class.getName());
        assertThat(LogSafe.summary(failure)).isEqualTo("IllegalStateException: a bug");
    }

    @Test
    void theBatchErrorHandlerStillFindsTheFailedIndexInACopy() {
        BatchListenerFailedException batch = new BatchListenerFailedException("vend request failed",
                new MessageHandlingException(new GenericMessage<>(EVENT), "handler", new IllegalStateException()), 3);
        Throwable copy = LogSafe.copy(new RuntimeException("wrapper", batch));
        assertThat(copy.getCause()).isInstanceOfSatisfying(BatchListenerFailedException.class, b -> {
            assertThat(b.getIndex()).isEqualTo(3);
            assertThat(b.getMessage()).isEqualTo("vend request failed @-3");
        });
        assertThat(printed(copy)).doesNotContain("08031234567");
    }

    @Test
    void aRecordIsDescribedByWhereItIsAndWhatItIsNotWhatItSays() {
        ConsumerRecord<String, Object> record = new ConsumerRecord<>("vendstream.checkout.orders", 2, 41L, "order-1",
                EVENT);
        assertThat(LogSafe.describe(record)).isEqualTo("vendstream.checkout.orders-2@41 key=order-1 String");
        assertThat(LogSafe.describe(new ConsumerRecord<>("t", 0, 1L, "k", null))).endsWith("no value (tombstone)");
        assertThat(LogSafe.describe(List.of(1, 2))).isEqualTo("2 values");
    }
}
