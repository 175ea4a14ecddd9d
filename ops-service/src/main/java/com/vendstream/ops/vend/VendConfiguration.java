package com.vendstream.ops.vend;

import com.vendstream.kit.deadletter.Payloads;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.ops.audit.AuditTrail;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.messaging.Message;

@Configuration
class VendConfiguration {

    @Bean
    UnresolvedVendStore unresolvedVendStore(ReactiveMongoTemplate mongo) {
        UnresolvedVendStore store = new UnresolvedVendStore(mongo);
        store.ensureIndexes();
        return store;
    }

    @Bean
    UnresolvedVends unresolvedVends(UnresolvedVendStore store, AuditTrail audit, OutboxTrigger relay, Clock clock,
                                    @Value("${vendstream.ops.unresolved.approval-grace:PT15M}") Duration approvalGrace) {
        if (approvalGrace.isNegative()) {
            throw new IllegalArgumentException("vendstream.ops.unresolved.approval-grace may not be negative");
        }
        return new UnresolvedVends(store, audit, relay, clock, approvalGrace);
    }

    /**
     * status-poller's VendUnresolved, VendSucceeded and VendFailed (binding vendResolutions-in-0): the record's
     * offset is committed once its effect is stored; failures follow service-kit's rules (transient: again, without
     * limit; a defect: a few times, then vendstream.vend.resolutions.ops-service.dlq). The store waits for its write
     * (30 s at most; no answer is a transient failure, so the record is tried again, never lost).
     */
    @Bean
    Consumer<Message<SpecificRecord>> vendResolutions(UnresolvedVends vends) {
        return message -> vends.apply(Payloads.event(message));
    }
}
