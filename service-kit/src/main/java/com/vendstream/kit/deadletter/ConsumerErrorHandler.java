package com.vendstream.kit.deadletter;

import com.vendstream.kit.logging.LogSafe;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The error handler of every vendstream consumer (record and batch listeners alike). Each failure is
 * classified ({@link Failure}) before Spring Kafka's {@link DefaultErrorHandler} sees it:
 * <ul>
 *   <li>transient: the record is tried again after an exponential pause (jittered, capped), without limit;
 *   its offset is not committed, the partition waits for it;</li>
 *   <li>defect: the same pauses, {@code defectAttempts} attempts in all, then the dead-letter topic;</li>
 *   <li>unprocessable: the dead-letter topic at once.</li>
 * </ul>
 * A consumer that is stopping never dead-letters: its record is left for the next owner of the partition.
 * Every failed attempt is logged once, as the event's type and ids with the cause's class and message, and
 * counted ({@code vendstream.kafka.consumer.failures}); what Spring Kafka logs gets the same printable copy.
 */
public class ConsumerErrorHandler extends DefaultErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ConsumerErrorHandler.class);
    private static final LogAccessor LOGGER = new LogAccessor(ConsumerErrorHandler.class);

    /** How long to pause between attempts, and how many attempts a defect gets. */
    public record Retry(Duration initial, Duration max, int defectAttempts) {
        BackOff forever() {
            ExponentialBackOff backOff = new ExponentialBackOff(initial.toMillis(), 2.0);
            backOff.setMaxInterval(max.toMillis());
            backOff.setJitter(initial.toMillis() / 2);
            return backOff;
        }

        BackOff forDefects() {
            ExponentialBackOff backOff = (ExponentialBackOff) forever();
            backOff.setMaxAttempts(Math.max(0, defectAttempts - 1));
            return backOff;
        }
    }

    public ConsumerErrorHandler(DeadLetters deadLetters, Retry retry, String group, MeterRegistry meters) {
        // The default back-off must allow retries, or Spring Kafka never asks the function below.
        super(deadLetters, retry.forever());
        BackOff forDefects = retry.forDefects();
        BackOff never = new FixedBackOff(0, 0);
        setBackOffFunction((record, failure) -> switch (ConsumerFailure.of(failure).kind()) {
            case TRANSIENT -> retry.forever();
            case DEFECT -> forDefects;
            case UNPROCESSABLE -> never;
        });
        // Every decision is the back-off function's, not Spring Kafka's list of exceptions never retried.
        setClassifications(Map.of(), true);
        // What the container logs after this handler already went into our own line.
        setLogLevel(KafkaException.Level.DEBUG);
        setRetryListeners(new Attempts(group, retry.defectAttempts(), meters));
    }

    @Override
    public boolean handleOne(Exception thrown, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
                             MessageListenerContainer container) {
        return super.handleOne(classified(thrown, record, container), record, consumer, container);
    }

    @Override
    public void handleRemaining(Exception thrown, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
                                MessageListenerContainer container) {
        super.handleRemaining(classified(thrown, records.isEmpty() ? null : records.get(0), container), records,
                consumer, container);
    }

    @Override
    public void handleBatch(Exception thrown, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
                            MessageListenerContainer container, Runnable invokeListener) {
        super.handleBatch(classified(thrown, failedRecord(thrown, data), container), data, consumer, container,
                invokeListener);
    }

    @Override
    public <K, V> ConsumerRecords<K, V> handleBatchAndReturnRemaining(Exception thrown, ConsumerRecords<?, ?> data,
            Consumer<?, ?> consumer, MessageListenerContainer container, Runnable invokeListener) {
        return super.handleBatchAndReturnRemaining(classified(thrown, failedRecord(thrown, data), container), data,
                consumer, container, invokeListener);
    }

    private static ConsumerFailure classified(Exception thrown, ConsumerRecord<?, ?> record,
                                              MessageListenerContainer container) {
        if (thrown instanceof ConsumerFailure failure) {
            return failure;
        }
        Failure.Classified classified = Failure.classify(thrown);
        DeserializationException undecodable = record == null ? null : undecodable(record);
        if (undecodable != null && classified.kind() != Failure.TRANSIENT) {
            // A batch listener sees an undecodable record as a null; why it could not be decoded (an unknown
            // schema, or a registry that did not answer) is in the record's header.
            classified = Failure.classify(undecodable);
        }
        if (!container.isRunning()) {
            // Stopping (shutdown, rebalance): whatever failed, the record is not ours to dead-letter any more.
            classified = new Failure.Classified(Failure.TRANSIENT, classified.reason());
        }
        return ConsumerFailure.of(classified, thrown);
    }

    private static DeserializationException undecodable(ConsumerRecord<?, ?> record) {
        for (String header : List.of(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER,
                SerializationUtils.KEY_DESERIALIZER_EXCEPTION_HEADER)) {
            if (record.headers().lastHeader(header) != null) {
                return SerializationUtils.getExceptionFromHeader(record, header, LOGGER);
            }
        }
        return null;
    }

    /** The record a batch listener named as failed ({@link BatchListenerFailedException}), if any. */
    private static ConsumerRecord<?, ?> failedRecord(Exception thrown, ConsumerRecords<?, ?> data) {
        for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof BatchListenerFailedException failed) {
                if (failed.getRecord() != null) {
                    return failed.getRecord();
                }
                int i = 0;
                for (ConsumerRecord<?, ?> record : data) {
                    if (i++ == failed.getIndex()) {
                        return record;
                    }
                }
                return null;
            }
        }
        return null;
    }

    /** One log line and one count per failed attempt. */
    private record Attempts(String group, int defectAttempts, MeterRegistry meters) implements RetryListener {

        @Override
        public void failedDelivery(ConsumerRecord<?, ?> record, Exception thrown, int attempt) {
            ConsumerFailure failure = ConsumerFailure.of(thrown);
            meters.counter("vendstream.kafka.consumer.failures", "topic", record.topic(), "group", group,
                    "reason", failure.kind().name()).increment();
            String next = switch (failure.kind()) {
                case TRANSIENT -> "trying again until it succeeds";
                case DEFECT -> attempt < defectAttempts ? "trying again (" + defectAttempts + " attempts in all)"
                        : "dead-lettering it";
                case UNPROCESSABLE -> "dead-lettering it";
            };
            String line = "{} could not process {} (attempt {}, {}); {}";
            Object[] args = {group, LogSafe.describe(record), attempt, failure.getMessage(), next};
            if (attempt == 1 && failure.kind() == Failure.DEFECT) {
                // A bug: the stack trace (a printable copy) helps, once.
                log.warn(line, append(args, failure));
            } else {
                log.warn(line, args);
            }
        }

        @Override
        public void recoveryFailed(ConsumerRecord<?, ?> record, Exception original, Exception failure) {
            log.error("{} could not dead-letter {}; it stays in its partition and is tried again: {}", group,
                    LogSafe.describe(record), LogSafe.summary(failure));
        }

        private static Object[] append(Object[] args, Object last) {
            Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
            all[args.length] = last;
            return all;
        }
    }
}
