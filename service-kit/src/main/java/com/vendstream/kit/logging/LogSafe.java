package com.vendstream.kit.logging;

import com.vendstream.kit.events.Events;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * What a log line or a dead-letter header may say about a record or a failure: the event's type and ids,
 * never its payload. The frameworks print payloads where a failure is printed: a MessagingException's
 * {@code toString} carries the failed message (the whole event: account, phone, token), a ConsumerRecord's
 * and a ProducerRecord's the value, some conversion errors quote the message in their text. The copies made
 * here keep each exception's class name, message and stack frames, and drop any text from the point where
 * it starts quoting a message or a record.
 */
public final class LogSafe {

    /** Where a text starts quoting a message, a record or an Avro event (whose toString is JSON). */
    private static final List<String> PAYLOAD_MARKERS = List.of("GenericMessage [", "ErrorMessage [",
            "MutableMessage [", "failedMessage=", "payload=", "ConsumerRecord(", "ProducerRecord(", "{\"");

    private LogSafe() {
    }

    /** A consumed record: where it is, its key (an order id) and what its value is, not what it says. */
    public static String describe(ConsumerRecord<?, ?> record) {
        String value = record.value() == null
                && record.headers().lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER) != null
                ? "undecodable value" : describe(record.value());
        return record.topic() + "-" + record.partition() + "@" + record.offset() + " key=" + record.key() + " "
                + value;
    }

    /** A record to produce: its topic, key and what its value is. */
    public static String describe(ProducerRecord<?, ?> record) {
        return record.topic() + (record.partition() == null ? "" : "-" + record.partition()) + " key=" + record.key()
                + " " + describe(record.value());
    }

    /** An event as its type and ids; anything else as its kind and size. */
    public static String describe(Object value) {
        if (value == null || value instanceof KafkaNull) {
            return "no value (tombstone)";
        }
        if (value instanceof SpecificRecord event) {
            return Events.describe(event);
        }
        if (value instanceof com.vendstream.kit.events.CarriesEvent carrier && carrier.event() != null) {
            return Events.describe(carrier.event());
        }
        if (value instanceof byte[] bytes) {
            return bytes.length + " bytes";
        }
        if (value instanceof Collection<?> values) {
            return values.size() + " values";
        }
        return value.getClass().getSimpleName();
    }

    /** The text up to where it starts quoting a payload. */
    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        int cut = text.length();
        for (String marker : PAYLOAD_MARKERS) {
            int at = text.indexOf(marker);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return cut == text.length() ? text : text.substring(0, cut) + "[payload elided]";
    }

    /** One line: the deepest cause's class and (scrubbed) message. */
    public static String summary(Throwable failure) {
        return line(rootCause(failure));
    }

    /** The deepest cause of a failure. */
    public static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 50; depth++) {
            root = root.getCause();
        }
        return root;
    }

    /** The class (the original's, for a copy) and scrubbed message of one throwable. */
    public static String line(Throwable failure) {
        String message = scrub(failure.getMessage());
        return simpleName(typeOf(failure)) + (message == null ? "" : ": " + message);
    }

    /** The class name of a throwable, or of the one a {@link #copy} was made from. */
    public static String typeOf(Throwable failure) {
        return failure instanceof Copy copy ? copy.type : failure.getClass().getName();
    }

    /**
     * A copy of a failure, its causes and suppressed exceptions, fit for a log or a header: same class names,
     * scrubbed messages, same stack frames. A {@link BatchListenerFailedException} stays one (with its index or
     * record), because the batch error handler looks for it among the causes.
     */
    public static Throwable copy(Throwable failure) {
        return failure == null ? null : copy(failure, new IdentityHashMap<>());
    }

    private static Throwable copy(Throwable original, Map<Throwable, Throwable> copies) {
        Throwable done = copies.get(original);
        if (done != null) {
            return done;
        }
        Throwable cause = original.getCause() == original ? null : original.getCause();
        Throwable copy;
        if (original instanceof BatchListenerFailedException batch) {
            String message = scrub(withoutPosition(batch));
            Throwable causeCopy = cause == null ? null : copy(cause, copies);
            copy = batch.getRecord() != null ? new BatchListenerFailedException(message, causeCopy, batch.getRecord())
                    : new BatchListenerFailedException(message, causeCopy, batch.getIndex());
            copies.put(original, copy);
        } else {
            copy = new Copy(typeOf(original), scrub(original.getMessage()));
            copies.put(original, copy);
            if (cause != null) {
                copy.initCause(copy(cause, copies));
            }
        }
        copy.setStackTrace(original.getStackTrace());
        for (Throwable suppressed : original.getSuppressed()) {
            copy.addSuppressed(copy(suppressed, copies));
        }
        return copy;
    }

    /** BatchListenerFailedException appends the record's position to its message; the copy appends it again. */
    private static String withoutPosition(BatchListenerFailedException batch) {
        String message = batch.getMessage();
        int at = message == null ? -1 : message.lastIndexOf(' ');
        return at < 0 ? message : message.substring(0, at);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Stands in for an exception of another class: prints as that class, with a scrubbed message. */
    private static final class Copy extends RuntimeException {
        private final String type;

        Copy(String type, String message) {
            super(message);
            this.type = type;
        }

        @Override
        public String toString() {
            String message = getLocalizedMessage();
            return message == null ? type : type + ": " + message;
        }
    }
}
