package com.vendstream.kit.deadletter;

import com.vendstream.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaConsumerProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.util.StringUtils;
import org.springframework.util.backoff.BackOff;

/**
 * Gives every consumer container of the service a {@link ConsumerErrorHandler} publishing through
 * {@link DeadLetters}, and takes retries and dead letters away from the binder (its in-memory retry cannot
 * wait out an outage, and its dead-letter producer is configured apart from the records it sends). Creates
 * each consumed topic's {@code <topic>.<group>.dlq} when the binder creates topics.
 */
public class ConsumerFailures implements ListenerContainerWithDlqAndRetryCustomizer {

    private static final Logger log = LoggerFactory.getLogger(ConsumerFailures.class);

    private final BinderClients clients;
    private final ConsumerErrorHandler.Retry retry;
    private final MeterRegistry meters;
    private final DefaultKafkaProducerFactory<byte[], byte[]> producers;
    private final KafkaTemplate<byte[], byte[]> template;
    private final OriginalRecords originals;

    ConsumerFailures(BinderClients clients, ConsumerErrorHandler.Retry retry, MeterRegistry meters) {
        this.clients = clients;
        this.retry = retry;
        this.meters = meters;
        this.producers = new DefaultKafkaProducerFactory<>(clients.producer());
        this.template = new KafkaTemplate<>(producers);
        this.originals = new OriginalRecords(clients.consumer(), Duration.ofSeconds(30));
    }

    @Override
    public boolean retryAndDlqInBinding(String destinationName, String group) {
        return false;
    }

    @Override
    public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group,
                          BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> dlqDestinationResolver,
                          BackOff backOff) {
        List<String> topics = Arrays.stream(StringUtils.commaDelimitedListToStringArray(destinationName))
                .map(String::trim).toList();
        DeadLetters deadLetters = new DeadLetters(template, originals, group, meters);
        topics.forEach(deadLetters::register);
        if (clients.autoCreateTopics()) {
            createDeadLetterTopics(topics, group);
        }
        container.setCommonErrorHandler(new ConsumerErrorHandler(deadLetters, retry, group, meters));
    }

    @Override
    public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group,
                          BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> dlqDestinationResolver,
                          BackOff backOff, ExtendedConsumerProperties<KafkaConsumerProperties> properties) {
        if (properties.getExtension().isEnableDlq()) {
            // The binder would dead-letter through its own producer, around the policy above.
            throw new IllegalStateException("Binding " + properties.getBindingName() + " sets enable-dlq: dead "
                    + "letters are service-kit's (ConsumerFailures); remove it");
        }
        configure(container, destinationName, group, dlqDestinationResolver, backOff);
    }

    private void createDeadLetterTopics(List<String> topics, String group) {
        int partitions = Math.max(1, clients.minPartitionCount());
        Optional<Short> replication = clients.replicationFactor() > 0 ? Optional.of(clients.replicationFactor())
                : Optional.empty();
        List<NewTopic> wanted = topics.stream()
                .map(t -> new NewTopic(Topics.deadLetter(t, group), Optional.of(partitions), replication)
                        .configs(Topics.deadLetterConfigs())).toList();
        try (Admin admin = Admin.create(clients.admin())) {
            admin.createTopics(wanted).values().forEach((name, created) -> {
                try {
                    created.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        log.warn("Could not create dead-letter topic {} ({}); dead letters wait until it exists",
                                name, e.getCause().toString());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    log.warn("Could not create dead-letter topic {} in 30 s; dead letters wait until it exists", name);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    void close() {
        producers.destroy();
    }
}
