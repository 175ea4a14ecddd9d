package com.vendstream.kit.deadletter;

import com.vendstream.kit.logging.LogSafe;
import com.vendstream.kit.logging.SafeErrorLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.integration.channel.PublishSubscribeChannel;
import org.springframework.integration.context.IntegrationContextUtils;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.ProducerListener;

/**
 * The consumer side every vendstream service shares: retries and dead letters ({@link ConsumerFailures}) and
 * framework logging that names events by type and ids instead of printing them.
 */
@AutoConfiguration
@ConditionalOnClass(ListenerContainerWithDlqAndRetryCustomizer.class)
@ConditionalOnProperty(prefix = "vendstream.kafka", name = "bootstrap-servers")
public class DeadLetterConfiguration {

    @Bean(destroyMethod = "close")
    ConsumerFailures consumerFailures(Environment environment, ObjectProvider<KafkaConnectionDetails> details,
                                      ObjectProvider<MeterRegistry> meters,
                                      @Value("${vendstream.kafka.consumer.backoff-initial:PT1S}") Duration initial,
                                      @Value("${vendstream.kafka.consumer.backoff-max:PT30S}") Duration max,
                                      @Value("${vendstream.kafka.consumer.defect-attempts:5}") int defectAttempts) {
        // Spring Kafka formats records this way in its own log lines (the default for producer records prints
        // the value).
        KafkaUtils.setConsumerRecordFormatter(LogSafe::describe);
        KafkaUtils.setProducerRecordFormatter(LogSafe::describe);
        return new ConsumerFailures(BinderClients.from(environment, details),
                new ConsumerErrorHandler.Retry(initial, max, defectAttempts),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** The binder's producers log a failed send with its key and value unless told not to. */
    @Bean
    @ConditionalOnMissingBean(ProducerListener.class)
    ProducerListener<Object, Object> kafkaProducerListener() {
        LoggingProducerListener<Object, Object> listener = new LoggingProducerListener<>();
        listener.setIncludeContents(false);
        return listener;
    }

    /**
     * Spring Integration's default error channel logs each error message whole, the failed message (the
     * event) included; the binder bridges consumer errors to it. Defined here, it has a logger that does not.
     */
    @Bean(name = IntegrationContextUtils.ERROR_CHANNEL_BEAN_NAME)
    @ConditionalOnMissingBean(name = IntegrationContextUtils.ERROR_CHANNEL_BEAN_NAME)
    PublishSubscribeChannel errorChannel() {
        PublishSubscribeChannel channel = new PublishSubscribeChannel();
        channel.subscribe(new SafeErrorLog());
        return channel;
    }
}
