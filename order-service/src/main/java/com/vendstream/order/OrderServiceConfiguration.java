package com.vendstream.order;

import com.vendstream.kit.deadletter.Payloads;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.kit.providers.GuardSettingsBinding;
import com.vendstream.order.account.AccountVerifier;
import com.vendstream.order.api.MerchantAuthFilter;
import com.vendstream.order.api.MerchantRateLimit;
import com.vendstream.order.api.RequestSizeLimit;
import com.vendstream.order.api.OrderWaits;
import com.vendstream.order.api.PlacementAdmission;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.guard.GuardMetrics;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import java.util.List;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.catalog.CatalogProperties;
import com.vendstream.order.merchant.MerchantProperties;
import com.vendstream.order.merchant.Merchants;
import com.vendstream.order.order.Backoff;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.OrderTransitions;
import com.vendstream.order.outcome.OrderOutcomes;
import com.vendstream.wallet.MongoWalletLedger;
import com.vendstream.wallet.WalletLedger;
import com.vendstream.wallet.WalletStore;
import com.vendstream.wallet.WalletTransfers;
import com.vendstream.wallet.Wallets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import com.vendstream.providers.dollr.DollrMobileMoney;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.order.payment.MobileMoneyCustomerStore;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedMobileMoney;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.messaging.Message;
import org.springframework.util.unit.DataSize;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

@Configuration
@EnableScheduling
@EnableConfigurationProperties({CatalogProperties.class, MerchantProperties.class, MobileMoneyPayments.Retry.class,
        MerchantRateLimit.Settings.class})
public class OrderServiceConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Merchants merchants(MerchantProperties properties) {
        return new Merchants(properties.merchants());
    }

    /**
     * @param republishAfter how long an order waiting on another service (vend-service, status-poller) may go
     *                       untouched before the event it waits on is published again; well above a vend's
     *                       normal latency and vend-service's lease (2 min)
     */
    @Bean
    OrderStore orderStore(ReactiveMongoTemplate mongo,
                          @Value("${vendstream.order.retry-backoff:PT30S}") Duration retryBackoff,
                          @Value("${vendstream.order.retry-max-backoff:PT1H}") Duration retryMaxBackoff,
                          @Value("${vendstream.order.republish-after:PT10M}") Duration republishAfter) {
        Duration maxReminderPause = retryMaxBackoff.compareTo(republishAfter) < 0 ? republishAfter : retryMaxBackoff;
        return new OrderStore(mongo, new Backoff(retryBackoff, retryMaxBackoff),
                new Backoff(republishAfter, maxReminderPause));
    }

    @Bean
    WalletStore walletStore(ReactiveMongoTemplate mongo) {
        return new WalletStore(mongo);
    }

    @Bean
    Wallets wallets(WalletStore store, Clock clock, MeterRegistry meters,
                    @Value("${vendstream.wallet.max-pin-attempts:5}") int maxPinAttempts,
                    @Value("${vendstream.wallet.lock-duration:PT30M}") Duration lockFor) {
        // BCrypt cost 10: about 50-100 ms a check, slow enough to make a stolen hash of a 4-digit PIN costly.
        return new Wallets(store, new BCryptPasswordEncoder(10), clock, maxPinAttempts, lockFor, meters);
    }

    @Bean
    WalletTransfers walletTransfers(ReactiveMongoTemplate mongo, WalletStore store, Wallets wallets, Clock clock) {
        return new WalletTransfers(mongo, store, wallets, clock);
    }

    /** The port the orders and the wallet API use; the pieces above are beans of their own for tests to replace. */
    @Bean
    WalletLedger walletLedger(WalletStore store, Wallets wallets, WalletTransfers transfers) {
        return new MongoWalletLedger(store, wallets, transfers);
    }

    @Bean
    OrderTransitions orderTransitions(OrderStore store, WalletLedger wallets, Clock clock) {
        return new OrderTransitions(store, wallets, clock);
    }

    /**
     * Null (no mobile-money payment) unless a mobile-money gateway is configured: a {@link MobileMoneyGateway}
     * bean, or else Dollr's invoice flow ({@link DollrMobileMoney}) when service-kit built its connector
     * ({@code vendstream.providers.dollr.base-url}), keeping its customers in {@link MobileMoneyCustomerStore}.
     * Looked up through ObjectProvider rather than {@code @ConditionalOnBean} because the connector comes
     * from an auto-configuration, which is registered after this class is evaluated. The connector is called
     * behind the providers' guard ({@link #paymentsGuard}).
     */
    @Bean
    MobileMoneyPayments mobileMoneyPayments(OrderStore store, ObjectProvider<MobileMoneyGateway> gateways,
                                            ObjectProvider<MobileMoneyConnector> connectors, ReactiveMongoTemplate mongo,
                                            DollrMobileMoney.Settings dollr, MobileMoneyPayments.Retry retry,
                                            OutboxTrigger relay, MeterRegistry meters, ObservationRegistry observations, Clock clock,
                                            OrderTransitions transitions, GuardSettings paymentsGuard) {
        MobileMoneyGateway gateway = gateways.getIfAvailable();
        if (gateway == null) {
            MobileMoneyConnector connector = connectors.getIfAvailable();
            if (connector == null) {
                return null;
            }
            gateway = new DollrMobileMoney(new GuardedMobileMoney(connector, paymentsGuard,
                    GuardMetrics.of(meters, observations, "payments")),
                    new MobileMoneyCustomerStore(mongo), dollr, clock);
        }
        MobileMoneyPayments payments = new MobileMoneyPayments(store, gateway, relay, meters, clock, retry);
        transitions.usePayouts(payments);
        return payments;
    }

    /**
     * Dollr's invoice-flow settings from {@code vendstream.payments.dollr.*} ({@code fee-bearer},
     * {@code fee-preview}), bound as {@code @ConfigurationProperties} would (relaxed names); none set gives
     * {@link DollrMobileMoney.Settings#defaults()}. A bean, as the {@code @ConfigurationProperties} record was,
     * so a fee bearer other than PAYEE or PAYER stops the start even where Dollr is not configured.
     */
    @Bean
    static DollrMobileMoney.Settings dollrSettings(Environment environment) {
        return Binder.get(environment).bind("vendstream.payments.dollr", Bindable.of(DollrMobileMoney.Settings.class))
                .orElseGet(DollrMobileMoney.Settings::defaults);
    }

    /**
     * The providers' guard of the mobile-money calls (vendstream.payments.guard.*; vend-service's defaults): one
     * breaker and bulkhead per provider for every call to it. A collection or payout it keeps back is NOT_SENT
     * (waits and is sent again with the same reference); only "provider down" opens the breaker.
     */
    @Bean
    GuardSettings paymentsGuard(Environment environment) {
        return GuardSettingsBinding.bind(environment, "vendstream.payments.guard", GuardSettings.defaults());
    }

    @Bean
    OrderPlacement orderPlacement(OrderStore store, Catalog catalog, WalletLedger wallets, Merchants merchants,
                                  OutboxTrigger relay, Clock clock, ObjectProvider<MobileMoneyPayments> payments) {
        return new OrderPlacement(store, catalog, wallets, merchants, relay, clock, payments.getIfAvailable());
    }

    /** Final answers about mobile-money collections and payouts (binding paymentResolutions-in-0). */
    @Bean
    Consumer<Message<SpecificRecord>> paymentResolutions(ObjectProvider<MobileMoneyPayments> payments) {
        return message -> {
            MobileMoneyPayments p = payments.getIfAvailable();
            if (p == null) {
                throw new IllegalStateException("A payment resolution arrived but no mobile-money gateway is configured");
            }
            p.apply(Payloads.event(message));
        };
    }

    @Bean
    OrderOutcomes orderOutcomes(OrderStore store, OrderTransitions transitions, OutboxTrigger relay,
                                MeterRegistry meters, Clock clock) {
        return new OrderOutcomes(store, transitions, relay, meters, clock);
    }

    /** Account lookups behind guards of their own (vendstream.order.guard.*), apart from the listings'. */
    @Bean
    AccountVerifier accountVerifier(Catalog catalog, ObjectProvider<VendConnector> connectors, GuardSettings orderGuard,
                                    MeterRegistry meters, ObservationRegistry observations) {
        return new AccountVerifier(catalog, new GuardedConnectors(connectors.orderedStream().toList(), orderGuard,
                GuardMetrics.of(meters, observations, "verify")));
    }

    /**
     * The providers' guards for this service's calls to them (account lookups, catalogue listings):
     * vendstream.order.guard.*, 32 calls per provider waiting at most 1 s for a slot, a circuit open for 30 s at
     * 50 % failures of at least 10 calls.
     */
    @Bean
    GuardSettings orderGuard(Environment environment) {
        return GuardSettingsBinding.bind(environment, "vendstream.order.guard",
                new GuardSettings(32, Duration.ofSeconds(1), Duration.ofSeconds(30), 50, 10));
    }

    @Bean(destroyMethod = "close")
    OrderWaits orderWaits(MeterRegistry meters,
                          @Value("${vendstream.order.waits.max-per-merchant:20}") int maxPerMerchant,
                          @Value("${vendstream.order.waits.read-threads:4}") int readThreads,
                          @Value("${vendstream.order.waits.retry-after:PT5S}") Duration retryAfter) {
        return new OrderWaits(maxPerMerchant, readThreads, retryAfter, meters);
    }

    /** Depends on the stores so that at shutdown it is closed (admitted work finished) before their client is. */
    @Bean(destroyMethod = "close")
    @DependsOn({"orderStore", "walletStore"})
    PlacementAdmission placementAdmission(MeterRegistry meters,
                                          @Value("${vendstream.order.admission.max-in-flight:32}") int maxInFlight,
                                          @Value("${vendstream.order.admission.max-replay-lookups:4}") int replayLookups,
                                          @Value("${vendstream.order.admission.retry-after:PT2S}") Duration retryAfter) {
        return new PlacementAdmission(maxInFlight, replayLookups, retryAfter, meters);
    }

    @Bean
    MerchantAuthFilter merchantAuthFilter(Merchants merchants) {
        return new MerchantAuthFilter(merchants);
    }

    @Bean
    MerchantRateLimit merchantRateLimit(MerchantRateLimit.Settings settings, MeterRegistry meters) {
        return new MerchantRateLimit(settings, meters);
    }

    /** Every request body at most this size (all are small JSON documents): 413 beyond, before it is read whole. */
    @Bean
    RequestSizeLimit requestSizeLimit(@Value("${vendstream.order.max-request-body:16KB}") DataSize maxBody) {
        return new RequestSizeLimit(maxBody.toBytes());
    }

    /**
     * Vend outcomes from vend-service and status-poller (binding vendOutcomes-in-0), a polled batch at a time
     * ({@link OrderOutcomes#applyAll}): the batch returns, and its offsets are committed, once its changes are
     * durable. A failure names the record it stopped at, so the error handler commits the offsets before it
     * and tries again from it, or dead-letters that record (service-kit's rules), as for single records.
     */
    @Bean
    Consumer<Message<List<Object>>> vendOutcomes(OrderOutcomes outcomes) {
        return message -> Payloads.events(message).process(outcomes::applyAll);
    }

    @Bean
    Recovery recovery(OrderPlacement placement, OrderOutcomes outcomes, WalletLedger wallets,
                      @Value("${vendstream.order.recovery-after:PT30S}") Duration after) {
        return new Recovery(placement, outcomes, wallets, after);
    }

    /** Orders by state for the back office's live view (gauge vendstream.order.state). */
    @Bean
    OrderCensus orderCensus(OrderStore orders, MeterRegistry meters, Clock clock,
                            @Value("${vendstream.order.state-count-final-window:PT24H}") Duration finalWindow) {
        return new OrderCensus(orders, meters, clock, finalWindow);
    }

    @Bean
    StuckWork stuckWork(OrderStore orders, WalletLedger wallets, MeterRegistry meters, Clock clock,
                        @Value("${vendstream.order.stuck-after:PT2H}") Duration stuckAfter) {
        return new StuckWork(orders, wallets, meters, clock, stuckAfter);
    }

    /**
     * Indexes, the conversion of wallets from before the short memory, and the configured wallets, before
     * anything can move money: a lifecycle of the earliest phase starts before the Kafka bindings and the
     * web server (later phases), and scheduled tasks such as {@link Recovery} start only after every
     * lifecycle (on the refresh event). Not on ApplicationReadyEvent, which comes after all of them.
     */
    @Bean
    SmartLifecycle storePreparation(OrderStore orders, WalletLedger wallets, MerchantProperties merchants) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                orders.ensureIndexes();
                wallets.prepare();
                merchants.merchants().forEach(m -> m.wallets().forEach(w ->
                        wallets.createIfAbsent(w.id(), m.id(), w.ownerType() == null ? "MERCHANT" : w.ownerType(),
                                w.currency(), w.openingBalanceMinor(), w.pinHash())));
                running = true;
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MIN_VALUE;
            }
        };
    }

    /**
     * Finishes what a crash interrupted: orders stored but not charged, refunds begun but not made,
     * top-ups debited from the float but not yet credited (or stored but not yet debited); and asks again
     * about orders waiting on vend-service or status-poller that have heard nothing for a while.
     */
    public static class Recovery {
        private final OrderPlacement placement;
        private final OrderOutcomes outcomes;
        private final WalletLedger wallets;
        private final Duration after;

        Recovery(OrderPlacement placement, OrderOutcomes outcomes, WalletLedger wallets, Duration after) {
            this.placement = placement;
            this.outcomes = outcomes;
            this.wallets = wallets;
            this.after = after;
        }

        @Scheduled(fixedDelayString = "${vendstream.order.recovery-interval:PT15S}")
        public void run() {
            placement.recover(after);
            outcomes.recover(after);
            outcomes.remindVends();
            wallets.recoverTopUps(after);
        }
    }
}
