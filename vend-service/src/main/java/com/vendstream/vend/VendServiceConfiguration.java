package com.vendstream.vend;

import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.kit.tracing.ConsumedRecords;
import com.vendstream.kit.providers.GuardSettingsBinding;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.guard.GuardMetrics;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.vend.attempt.VendAttemptStore;
import com.vendstream.vend.routing.Router;
import com.vendstream.vend.routing.RoutingProperties;
import com.vendstream.vend.vending.Vending;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import com.vendstream.vend.intake.ClaimedCalls;
import com.vendstream.vend.intake.VendRequestBatches;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

@Configuration
@EnableScheduling
@EnableConfigurationProperties(RoutingProperties.class)
public class VendServiceConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    VendAttemptStore vendAttemptStore(ReactiveMongoTemplate mongo) {
        return new VendAttemptStore(mongo);
    }

    /**
     * The providers' guards for vends: the bulkhead under {@code vendstream.vend.bulkhead.*}, the circuit breaker
     * under {@code vendstream.vend.circuit.*}; unset ones are {@link GuardSettings#defaults()}.
     */
    @Bean
    GuardSettings vendGuard(Environment environment) {
        return GuardSettingsBinding.bind(environment, "vendstream.vend.bulkhead", "vendstream.vend.circuit",
                GuardSettings.defaults());
    }

    @Bean
    GuardedConnectors guardedConnectors(List<VendConnector> connectors, GuardSettings vendGuard,
                                        MeterRegistry meters, ObservationRegistry observations) {
        return new GuardedConnectors(connectors, vendGuard, GuardMetrics.of(meters, observations, "vend"));
    }

    @Bean
    Router router(RoutingProperties routing, GuardedConnectors connectors) {
        return new Router(routing, connectors.ids());
    }

    /**
     * @param lease how long a claimed attempt may stay SENDING before it is presumed orphaned; must
     *              exceed the slowest provider read timeout
     */
    @Bean
    Vending vending(VendAttemptStore store, GuardedConnectors connectors, Router router, OutboxTrigger relay,
                    MeterRegistry meters, Clock clock,
                    @Value("${vendstream.vend.lease:PT2M}") Duration lease,
                    @Value("${vendstream.vend.not-sent.min-retry:PT1S}") Duration minRetry,
                    @Value("${vendstream.vend.not-sent.give-up-after:PT30M}") Duration giveUpAfter,
                    @Value("${vendstream.vend.not-sent.max-deferrals:20}") int maxDeferrals) {
        return new Vending(store, connectors, router, relay, meters, clock, lease, minRetry, giveUpAfter, maxDeferrals);
    }

    @Bean(destroyMethod = "shutdown")
    ExecutorService vendCalls(@Value("${vendstream.vend.parallelism:64}") int parallelism) {
        return Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "vend-call");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Provider calls of claimed requests, run after their batch may have returned. Taking {@code vending}
     * makes Spring destroy this before it and what it uses (the attempt store, the outbox relay), so a
     * graceful stop lets the calls under way finish and settle before those close. They are given the
     * bulkhead's wait plus the slowest provider's connect and read timeouts
     * ({@code vendstream.providers.*.connect-timeout}, {@code read-timeout}; the connectors' defaults, 5 s
     * and 30 s, where unset).
     */
    @Bean(destroyMethod = "close")
    ClaimedCalls claimedCalls(Vending vending, Environment environment, GuardSettings vendGuard) {
        Duration slowest = Binder.get(environment)
                .bind("vendstream.providers", Bindable.mapOf(String.class, ProviderTimeouts.class))
                .orElse(Map.of()).values().stream().map(ProviderTimeouts::total)
                .max(Duration::compareTo).orElse(ProviderTimeouts.DEFAULT);
        return new ClaimedCalls(vendGuard.maxWait().plus(slowest));
    }

    /** The timeouts of one provider's HTTP calls, as its connector reads them. */
    record ProviderTimeouts(Duration connectTimeout, Duration readTimeout) {
        static final Duration DEFAULT = Duration.ofSeconds(35);

        Duration total() {
            return (connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout)
                    .plus(readTimeout == null ? Duration.ofSeconds(30) : readTimeout);
        }
    }

    /**
     * VendRequested from order-service (binding vendRequests-in-0), in batches: different orders are
     * claimed in parallel, each order's requests in order; the batch (and its offsets) is done when every
     * claim is durable, and the provider calls go on after it.
     */
    @Bean
    Consumer<Message<List<Object>>> vendRequests(Vending vending, ExecutorService vendCalls,
                                                 ClaimedCalls claimedCalls, MeterRegistry meters,
                                                 ConsumedRecords traces) {
        VendRequestBatches batches = new VendRequestBatches(vendCalls, vending::claim, claimedCalls, meters, traces);
        return message -> {
            Object keys = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
            try {
                batches.process(message.getPayload(), keys instanceof List<?> list ? list : null,
                        traces.batch(message.getHeaders()));
            } catch (VendRequestBatches.RecordFailed e) {
                throw new BatchListenerFailedException(e.getMessage(), e.getCause(), e.index());
            }
        };
    }


    @Bean
    LeaseSweep leaseSweep(Vending vending) {
        return new LeaseSweep(vending);
    }

    @Bean
    DeferredSweep deferredSweep(Vending vending, ExecutorService vendCalls) {
        return new DeferredSweep(vending, vendCalls);
    }

    @EventListener(ApplicationReadyEvent.class)
    void prepareStore(ApplicationReadyEvent ready) {
        ready.getApplicationContext().getBean(VendAttemptStore.class).ensureIndexes();
    }

    /** Hands attempts orphaned by a crash to status-poller, as pending. */
    public static class LeaseSweep {
        private final Vending vending;

        LeaseSweep(Vending vending) {
            this.vending = vending;
        }

        @Scheduled(fixedDelayString = "${vendstream.vend.lease-sweep-interval:PT10S}")
        public void run() {
            vending.expireLeases();
        }
    }

    /** Sends again the vends that were not sent (throttles, back-pressure) once their wait is over. */
    public static class DeferredSweep {
        private final Vending vending;
        private final ExecutorService executor;

        DeferredSweep(Vending vending, ExecutorService executor) {
            this.vending = vending;
            this.executor = executor;
        }

        @Scheduled(fixedDelayString = "${vendstream.vend.not-sent.sweep-interval:PT1S}")
        public void run() {
            vending.retryDeferred(executor);
        }
    }
}
