package com.vendstream.kit.deadletter;

import com.vendstream.kit.logging.LogSafe;
import com.vendstream.schemas.topic.Topics;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * The event a consumer function was handed, checked before any domain code sees it. The binder passes a
 * record's value through as it was decoded: a null value arrives as KafkaNull, and a valid Avro record of
 * another type arrives as that type. Either would fail deep in the handler (a ClassCastException, retried as
 * a bug); here it is an {@link UnprocessableRecord}, dead-lettered at once.
 */
public final class Payloads {

    private Payloads() {
    }

    /** The payload as the one event type the binding takes. */
    public static <T extends SpecificRecord> T of(Message<?> message, Class<T> type) {
        Object payload = message.getPayload();
        if (!type.isInstance(payload)) {
            throw new UnprocessableRecord("Expected " + type.getSimpleName() + " on " + topic(message).orElse("?")
                    + ", got " + LogSafe.describe(payload));
        }
        return type.cast(payload);
    }

    /** The payload as an event of one of the types its topic carries (the catalogue in {@link Topics}). */
    public static SpecificRecord event(Message<?> message) {
        return event(message.getPayload(), topic(message).orElse(null));
    }

    /**
     * One record of a batch as an event of one of the types its topic (null: unknown) carries; a batch
     * listener is handed the payloads as a list and each record's topic in the list header
     * {@code KafkaHeaders.RECEIVED_TOPIC}.
     */
    public static SpecificRecord event(Object payload, String topicName) {
        Optional<String> topic = Optional.ofNullable(topicName);
        if (!(payload instanceof SpecificRecord event)
                || topic.flatMap(Topics::byName).filter(t -> !t.carries(event.getClass())).isPresent()) {
            throw new UnprocessableRecord("An event " + topic.orElse("?") + " does not carry: "
                    + LogSafe.describe(payload));
        }
        return event;
    }

    private static Optional<String> topic(Message<?> message) {
        return Optional.ofNullable(message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC, String.class));
    }
}
