package com.vendstream.ops.deadletter;

import com.vendstream.kit.deadletter.BinderClients;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.schemas.serde.SchemaRegistryClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * The dead-letter desk's parts. Its Kafka clients take the binder's settings ({@link BinderClients}: brokers,
 * TLS/SASL), as the dead-letter publisher and {@code redrive.sh} do, so a deployment configures Kafka once.
 */
@Configuration
class DeadLetterDeskConfiguration {

    @Bean(destroyMethod = "close")
    DeadLetterLog deadLetterLog(Environment environment, ObjectProvider<KafkaConnectionDetails> details,
                                @Value("${vendstream.ops.dead-letters.timeout:PT10S}") Duration timeout) {
        BinderClients clients = BinderClients.from(environment, details);
        return new DeadLetterLog(clients.consumer(), clients.producer(), clients.admin(), timeout);
    }

    @Bean
    Dispositions deadLetterDispositions(ReactiveMongoTemplate mongo) {
        Dispositions dispositions = new Dispositions(mongo);
        dispositions.ensureIndexes();
        return dispositions;
    }

    @Bean
    DeadLetterDesk deadLetterDesk(DeadLetterLog log, Dispositions dispositions, AuditTrail audit, Clock clock,
                                  @Value("${vendstream.registry.url}") String registryUrl,
                                  @Value("${vendstream.ops.dead-letters.max-scan:5000}") int maxScan) {
        return new DeadLetterDesk(log, dispositions, new EventDecoder(new SchemaRegistryClient(registryUrl)), audit,
                clock, maxScan);
    }
}
