package com.vendstream.kit.tracing;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.MessageHeaders;

/**
 * Observes the processing of one consumed record of a batch ({@value #OBSERVATION}): with tracing, a consumer span
 * whose parent is the trace context in the record's headers, current while the record is processed, so what the
 * processing does (a provider call, an outbox entry) stays in the trace of the request that caused it. The binder's
 * own observation ({@code spring.cloud.stream.kafka.binder.enable-observation}) covers record-at-a-time bindings;
 * Spring Kafka does not observe batch listeners record by record, so batch consumers ask this.
 * Tags: the topic only.
 */
public class ConsumedRecords {

    public static final String OBSERVATION = "vendstream.kafka.process";

    private static final ConsumedRecords NONE = new ConsumedRecords(ObservationRegistry.NOOP);

    private final ObservationRegistry observations;

    public ConsumedRecords(ObservationRegistry observations) {
        this.observations = observations;
    }

    /** Nothing observed (tests, tools). */
    public static ConsumedRecords none() {
        return NONE;
    }

    /** The records of one polled batch, as the binder hands its headers to a batch-mode function. */
    public Batch batch(MessageHeaders headers) {
        return new Batch(list(headers.get(KafkaHeaders.BATCH_CONVERTED_HEADERS)),
                list(headers.get(KafkaHeaders.RECEIVED_TOPIC)));
    }

    private static List<?> list(Object header) {
        return header instanceof List<?> list ? list : List.of();
    }

    /** Observes {@code work} as the processing of one record from {@code topic} with {@code headers}. */
    public <T> T observe(String topic, Map<String, ?> headers, Supplier<T> work) {
        ReceiverContext<Map<String, ?>> context = new ReceiverContext<>(
                (carrier, key) -> Traces.text(carrier.get(key)), Kind.CONSUMER);
        context.setCarrier(headers == null ? Map.of() : headers);
        context.setRemoteServiceName("kafka");
        return Observation.createNotStarted(OBSERVATION, () -> context, observations)
                .contextualName(topic + " process")
                .lowCardinalityKeyValue("topic", topic)
                .observe(work);
    }

    /** One batch's records: their headers and topics by index. */
    public final class Batch {
        private final List<?> headers;
        private final List<?> topics;

        private Batch(List<?> headers, List<?> topics) {
            this.headers = headers;
            this.topics = topics;
        }

        /** Observes {@code work} as the processing of the batch's record at {@code index}. */
        @SuppressWarnings("unchecked")
        public <T> T observe(int index, Supplier<T> work) {
            Map<String, ?> recordHeaders = index < headers.size() && headers.get(index) instanceof Map<?, ?> map
                    ? (Map<String, ?>) map : Map.of();
            Object topic = index < topics.size() ? topics.get(index) : null;
            return ConsumedRecords.this.observe(topic == null ? "unknown" : topic.toString(), recordHeaders, work);
        }
    }
}
