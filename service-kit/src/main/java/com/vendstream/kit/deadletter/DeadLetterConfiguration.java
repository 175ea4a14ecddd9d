package com.vendstream.kit.deadletter;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * Every consumer container of a service gets an error handler that dead-letters what it cannot
 * take, so an undecodable or poison record is kept with its cause and never blocks its partition.
 * For record listeners this only sees records that could not be decoded (processing failures are
 * retried and dead-lettered by the binder); batch listeners report the failing record's index.
 */
@AutoConfiguration
@ConditionalOnClass(ListenerContainerCustomizer.class)
@ConditionalOnProperty(prefix = "vendstream.kafka", name = "bootstrap-servers")
public class DeadLetterConfiguration {

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> deadLetterErrorHandler(
            @Value("${vendstream.kafka.bootstrap-servers}") String bootstrap,
            @Value("${vendstream.registry.url}") String registryUrl,
            @Value("${vendstream.kafka.dead-letter.retries:4}") int retries) {
        return (container, destination, group) -> {
            ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(retries);
            backOff.setInitialInterval(200);
            backOff.setMaxInterval(5_000);
            DefaultErrorHandler handler = new DefaultErrorHandler(DeadLetters.recoverer(bootstrap, registryUrl, group),
                    backOff);
            container.setCommonErrorHandler(handler);
        };
    }
}
