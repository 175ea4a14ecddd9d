package com.vendstream.ops.intake;

import com.vendstream.kit.deadletter.BinderClients;
import com.vendstream.ops.deadletter.DeadLetterDesk;
import com.vendstream.ops.live.LiveService;
import com.vendstream.ops.vend.UnresolvedVend;
import com.vendstream.ops.vend.UnresolvedVendStore;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The live view ({@code com.vendstream.ops.live}) wired to what it reads: each service's management root under
 * {@code vendstream.ops.sources.<name>} (asked for {@code /actuator/prometheus}), and the broker through an
 * AdminClient over the binder's own client settings (brokers, TLS, SASL), as the dead-letter producer uses them.
 * These adapters live here, apart from the view's logic, which stays free of web and Kafka types.
 */
@Configuration
class LiveIntakeConfiguration {

    @Bean(destroyMethod = "close")
    ConsumerLag consumerLag(Environment environment, ObjectProvider<KafkaConnectionDetails> details,
                            @Value("${vendstream.ops.live.kafka-timeout:PT2S}") Duration timeout) {
        Map<String, Object> config = new HashMap<>(BinderClients.from(environment, details).admin());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ops-service-live");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return new ConsumerLag(config, timeout);
    }

    @Bean
    LiveService liveService(Environment environment, ConsumerLag consumerLag, UnresolvedVendStore queue,
                            DeadLetterDesk deadLetters, Clock clock,
                            @Value("${vendstream.ops.live.source-timeout:PT1S}") Duration sourceTimeout,
                            @Value("${vendstream.ops.live.kafka-timeout:PT2S}") Duration kafkaTimeout,
                            @Value("${vendstream.ops.live.cache-for:PT2S}") Duration cacheFor) {
        Map<String, String> sources = Binder.get(environment)
                .bind("vendstream.ops.sources", Bindable.mapOf(String.class, String.class))
                .map(LinkedHashMap::new).orElseGet(LinkedHashMap::new);
        return new LiveService(new ServiceMetricPages(sources, sourceTimeout), consumerLag,
                () -> queue.count(EnumSet.of(UnresolvedVend.State.OPEN, UnresolvedVend.State.PROPOSED)),
                () -> deadLetters.summaries().map(topics -> topics.stream().mapToLong(DeadLetterDesk.Summary::waiting)
                        .sum()), clock, cacheFor, kafkaTimeout);
    }
}
