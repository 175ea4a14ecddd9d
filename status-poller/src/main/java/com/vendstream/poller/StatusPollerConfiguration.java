package com.vendstream.poller;

import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.kit.providers.GuardSettingsBinding;
import com.vendstream.poller.intake.PartitionOwnership;
import com.vendstream.poller.intake.PendingIntake;
import com.vendstream.poller.manual.ManualDecisionIntake;
import com.vendstream.poller.payment.PaymentProber;
import com.vendstream.poller.payment.PaymentResolutions;
import com.vendstream.poller.payment.PaymentStatusPort;
import com.vendstream.poller.payment.gateway.MobileMoneyStatus;
import com.vendstream.poller.requery.DueTimers;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.ManualSettlements;
import com.vendstream.poller.requery.RequeryEngine;
import com.vendstream.poller.requery.RequeryStore;
import com.vendstream.poller.schedule.PollerProperties;
import com.vendstream.poller.schedule.Schedules;
import com.vendstream.poller.vend.VendProber;
import com.vendstream.poller.vend.VendResolutions;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.guard.GuardMetrics;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.providers.guard.GuardedMobileMoney;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.messaging.Message;

@Configuration
@EnableConfigurationProperties(PollerProperties.class)
public class StatusPollerConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    RequeryStore requeryStore(ReactiveMongoTemplate mongo) {
        RequeryStore store = new RequeryStore(mongo);
        // Before any partition is assigned: the assignment loads schedules by (topic, partition, due).
        store.ensureIndexes();
        return store;
    }

    @Bean(destroyMethod = "shutdown")
    DueTimers dueTimers(Clock clock, PollerProperties properties) {
        return new DueTimers(clock, properties.threads());
    }

    @Bean
    Schedules schedules(PollerProperties properties) {
        return new Schedules(properties.schedules());
    }

    /**
     * The vend connectors behind the providers' guards (vendstream.poller.guard.*), for requeries. A provider that
     * hangs does not open the requery circuit (timeouts say nothing about a troubled transaction's provider being
     * down), so the bulkhead is what bounds it: at most half the requery threads by default, and no thread waits
     * for a slot (a requery that finds none is kept back and asked again).
     */
    @Bean
    GuardedConnectors guardedConnectors(List<VendConnector> connectors, GuardSettings requeryGuard,
                                        MeterRegistry meters, ObservationRegistry observations) {
        return new GuardedConnectors(connectors, requeryGuard, GuardMetrics.of(meters, observations, "requery"));
    }

    /** vendstream.poller.guard.*: 8 calls per provider, none waiting for a slot; the breaker as vend-service's. */
    @Bean
    GuardSettings requeryGuard(Environment environment) {
        return GuardSettingsBinding.bind(environment, "vendstream.poller.guard",
                new GuardSettings(8, Duration.ZERO, Duration.ofSeconds(30), 50, 10));
    }

    @Bean
    RequeryEngine requeryEngine(RequeryStore store, DueTimers timers, Schedules schedules,
                                GuardedConnectors connectors, ObjectProvider<PaymentStatusPort> paymentPorts,
                                ObjectProvider<MobileMoneyConnector> mobileMoney, GuardSettings requeryGuard,
                                OutboxTrigger relay, MeterRegistry meters, ObservationRegistry observations, Clock clock, PollerProperties properties) {
        // Explicit PaymentStatusPort beans first; every mobile-money connector (Dollr when its base URL
        // is set) also answers status lookups, unless a port for the same provider already does: behind a breaker
        // and bulkhead of its own per provider, with the requeries' settings; a lookup kept back is no answer yet.
        List<PaymentStatusPort> ports = new java.util.ArrayList<>(paymentPorts.orderedStream().toList());
        mobileMoney.orderedStream().map(c -> new MobileMoneyStatus(new GuardedMobileMoney(c, requeryGuard,
                        GuardMetrics.of(meters, observations, "payment-status"))))
                .forEach(ports::add);
        PaymentProber payments = new PaymentProber(ports);
        PaymentResolutions paymentEvents = new PaymentResolutions(schedules);
        String instance = properties.instanceId() != null ? properties.instanceId()
                : "status-poller-" + UUID.randomUUID().toString().substring(0, 8);
        return new RequeryEngine(store, timers, schedules,
                Map.of(Kind.VEND, new VendProber(connectors), Kind.COLLECTION, payments, Kind.PAYOUT, payments),
                Map.of(Kind.VEND, new VendResolutions(), Kind.COLLECTION, paymentEvents, Kind.PAYOUT, paymentEvents),
                relay, meters, clock, new SecureRandom(), properties.lease(), instance);
    }

    /** Decisions on escalated vends by two operators, settled through the vends' own outbox and events. */
    @Bean
    ManualSettlements manualSettlements(RequeryStore store, Schedules schedules, DueTimers timers,
                                        OutboxTrigger relay, MeterRegistry meters, Clock clock) {
        return new ManualSettlements(store, schedules, new VendResolutions(), timers, relay, meters, clock);
    }

    @Bean
    PendingIntake pendingIntake(RequeryEngine engine, ManualSettlements settlements) {
        return new PendingIntake(engine, settlements);
    }

    @Bean
    ManualDecisionIntake manualDecisionIntake(ManualSettlements settlements) {
        return new ManualDecisionIntake(settlements);
    }

    /** The schedules belong to the partitions of the pending events' topics, not to the decisions' topic. */
    @Bean
    PartitionOwnership partitionOwnership(DueTimers timers, RequeryEngine engine) {
        return new PartitionOwnership(timers, engine, Set.of("vendOutcomes-in-0", "payments-in-0"));
    }

    /** VendPending from vend-service (binding vendOutcomes-in-0); other outcome types are skipped. */
    @Bean
    Consumer<Message<SpecificRecord>> vendOutcomes(PendingIntake intake) {
        return intake::vendOutcome;
    }

    /** PaymentPending from order-service (binding payments-in-0); other payment events are skipped. */
    @Bean
    Consumer<Message<SpecificRecord>> payments(PendingIntake intake) {
        return intake::payment;
    }

    /** ManualVendDecision from ops-service (binding manualDecisions-in-0). */
    @Bean
    Consumer<Message<SpecificRecord>> manualDecisions(ManualDecisionIntake intake) {
        return intake::decision;
    }
}
