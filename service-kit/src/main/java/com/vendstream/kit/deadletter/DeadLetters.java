package com.vendstream.kit.deadletter;

import com.vendstream.kit.logging.LogSafe;
import com.vendstream.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Publishes a record its consumer gave up on to {@code <topic>.<group>.dlq}, as the bytes it was produced
 * with (key, value, headers), plus Spring Kafka's {@code kafka_dlt-*} headers (original topic, partition,
 * offset, timestamp, consumer group, the cause's class, message and stack trace) and
 * {@value #REASON_HEADER} ({@link Failure#UNPROCESSABLE} or {@link Failure#DEFECT}). The producer uses
 * byte-array serializers and the binder's client settings ({@link BinderClients}). The cause in the headers
 * is a printable copy: no event text. Each dead letter is counted ({@value #METRIC}) and logged as the
 * event's type and ids. A failure to publish is thrown, so the record stays where it is and is tried again.
 */
public class DeadLetters extends DeadLetterPublishingRecoverer {

    /** Why the record was dead-lettered: {@link Failure#UNPROCESSABLE} or {@link Failure#DEFECT}. */
    public static final String REASON_HEADER = "vendstream-dlt-reason";
    /** The reason code of a record refused on purpose (e.g. {@code checkout-signature-invalid}); absent otherwise. */
    public static final String CAUSE_HEADER = "vendstream-dlt-cause";
    /** Counter of dead letters, tagged topic, dlq and reason. */
    public static final String METRIC = "vendstream.kafka.dead_letters";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String group;
    private final OriginalRecords originals;
    private final MeterRegistry meters;

    DeadLetters(KafkaOperations<byte[], byte[]> template, OriginalRecords originals, String group, MeterRegistry meters) {
        super(template, (record, failure) -> new TopicPartition(Topics.deadLetter(record.topic(), group), -1));
        this.group = group;
        this.originals = originals;
        this.meters = meters;
        setExceptionHeadersCreator(DeadLetters::exceptionHeaders);
        addHeadersFunction((record, failure) -> {
            Headers headers = new RecordHeaders();
            headers.add(new SingleRecordHeader(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP,
                    group.getBytes(StandardCharsets.UTF_8)));
            ConsumerFailure classified = ConsumerFailure.of(failure);
            headers.add(new SingleRecordHeader(REASON_HEADER,
                    classified.kind().name().getBytes(StandardCharsets.UTF_8)));
            if (classified.causeCode() != null) {
                headers.add(new SingleRecordHeader(CAUSE_HEADER,
                        classified.causeCode().getBytes(StandardCharsets.UTF_8)));
            }
            return headers;
        });
    }

    /** Registers the counters of one topic's dead-letter topic at zero, so a rate can be watched before the first. */
    void register(String topic) {
        for (Failure reason : new Failure[] {Failure.UNPROCESSABLE, Failure.DEFECT}) {
            counter(topic, reason);
        }
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
        ConsumerFailure failure = ConsumerFailure.of(exception);
        if (failure.kind() == Failure.TRANSIENT) {
            // Never: a record that failed for want of the store or the broker waits for them.
            throw new IllegalStateException("Not dead-lettering " + LogSafe.describe(record)
                    + " after a transient failure");
        }
        super.accept(record, consumer, failure);
        counter(record.topic(), failure.kind()).increment();
        log.error("{} dead-lettered {} to {} ({})", group, LogSafe.describe(record),
                Topics.deadLetter(record.topic(), group), failure.getMessage());
    }

    /**
     * The record as it was produced. An undecodable value comes with its bytes (Spring Kafka passes them);
     * a decoded one is read back from its partition; a null value stays null.
     */
    @Override
    protected ProducerRecord<Object, Object> createProducerRecord(ConsumerRecord<?, ?> record,
            TopicPartition topicPartition, Headers headers, byte[] key, byte[] value) {
        byte[] k = key;
        byte[] v = value;
        if (v == null && record.value() != null) {
            ConsumerRecord<byte[], byte[]> original = originals.fetch(record.topic(), record.partition(),
                    record.offset());
            v = original.value();
            k = k != null ? k : original.key();
        }
        if (k == null && record.key() != null) {
            k = record.key() instanceof byte[] bytes ? bytes
                    : record.key().toString().getBytes(StandardCharsets.UTF_8);
        }
        return new ProducerRecord<>(topicPartition.topic(), null, k, v, headers);
    }

    private io.micrometer.core.instrument.Counter counter(String topic, Failure reason) {
        return meters.counter(METRIC, "topic", topic, "dlq", Topics.deadLetter(topic, group), "reason", reason.name());
    }

    /**
     * The cause as header text: the class that decided it, its message, and the whole chain's stack trace, all
     * from printable copies.
     */
    private static void exceptionHeaders(Headers headers, Exception exception, boolean isKey, HeaderNames names) {
        Throwable reason = exception instanceof ConsumerFailure failure ? failure.reason() : exception;
        Throwable printable = exception instanceof ConsumerFailure ? exception : LogSafe.copy(exception);
        HeaderNames.ExceptionInfo info = names.getExceptionInfo();
        put(headers, isKey ? info.getKeyExceptionFqcn() : info.getExceptionFqcn(), LogSafe.typeOf(reason));
        put(headers, info.getExceptionCauseFqcn(), LogSafe.typeOf(LogSafe.rootCause(printable)));
        put(headers, isKey ? info.getKeyExceptionMessage() : info.getExceptionMessage(), LogSafe.line(reason));
        StringWriter trace = new StringWriter();
        printable.printStackTrace(new PrintWriter(trace, true));
        put(headers, isKey ? info.getKeyExceptionStacktrace() : info.getExceptionStacktrace(), trace.toString());
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
