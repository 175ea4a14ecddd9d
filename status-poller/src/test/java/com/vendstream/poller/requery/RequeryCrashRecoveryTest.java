package com.vendstream.poller.requery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PendingReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.poller.payment.PaymentResolutions;
import com.vendstream.poller.payment.PaymentPendings;
import com.vendstream.poller.schedule.RequerySchedule;
import com.vendstream.poller.schedule.Schedules;
import com.vendstream.poller.vend.VendPendings;
import com.vendstream.poller.vend.VendProber;
import com.vendstream.poller.vend.VendResolutions;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.testkit.MongoFixture;
import com.vendstream.testkit.ScriptedConnector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A crash of status-poller (or of a consumer downstream of it) at each step, and what drives the
 * operation on: the engine on a MongoDB wire store, providers answering from a script.
 */
class RequeryCrashRecoveryTest {

    private static final Owner VEND_OUTCOMES = new Owner("vendstream.vend.outcomes", 3);
    private static final Owner PAYMENTS = new Owner("vendstream.payments", 3);
    /** Requery every 200 ms; deadline 30 min; nothing after a final answer. */
    private static final RequerySchedule FAST = new RequerySchedule(
            List.of(new RequerySchedule.Step(Duration.ofMillis(200), null)), Duration.ofMinutes(30),
            Duration.ofMinutes(30), 0, null, null, null, 0, null);

    private final MongoFixture mongo = new MongoFixture("poller");
    private final RequeryStore store = new RequeryStore(mongo.template);
    private final DueTimers timers = new DueTimers(Clock.systemUTC(), 2);
    private final Schedules schedules = new Schedules(Map.of(Schedules.DEFAULT, FAST));
    private final List<Instant> probes = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private volatile Function<Requery, Answer> provider = r -> pending();
    private final RequeryEngine engine = new RequeryEngine(store, timers, schedules,
            Map.of(Kind.VEND, this::probe, Kind.COLLECTION, this::probe, Kind.PAYOUT, this::probe),
            Map.of(Kind.VEND, new VendResolutions(), Kind.COLLECTION, new PaymentResolutions(schedules),
                    Kind.PAYOUT, new PaymentResolutions(schedules)),
            (collection, id) -> { }, meters, Clock.systemUTC(), new Random(1),
            Duration.ofSeconds(5), "after-restart");

    {
        store.ensureIndexes();
    }

    @AfterEach
    void close() {
        timers.shutdown();
        mongo.close();
    }

    private Answer probe(Requery r) {
        probes.add(Instant.now());
        return provider.apply(r);
    }

    private static Answer pending() {
        return new Answer.NoAnswer("099", "processing", false);
    }

    private static Answer delivered() {
        return new Answer.Final(true, "000", "delivered",
                new VendOutcome.Succeeded("000", "tx-1", "1234-5678", null, List.of(), Map.of(), null));
    }

    @Test
    void aVendPendingConsumedButNeverScheduledGetsItsScheduleWhenItComesAgain() {
        timers.assigned(List.of(VEND_OUTCOMES), engine::scheduledFor);
        provider = r -> delivered();
        // Consumed, but its schedule never written (dead-lettered while the store was down): nothing here.
        // vend-service, asked again by order-service, publishes the same VendPending again.
        Instant wentPending = Instant.now().minus(Duration.ofMinutes(12));
        VendPending again = vendPending("o-1", wentPending);
        assertThat(engine.accept(VendPendings.toRequery(again, VEND_OUTCOMES))).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-1").state() == State.SUCCEEDED);
        Requery r = schedule("VEND:o-1");
        assertThat(r.firstPendingAt()).as("its deadline counts from when it went pending")
                .isEqualTo(wentPending.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(types(outbox("VEND:o-1"))).containsExactly("VendSucceeded");
        // And should the first delivery be redelivered after all, it finds the schedule.
        assertThat(engine.accept(VendPendings.toRequery(again, VEND_OUTCOMES))).isFalse();
        assertThat(probes).hasSize(1);
    }

    @Test
    void aResolutionPublishedButLostDownstreamIsPublishedAgainWhenThePendingIsRepeated() {
        timers.assigned(List.of(VEND_OUTCOMES), engine::scheduledFor);
        provider = r -> delivered();
        VendPending pending = vendPending("o-2", Instant.now());
        engine.accept(VendPendings.toRequery(pending, VEND_OUTCOMES));
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-2").state() == State.SUCCEEDED);
        SpecificRecord resolution = outbox("VEND:o-2").get(0);
        // Relayed, but order-service never folded it (say it was dead-lettered): the order still waits.
        relayed("VEND:o-2");

        // The order asks again; vend-service answers with the same VendPending, twice.
        assertThat(engine.accept(VendPendings.toRequery(pending, VEND_OUTCOMES))).isFalse();
        engine.accept(VendPendings.toRequery(pending, VEND_OUTCOMES));

        assertThat(outbox("VEND:o-2")).as("the same event, once while it waits").containsExactly(resolution);
        assertThat(probes).as("no requery for it").hasSize(1);
    }

    @Test
    void anEscalationPublishedButLostIsPublishedAgainWhenThePendingIsRepeated() {
        timers.assigned(List.of(PAYMENTS), engine::scheduledFor);
        // A collection pending past its deadline: the first requery without an answer escalates it.
        PaymentPending pending = paymentPending("o-3", "ref-3", Instant.now().minus(Duration.ofHours(1)));
        engine.accept(PaymentPendings.toRequery(pending, PAYMENTS));
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("COLLECTION:ref-3").state() == State.ESCALATED);
        assertThat(types(outbox("COLLECTION:ref-3"))).containsExactly("PaymentUnresolved");
        SpecificRecord unresolved = outbox("COLLECTION:ref-3").get(0);
        relayed("COLLECTION:ref-3");

        engine.accept(PaymentPendings.toRequery(pending, PAYMENTS));

        assertThat(outbox("COLLECTION:ref-3")).containsExactly(unresolved);
    }

    @Test
    void aPendingNotYetAnsweredIsRepeatedWithoutPublishingAnything() {
        // Not owned here: no timer, so the schedule stays as written.
        VendPending pending = vendPending("o-4", Instant.now());
        engine.accept(VendPendings.toRequery(pending, VEND_OUTCOMES));
        engine.accept(VendPendings.toRequery(pending, VEND_OUTCOMES));

        assertThat(outbox("VEND:o-4")).isEmpty();
        assertThat(probes).isEmpty();
    }

    @Test
    void aPollerThatDiedMidRequeryLeavesALeaseThatTheNextOwnerWaitsOutThenRequeries() {
        provider = r -> delivered();
        VendPending pending = vendPending("o-5", Instant.now().minus(Duration.ofMinutes(1)));
        engine.accept(VendPendings.toRequery(pending, VEND_OUTCOMES));
        // The instance that owned the partition claimed the requery and died during the provider call.
        Instant leaseEnds = Instant.now().plus(Duration.ofSeconds(1));
        assertThat(store.claim("VEND:o-5", Instant.now(), Duration.ofMinutes(1), leaseEnds, "dead-token", "dead"))
                .isPresent();

        // The partition is assigned to this instance after the rebalance.
        timers.assigned(List.of(VEND_OUTCOMES), engine::scheduledFor);

        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-5").state() == State.SUCCEEDED);
        assertThat(probes).hasSize(1);
        assertThat(probes.get(0)).as("never while the dead holder's lease ran").isAfterOrEqualTo(leaseEnds);
        assertThat(types(outbox("VEND:o-5"))).containsExactly("VendSucceeded");
    }

    @Test
    void aRequeryTheGuardsKeepBackWaitsTheirRetryAfterAndIsCountedKeptBackNotThrottled() {
        // vtpass's requery circuit is open (for a minute): the guards keep the requery from leaving.
        VendProber prober = behindAnOpenCircuit();
        provider = prober::probe;
        timers.assigned(List.of(VEND_OUTCOMES), engine::scheduledFor);

        engine.accept(VendPendings.toRequery(vendPending("o-6", Instant.now()), VEND_OUTCOMES));

        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-6").attempts() == 1);
        Requery r = schedule("VEND:o-6");
        assertThat(r.nextDueAt()).as("asked again once the circuit may let it through, not after a 429 pause")
                .isAfterOrEqualTo(probes.get(0).plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MILLIS));
        assertThat(r.throttles()).as("the provider throttled nothing").isZero();
        assertThat(meters.find("vendstream.poller.requeries").tag("answer", "kept_back").counter())
                .isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
        assertThat(meters.find("vendstream.poller.throttled").counter()).isNull();
    }

    @Test
    void aDeadlineThatComesWhileTheProviderIsPausedEscalatesOnTimeWithoutACall() {
        // Deadline 1.5 s after the pending event; vtpass's requery circuit is open for a minute.
        RequerySchedule shortDeadline = new RequerySchedule(List.of(new RequerySchedule.Step(Duration.ofMillis(200),
                null)), Duration.ofMillis(1500), Duration.ofMinutes(30), 0, null, null, null, 0, null);
        VendProber prober = behindAnOpenCircuit();
        DueTimers ownTimers = new DueTimers(Clock.systemUTC(), 2);
        try {
            RequeryEngine paused = new RequeryEngine(store, ownTimers,
                    new Schedules(Map.of(Schedules.DEFAULT, shortDeadline)), Map.of(Kind.VEND, prober::probe),
                    Map.of(Kind.VEND, new VendResolutions()), (collection, id) -> { }, meters, Clock.systemUTC(),
                    new Random(1), Duration.ofSeconds(5), "paused");
            ownTimers.assigned(List.of(VEND_OUTCOMES), paused::scheduledFor);

            paused.accept(VendPendings.toRequery(vendPending("o-7", Instant.now()), VEND_OUTCOMES));

            // Before: the kept-back requery was next due when the circuit might let it through, a minute on, and
            // the escalation waited for it.
            await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-7").state() == State.ESCALATED);
            Requery r = schedule("VEND:o-7");
            assertThat(r.escalatedAt()).isBefore(r.deadlineAt().plusSeconds(5));
            assertThat(types(outbox("VEND:o-7"))).containsExactly("VendUnresolved");
            assertThat(meters.find("vendstream.poller.requeries.skipped").counter()).isNotNull()
                    .satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(1.0));
        } finally {
            ownTimers.shutdown();
        }
    }

    /** vtpass's requery circuit is open for a minute: the guards keep every requery from leaving. */
    private static VendProber behindAnOpenCircuit() {
        ScriptedConnector vtpass = new ScriptedConnector("vtpass").onRequery((c, n) -> {
            throw new AssertionError("kept back: never asked");
        });
        GuardedConnectors guards = new GuardedConnectors(List.of(vtpass),
                new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4));
        guards.breaker("vtpass").transitionToOpenState();
        return new VendProber(guards);
    }

    private Requery schedule(String id) {
        return store.find(id).orElseThrow();
    }

    private List<SpecificRecord> outbox(String id) {
        return schedule(id).outbox().stream().map(OutboxEntry::event).toList();
    }

    private static List<String> types(List<SpecificRecord> events) {
        return events.stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    /** What the outbox relay does once it published: the outbox is emptied. */
    private void relayed(String id) {
        Mono.from(mongo.template.getCollection(RequeryStore.COLLECTION).block()
                .updateOne(new Document("_id", id), new Document("$set", new Document(Outbox.FIELD, List.of()))))
                .block();
    }

    private static VendPending vendPending(String orderId, Instant at) {
        String reference = "ref-" + orderId;
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendPending", reference), VendPending.class, orderId,
                at, LocalDate.now(), "m1", "vend-service", orderId, null);
        Money amount = new Money(50_000L, "NGN");
        return VendPending.newBuilder().setEnvelope(e)
                .setVend(VendRef.newBuilder().setProvider("vtpass").setProviderReference(reference).build())
                .setAmount(amount).setReason(PendingReason.IN_FLIGHT_AT_RESTART)
                .setLine(OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId("MTN")
                        .setAccount("08011111111").setAmount(amount).build()).build();
    }

    private static PaymentPending paymentPending(String orderId, String referenceId, Instant at) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "PaymentPending", referenceId), PaymentPending.class,
                orderId, at, LocalDate.now(), "m1", "order-service", orderId, null);
        return PaymentPending.newBuilder().setEnvelope(e).setProvider("dollr").setKind(PaymentKind.COLLECTION)
                .setReferenceId(referenceId).setAmount(new Money(100_000L, "LRD")).build();
    }
}
