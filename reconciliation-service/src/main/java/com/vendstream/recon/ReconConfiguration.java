package com.vendstream.recon;

import com.vendstream.kit.deadletter.Payloads;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.kit.providers.GuardSettingsBinding;
import com.vendstream.providers.DayReports;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.guard.GuardMetrics;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.providers.guard.GuardedMobileMoney;
import com.vendstream.recon.access.FinanceUsers;
import com.vendstream.recon.api.FinanceAuthFilter;
import com.vendstream.recon.day.BusinessCalendar;
import com.vendstream.recon.day.DayClosing;
import com.vendstream.recon.day.DayStore;
import com.vendstream.recon.day.EventIntake;
import com.vendstream.recon.discrepancy.DiscrepancyHandling;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import com.vendstream.recon.discrepancy.Matching;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.recon.ledger.LedgerStore;
import com.vendstream.recon.providerreport.ConnectorPaymentRecords;
import com.vendstream.recon.providerreport.ConnectorProviderRecords;
import com.vendstream.recon.providerreport.PaymentRecords;
import com.vendstream.recon.providerreport.ProviderDayReport;
import com.vendstream.recon.providerreport.ProviderRecords;
import com.vendstream.recon.providerreport.ReportedTransactions;
import java.util.ArrayList;
import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.messaging.Message;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

@Configuration
@EnableScheduling
@EnableConfigurationProperties(ReconProperties.class)
public class ReconConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ReconConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    FactStore factStore(ReactiveMongoTemplate mongo) {
        return new FactStore(mongo);
    }

    @Bean
    LedgerStore ledgerStore(ReactiveMongoTemplate mongo) {
        return new LedgerStore(mongo);
    }

    @Bean
    DiscrepancyStore discrepancyStore(ReactiveMongoTemplate mongo) {
        return new DiscrepancyStore(mongo);
    }

    @Bean
    DiscrepancyHandling discrepancyHandling(DiscrepancyStore store, OutboxTrigger relay, Clock clock) {
        return new DiscrepancyHandling(store, relay, clock);
    }

    @Bean
    DayStore dayStore(ReactiveMongoTemplate mongo) {
        return new DayStore(mongo);
    }

    @Bean
    BusinessCalendar businessCalendar(ReconProperties properties) {
        Map<String, ZoneId> zones = new HashMap<>();
        properties.merchants().forEach((id, m) -> {
            if (m.timeZone() != null) {
                zones.put(id, m.timeZone());
            }
        });
        return new BusinessCalendar(properties.defaultTimeZone(), zones);
    }

    /** Connectors and day reports are optional beans: a provider without either is reported unavailable. */
    @Bean
    @ConditionalOnMissingBean(ProviderRecords.class)
    ProviderRecords providerRecords(ObjectProvider<VendConnector> connectors, ObjectProvider<ProviderDayReport> reports,
                                    ReconProperties properties, GuardSettings guard, MeterRegistry meters, ObservationRegistry observations) {
        List<VendConnector> all = connectors.orderedStream().toList();
        List<ProviderDayReport> dayReports = new ArrayList<>(reports.orderedStream().toList());
        GuardedConnectors guarded = new GuardedConnectors(all, guard, GuardMetrics.of(meters, observations, "day-report"));
        for (VendConnector c : all) {
            // A provider that lists a whole day (Pagamio) is matched on it; the others are requeried one by one.
            if (c instanceof DayReports d && dayReports.stream().noneMatch(r -> r.provider().equals(d.id()))) {
                dayReports.add(ReportedTransactions.guarded(d, guarded));
            }
        }
        return new ConnectorProviderRecords(all, dayReports, properties.maxRequeriesPerProvider());
    }

    /** The providers' guards for day reports (vendstream.recon.guard.*; vend-service's defaults). */
    @Bean
    GuardSettings providerGuard(Environment environment) {
        return GuardSettingsBinding.bind(environment, "vendstream.recon.guard", GuardSettings.defaults());
    }

    /**
     * Mobile-money status lookups through the MobileMoneyConnector beans: service-kit's
     * ConnectorConfiguration builds Dollr's from {@code vendstream.providers.dollr.*} when its base URL is
     * set, as it builds the vend connectors; none otherwise (payments are then reported unmatched, never
     * guessed). Each behind the providers' guard (vendstream.recon.guard.*): a lookup it keeps back is
     * PENDING, as any lookup that got no answer.
     */
    @Bean
    @ConditionalOnMissingBean(PaymentRecords.class)
    PaymentRecords paymentRecords(ObjectProvider<MobileMoneyConnector> connectors, GuardSettings guard,
                                  MeterRegistry meters, ObservationRegistry observations) {
        List<GuardedMobileMoney> all = connectors.orderedStream()
                .map(c -> new GuardedMobileMoney(c, guard, GuardMetrics.of(meters, observations, "payment-status"))).toList();
        return all.isEmpty() ? PaymentRecords.NONE : new ConnectorPaymentRecords(all);
    }

    @Bean
    Matching matching(FactStore facts, ProviderRecords providers, PaymentRecords payments, DiscrepancyStore store,
                      OutboxTrigger relay, Clock clock) {
        return new Matching(facts, providers, payments, store, relay, clock);
    }

    @Bean
    DayClosing dayClosing(FactStore facts, LedgerStore ledgers, DayStore days, Matching matching,
                          BusinessCalendar calendar, OutboxTrigger relay, MeterRegistry meters, Clock clock) {
        return new DayClosing(facts, ledgers, days, matching, calendar, relay, meters, clock);
    }

    @Bean
    EventIntake eventIntake(FactStore facts, DayClosing closing, MeterRegistry meters) {
        return new EventIntake(facts, closing, meters);
    }

    /** Order lifecycle: debits (accepted), kept (completed), refunds (binding reconOrders-in-0). */
    @Bean
    Consumer<Message<List<Object>>> reconOrders(EventIntake intake) {
        return batches(intake);
    }

    /** Vend outcomes and resolutions (binding reconVends-in-0). */
    @Bean
    Consumer<Message<List<Object>>> reconVends(EventIntake intake) {
        return batches(intake);
    }

    /** Mobile-money collections and payouts (binding reconPayments-in-0). */
    @Bean
    Consumer<Message<List<Object>>> reconPayments(EventIntake intake) {
        return batches(intake);
    }

    /**
     * A polled batch at a time ({@link EventIntake#acceptAll}): the listener returns, and the batch's offsets
     * are committed, once its facts are durable. A failure names the record it stopped at, so the error
     * handler commits the offsets before it and tries again from it, or dead-letters that record alone
     * (service-kit's rules), as it did for single records.
     */
    private static Consumer<Message<List<Object>>> batches(EventIntake intake) {
        return message -> Payloads.events(message).process(intake::acceptAll);
    }

    @Bean
    FinanceUsers financeUsers(ReconProperties properties) {
        FinanceUsers users = new FinanceUsers(properties.users().stream()
                .map(u -> new FinanceUsers.Entry(u.name(), u.tokenSha256(), u.roles(), u.actsForOthers())).toList());
        if (users.isEmpty()) {
            log.warn("No reconciliation users configured (vendstream.recon.users): the HTTP API refuses every request");
        }
        return users;
    }

    @Bean
    FinanceAuthFilter financeAuthFilter(FinanceUsers users) {
        return new FinanceAuthFilter(users);
    }

    @Bean
    Schedule reconSchedule(DayClosing closing, ReconProperties properties) {
        return new Schedule(closing, properties);
    }

    @EventListener(ApplicationReadyEvent.class)
    void prepareStore(ApplicationReadyEvent ready) {
        var ctx = ready.getApplicationContext();
        ctx.getBean(FactStore.class).ensureIndexes();
        ctx.getBean(LedgerStore.class).ensureIndexes();
        ctx.getBean(DiscrepancyStore.class).ensureIndexes();
    }

    /** Closes finished days and rematches recent ones on a schedule; the HTTP close is the manual path. */
    public static class Schedule {
        private final DayClosing closing;
        private final ReconProperties properties;

        Schedule(DayClosing closing, ReconProperties properties) {
            this.closing = closing;
            this.properties = properties;
        }

        @Scheduled(fixedDelayString = "${vendstream.recon.auto-close.interval:PT5M}",
                initialDelayString = "${vendstream.recon.auto-close.interval:PT5M}")
        public void autoClose() {
            // Closes cut short by a crash are finished whether days close on a schedule or by hand.
            closing.finishInterrupted(properties.finishInterruptedAfter());
            if (properties.autoClose().enabled()) {
                var closed = closing.autoClose(properties.autoClose().grace());
                if (!closed.isEmpty()) {
                    log.info("Closed business days {} on schedule", closed);
                }
            }
        }

        @Scheduled(fixedDelayString = "${vendstream.recon.rematch.interval:PT30M}",
                initialDelayString = "${vendstream.recon.rematch.interval:PT30M}")
        public void rematch() {
            if (properties.rematch().enabled()) {
                closing.rematchRecent(properties.rematch().window(), properties.rematch().unansweredWindow());
            }
        }
    }
}
