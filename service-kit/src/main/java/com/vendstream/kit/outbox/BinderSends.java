package com.vendstream.kit.outbox;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.stream.config.ProducerMessageHandlerCustomizer;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.integration.kafka.outbound.KafkaProducerMessageHandler;
import org.springframework.integration.kafka.support.KafkaIntegrationHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The relay's {@link OutboxRelay.Publisher}: sends through {@link StreamBridge}, so through the binding's own
 * Kafka producer (its destination, serializers, key, header mapping, client settings), and hands back the
 * producer's send future instead of waiting for it.
 *
 * <p>Spring Integration's Kafka handler passes a send's future to its futures channel when the message carries
 * a {@code kafka_futureToken} header (which it keeps out of the record). As a
 * {@link ProducerMessageHandlerCustomizer} this class gives every output binding's handler such a channel; it
 * receives the future on the sending thread, during {@link StreamBridge#send}. With the binder's
 * {@code sync: false} the send returns at once and the relay waits for the acknowledgements itself.
 */
public class BinderSends implements ProducerMessageHandlerCustomizer<KafkaProducerMessageHandler<?, ?>> {

    private final AtomicLong tokens = new AtomicLong();
    private final Map<Long, CompletableFuture<?>> futures = new ConcurrentHashMap<>();
    private final MessageChannel futuresChannel = (message, timeout) -> {
        if (message.getHeaders().get(KafkaIntegrationHeaders.FUTURE_TOKEN) instanceof Long token
                && message.getPayload() instanceof CompletableFuture<?> future) {
            futures.put(token, future);
        }
        return true;
    };

    @Override
    public void configure(KafkaProducerMessageHandler<?, ?> handler, String destinationName) {
        handler.setFuturesChannel(futuresChannel);
    }

    /**
     * A publisher over the bridge: the future completes with the broker's acknowledgement.
     *
     * @param declared the output bindings the service configures with a destination. The bridge would send to
     *                 any other name too, creating a binding whose topic is that name, which no consumer reads:
     *                 an entry naming one is refused and stays in its outbox, counted as stuck, until it is fixed.
     */
    public OutboxRelay.Publisher over(StreamBridge bridge, Set<String> declared) {
        Set<String> bindings = Set.copyOf(declared);
        return (binding, message) -> bindings.contains(binding) ? send(bridge, binding, message)
                : CompletableFuture.failedFuture(new IllegalStateException("Binding " + binding + " is not declared "
                        + "(no spring.cloud.stream.bindings." + binding + ".destination): the event stays in its outbox"));
    }

    private CompletableFuture<?> send(StreamBridge bridge, String binding, Message<?> message) {
        Long token = tokens.incrementAndGet();
        Message<?> tokened = MessageBuilder.fromMessage(message)
                .setHeader(KafkaIntegrationHeaders.FUTURE_TOKEN, token).build();
        try {
            boolean accepted = bridge.send(binding, tokened);
            CompletableFuture<?> future = futures.remove(token);
            if (!accepted) {
                return CompletableFuture.failedFuture(new IllegalStateException("Binding " + binding
                        + " refused the event"));
            }
            if (future == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("Binding " + binding
                        + " gave no send future: the outbox publishes only through Kafka bindings"));
            }
            return future;
        } catch (RuntimeException e) {
            futures.remove(token);
            return CompletableFuture.failedFuture(e);
        }
    }
}
