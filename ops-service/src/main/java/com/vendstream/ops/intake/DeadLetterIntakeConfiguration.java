package com.vendstream.ops.intake;

import com.vendstream.kit.deadletter.BinderClients;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The dead-letter desk's log on the broker. Its Kafka clients take the binder's settings ({@link BinderClients}:
 * brokers, TLS/SASL), as the dead-letter publisher and {@code redrive.sh} do, so a deployment configures Kafka once.
 */
@Configuration
class DeadLetterIntakeConfiguration {

    @Bean(destroyMethod = "close")
    KafkaDeadLetterLog deadLetterLog(Environment environment, ObjectProvider<KafkaConnectionDetails> details,
                                     @Value("${vendstream.ops.dead-letters.timeout:PT10S}") Duration timeout) {
        BinderClients clients = BinderClients.from(environment, details);
        return new KafkaDeadLetterLog(clients.consumer(), clients.producer(), clients.admin(), timeout);
    }
}
