package com.vendstream.kit.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Every service's MongoDB client writes with {@code w:majority, j:true} and reads with
 * {@code readConcern: majority}. An order answered 201, a wallet debit or an outbox entry is then on
 * the journal of a majority of the replica set before the service goes on (publishes, answers, commits
 * its Kafka offset), so neither a crash nor a failover takes it back; and a service never acts on a
 * write that a failover could still roll back. Applied after Spring Boot's own customizer, so an
 * option in the connection string cannot weaken it.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration",
        "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration"})
@ConditionalOnClass(MongoClientSettingsBuilderCustomizer.class)
// only where a MongoDB client is configured: the registry and the sandbox exclude Boot's MongoDB
// auto-configuration and must not show a MongoDB bean either
@ConditionalOnBean(MongoConnectionDetails.class)
public class DurableConcerns {

    static final WriteConcern WRITE_CONCERN = WriteConcern.MAJORITY.withJournal(true);
    static final ReadConcern READ_CONCERN = ReadConcern.MAJORITY;

    @Bean
    MongoClientSettingsBuilderCustomizer durableMongoConcerns() {
        return new Customizer();
    }

    private static final class Customizer implements MongoClientSettingsBuilderCustomizer, Ordered {

        @Override
        public void customize(MongoClientSettings.Builder settings) {
            settings.writeConcern(WRITE_CONCERN).readConcern(READ_CONCERN);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
