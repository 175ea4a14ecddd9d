package com.vendstream.kit.deadletter;

import com.vendstream.kit.logging.LogSafe;
import com.vendstream.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;
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

    /**
     * A batch listener's records as events, in order, up to the first that is not one of the types its topic
     * carries; the rest of the batch is left out (delivered again after that record is dead-lettered).
     */
    public static Batch events(Message<? extends List<?>> message) {
        List<?> payloads = message.getPayload();
        List<?> topics = message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC) instanceof List<?> l ? l : List.of();
        List<SpecificRecord> events = new ArrayList<>(payloads.size());
        for (Object payload : payloads) {
            int i = events.size();
            try {
                events.add(event(payload, i < topics.size() ? (String) topics.get(i) : null));
            } catch (UnprocessableRecord e) {
                return new Batch(events, e);
            }
        }
        return new Batch(events, null);
    }

    /** The events of a batch up to its first unprocessable record (null: none). */
    public record Batch(List<SpecificRecord> events, UnprocessableRecord unprocessable) {

        /**
         * Hands the events to {@code handler}, which returns once their effects are durable, then names the
         * unprocessable record, if any: those before it are applied, it is dead-lettered, those after it come
         * again. A {@link BatchFailed} from the handler becomes the failed record's position for the error
         * handler, as it would be for a single record.
         */
        public void process(java.util.function.Consumer<List<SpecificRecord>> handler) {
            try {
                handler.accept(events);
            } catch (BatchFailed e) {
                throw new BatchListenerFailedException(e.getMessage(), e.getCause(), e.index());
            }
            throwIfUnprocessable();
        }

        /**
         * Called once the events are processed and durable: names the unprocessable record by its position, so
         * the error handler commits the offsets before it and dead-letters it alone.
         */
        public void throwIfUnprocessable() {
            if (unprocessable != null) {
                throw new BatchListenerFailedException(unprocessable.getMessage(), unprocessable, events.size());
            }
        }
    }

    private static Optional<String> topic(Message<?> message) {
        return Optional.ofNullable(message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC, String.class));
    }
}
