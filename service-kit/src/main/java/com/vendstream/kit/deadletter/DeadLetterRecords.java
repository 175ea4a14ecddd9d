package com.vendstream.kit.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * What a dead letter says about itself, and the record that re-drives it. Shared by the re-drive tool
 * ({@link Redrive}, {@code redrive.sh}) and ops-service's dead-letter desk, so both send back the same thing: the
 * original key and value bytes, and the headers the record was produced with, without the headers
 * {@link DeadLetters} (or the binder, for older dead letters) added to it.
 */
public final class DeadLetterRecords {

    /** Headers a dead-letter publisher adds; none of them travels back with a re-driven record. */
    public static final List<String> DEAD_LETTER_HEADER_PREFIXES = List.of("kafka_dlt-", "x-exception-",
            "x-original-", "vendstream-dlt-", "springDeserializerException");

    private DeadLetterRecords() {
    }

    /** The topic the record was read from when it failed ({@code x-original-topic} for the binder's older ones). */
    public static Optional<String> originalTopic(Headers headers) {
        return text(headers, KafkaHeaders.DLT_ORIGINAL_TOPIC).or(() -> text(headers, "x-original-topic"));
    }

    /** The partition it was read from (Spring Kafka writes it as a 4-byte int). */
    public static Optional<Integer> originalPartition(Headers headers) {
        return Optional.ofNullable(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION)).map(Header::value)
                .filter(v -> v.length == Integer.BYTES).map(v -> ByteBuffer.wrap(v).getInt());
    }

    /** Its offset there (an 8-byte long). */
    public static Optional<Long> originalOffset(Headers headers) {
        return Optional.ofNullable(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).map(Header::value)
                .filter(v -> v.length == Long.BYTES).map(v -> ByteBuffer.wrap(v).getLong());
    }

    /** The class of the exception that decided the failure. */
    public static Optional<String> exceptionClass(Headers headers) {
        return text(headers, KafkaHeaders.DLT_EXCEPTION_FQCN);
    }

    /** Its message: a printable copy (see {@link DeadLetters}), no event text. */
    public static Optional<String> exceptionMessage(Headers headers) {
        return text(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
    }

    /** A header as UTF-8 text, the last one of that name. */
    public static Optional<String> text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** The record's own headers, those a dead-letter publisher added left out. */
    public static Headers withoutDeadLetterHeaders(Headers headers) {
        RecordHeaders kept = new RecordHeaders();
        for (Header header : headers) {
            if (DEAD_LETTER_HEADER_PREFIXES.stream().noneMatch(header.key()::startsWith)) {
                kept.add(header);
            }
        }
        return kept;
    }

    /** The dead letter as it goes back to {@code target}: its original key and value bytes, its own headers. */
    public static ProducerRecord<byte[], byte[]> redrive(ConsumerRecord<byte[], byte[]> deadLetter, String target) {
        return new ProducerRecord<>(target, null, deadLetter.key(), deadLetter.value(),
                withoutDeadLetterHeaders(deadLetter.headers()));
    }
}
