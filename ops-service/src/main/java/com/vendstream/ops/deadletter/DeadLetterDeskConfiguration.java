package com.vendstream.ops.deadletter;

import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.schemas.serde.SchemaRegistryClient;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * The dead-letter desk's parts. Its log on the broker ({@link DeadLetterLog}) is the Kafka adapter wired in
 * {@code com.vendstream.ops.intake.DeadLetterIntakeConfiguration}.
 */
@Configuration
class DeadLetterDeskConfiguration {

    @Bean
    DispositionStore deadLetterDispositions(ReactiveMongoTemplate mongo) {
        DispositionStore dispositions = new DispositionStore(mongo);
        dispositions.ensureIndexes();
        return dispositions;
    }

    @Bean
    DeadLetterDesk deadLetterDesk(DeadLetterLog log, DispositionStore dispositions, AuditTrail audit, Clock clock,
                                  @Value("${vendstream.registry.url}") String registryUrl,
                                  @Value("${vendstream.ops.dead-letters.max-scan:5000}") int maxScan) {
        return new DeadLetterDesk(log, dispositions, new EventDecoder(new SchemaRegistryClient(registryUrl)), audit,
                clock, maxScan);
    }
}
