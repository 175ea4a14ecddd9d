package com.vendstream.kit.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;

/**
 * Logs what reaches the application's error channel without the failed message. A consumer's failure also
 * reaches its error handler, which logs it with the event's type and ids; here it is only a debug line.
 */
public class SafeErrorLog implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(SafeErrorLog.class);

    @Override
    public void handleMessage(Message<?> message) {
        if (!(message.getPayload() instanceof Throwable failure)) {
            log.error("Error message without an exception: {}", LogSafe.describe(message.getPayload()));
            return;
        }
        Message<?> failed = failure instanceof MessagingException m && m.getFailedMessage() != null
                ? m.getFailedMessage() : message instanceof ErrorMessage e ? e.getOriginalMessage() : null;
        if (failed != null && failed.getHeaders().containsKey(KafkaHeaders.RECEIVED_TOPIC)) {
            log.debug("Consumer failure on {} (left to its error handler): {}",
                    failed.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC), LogSafe.summary(failure));
        } else {
            log.error("Error on a message channel with {}: {}", failed == null ? "no message"
                    : LogSafe.describe(failed.getPayload()), LogSafe.summary(failure), LogSafe.copy(failure));
        }
    }
}
