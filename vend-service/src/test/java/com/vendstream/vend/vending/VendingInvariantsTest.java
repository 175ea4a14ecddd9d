package com.vendstream.vend.vending;

import com.vendstream.testkit.MongoFixture;
import com.vendstream.testkit.ScriptedConnector;
import org.threeten.extra.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRequested;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.providers.pagamio.PagamioCodes;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.vend.attempt.VendAttempt;
import com.vendstream.vend.attempt.VendAttemptStore;
import com.vendstream.vend.routing.Router;
import com.vendstream.vend.routing.RoutingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * Invariants 1 and 2 at vend-service's core, on a MongoDB wire store: at most one provider vend
 * per order, whatever the redeliveries, races and crashes; doubt becomes pending, never a re-vend.
 * The providers here are test doubles that count calls (the Kafka-level tests use the sandbox).
 */
class VendingInvariantsTest {

    private final MongoFixture fixture = new MongoFixture("vendstream");
    private final ReactiveMongoTemplate mongo = fixture.template;
    private final VendAttemptStore store = new VendAttemptStore(mongo);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        fixture.close();
    }

    /** A provider double answering every vend with {@code answer} (the test kit's, recording every vend). */
    private static ScriptedConnector provider(String id, Function<VendCommand, VendOutcome> answer) {
        return new ScriptedConnector(id).onVend((command, call) -> answer.apply(command));
    }

    /** The references {@code provider} was asked to vend under. */
    private static Set<String> references(ScriptedConnector provider) {
        return provider.vended.stream().map(VendCommand::reference).collect(Collectors.toSet());
    }

    private Vending vending(Duration lease, VendConnector... providers) {
        return vending(Clock.systemUTC(), lease, providers);
    }

    private Vending vending(Clock clock, Duration lease, VendConnector... providers) {
        return vending(clock, lease, 20, providers);
    }

    private Vending vending(Clock clock, Duration lease, int maxDeferrals, VendConnector... providers) {
        GuardedConnectors guarded = new GuardedConnectors(List.of(providers), 16, Duration.ofMinutes(1), 50, 4);
        List<String> ids = new ArrayList<>();
        for (VendConnector p : providers) {
            ids.add(p.id());
        }
        Router router = new Router(new RoutingProperties(List.of(new RoutingProperties.Route("AIRTIME", null, ids))),
                guarded.ids());
        store.ensureIndexes();
        return new Vending(store, guarded, router, (c, id) -> { }, meters, clock, lease, Duration.ofSeconds(1),
                Duration.ofMinutes(30), maxDeferrals);
    }

    private static VendOutcome success(VendCommand c) {
        return new VendOutcome.Succeeded("000", "tx-" + c.reference(), null, null, List.of(), Map.of(), null);
    }

    private static VendRequested request(String orderId) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendRequested", null), VendRequested.class, orderId,
                Instant.now(), LocalDate.now(), "m1", "order-service", orderId, null);
        return VendRequested.newBuilder().setEnvelope(e).setLine(OrderLine.newBuilder()
                .setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount("08011111111")
                .setAmount(new Money(50_000L, "NGN")).build()).build();
    }

    @Test
    void redeliveriesAndRacingInstancesVendOnce() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        ScriptedConnector provider = provider("vtpass", c -> {
            try {
                slow.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return success(c);
        });
        Vending vending = vending(Duration.ofMinutes(2), provider);
        VendRequested request = request("order-1");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Object>> deliveries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            deliveries.add(() -> {
                vending.handle(request);
                return null;
            });
        }
        var futures = new ArrayList<java.util.concurrent.Future<Object>>();
        for (Callable<Object> d : deliveries) {
            futures.add(pool.submit(d));
        }
        slow.countDown();
        for (var fut : futures) {
            fut.get(10, TimeUnit.SECONDS);
        }
        vending.handle(request);
        pool.shutdown();
        assertThat(provider.vended).hasSize(1);
        assertThat(outboxTypes("order-1")).containsExactly("VendSucceeded");
    }

    @Test
    void anAttemptLeftInFlightByACrashIsHandedToRequeryNeverResent() {
        ScriptedConnector provider = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(Duration.ofMillis(1), provider);
        // The state a crash leaves: claimed and (perhaps) sent, but never settled.
        VendRequested request = request("order-2");
        insert(new Document("_id", "order-2").append("state", "SENDING").append("provider", "vtpass")
                .append("reference", "vtpass-crashed").append("request", new Binary(EventCodec.encode(request)))
                .append("leaseUntil", new java.util.Date(0)).append("outbox", List.of()));

        vending.handle(request);
        assertThat(vending.expireLeases()).isEqualTo(1);
        vending.handle(request);

        assertThat(provider.vended).isEmpty();
        VendAttempt attempt = store.find("order-2").orElseThrow();
        assertThat(attempt.state()).isEqualTo(VendAttempt.State.PENDING);
        List<SpecificRecord> events = outbox("order-2");
        assertThat(events).hasSize(1);
        VendPending pending = (VendPending) events.get(0);
        assertThat(pending.getVend().getProviderReference()).isEqualTo("vtpass-crashed");
        assertThat(pending.getReason().name()).isEqualTo("IN_FLIGHT_AT_RESTART");
    }

    @Test
    void doubtIsPendingAndNeverFailsOver() {
        ScriptedConnector timesOut = provider("vtpass",
                c -> VendOutcome.pending(PendingCause.TIMEOUT, null, "read timed out"));
        ScriptedConnector backup = provider("pay4power", VendingInvariantsTest::success);
        Vending vending = vending(Duration.ofMinutes(2), timesOut, backup);
        vending.handle(request("order-3"));
        assertThat(timesOut.vended).hasSize(1);
        assertThat(backup.vended).isEmpty();
        assertThat(outboxTypes("order-3")).containsExactly("VendPending");
    }

    @Test
    void anAnswerThatNeedsAPersonStaysPendingForRequeryNeverRefundedNorSentElsewhere() {
        // Pagamio's 409 as its code table reads it: duplicate merchantReference with different content (MANUAL).
        ScriptedConnector duplicate = provider("pagamio", c -> PagamioCodes.TABLE.outcome("409", null, null, r -> null));
        ScriptedConnector backup = provider("pay4power", VendingInvariantsTest::success);
        Vending vending = vending(Duration.ofMinutes(2), duplicate, backup);
        vending.handle(request("order-manual"));
        vending.handle(request("order-manual"));

        assertThat(duplicate.vended).hasSize(1);
        assertThat(backup.vended).as("not sent elsewhere: the first may stand").isEmpty();
        assertThat(store.find("order-manual").orElseThrow().state()).isEqualTo(VendAttempt.State.PENDING);
        assertThat(outbox("order-manual")).singleElement().isInstanceOfSatisfying(VendPending.class, p -> {
            assertThat(p.getProviderCode()).isEqualTo("409");
            assertThat(p.getVend().getProvider()).isEqualTo("pagamio");
        });
        assertThat(meters.find("vendstream.vend.needs_person").tag("code", "409").counter()).isNotNull()
                .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
    }

    @Test
    void aFailureBeforeProcessingFailsOverToTheNextProvider() {
        ScriptedConnector refused = provider("vtpass",
                c -> new VendOutcome.Failed(null, FailureClass.DECLINED_BY_PROVIDER, "connection refused", true));
        ScriptedConnector backup = provider("pay4power", VendingInvariantsTest::success);
        Vending vending = vending(Duration.ofMinutes(2), refused, backup);
        vending.handle(request("order-4"));
        assertThat(backup.vended).hasSize(1);
        VendAttempt attempt = store.find("order-4").orElseThrow();
        assertThat(attempt.provider()).isEqualTo("pay4power");
        assertThat(attempt.previous()).hasSize(1);
        assertThat(outboxTypes("order-4")).containsExactly("VendSucceeded");
    }

    @Test
    void anExplicitProviderFailureFailsTheVendWithoutFailover() {
        ScriptedConnector declines = provider("vtpass",
                c -> new VendOutcome.Failed("016", FailureClass.DECLINED_BY_PROVIDER, "TRANSACTION FAILED", false));
        ScriptedConnector backup = provider("pay4power", VendingInvariantsTest::success);
        Vending vending = vending(Duration.ofMinutes(2), declines, backup);
        vending.handle(request("order-5"));
        assertThat(backup.vended).isEmpty();
        assertThat(outboxTypes("order-5")).containsExactly("VendFailed");
    }

    @Test
    void anOpenCircuitOnOneProviderLeavesAnotherUnaffected() {
        ScriptedConnector down = provider("vtpass",
                c -> VendOutcome.pending(PendingCause.SERVER_ERROR, "502", "bad gateway"));
        ScriptedConnector healthy = provider("pagamio", VendingInvariantsTest::success);
        GuardedConnectors guarded = new GuardedConnectors(List.of(down, healthy), 16, Duration.ofMinutes(1), 50, 4);
        for (int i = 0; i < 4; i++) {
            guarded.vend("vtpass", command());
        }
        assertThat(guarded.breaker("vtpass").getState().name()).isEqualTo("OPEN");
        VendOutcome refused = guarded.vend("vtpass", command());
        assertThat(refused).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.CIRCUIT_OPEN));
        assertThat(down.vended).hasSize(4);
        assertThat(guarded.vend("pagamio", command())).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(guarded.breaker("pagamio").getState().name()).isEqualTo("CLOSED");
    }

    private static VendCommand command() {
        return new VendCommand("ref-" + UUID.randomUUID(), ServiceType.AIRTIME, "MTN", null, "08011111111", null,
                50_000, "NGN", 1, null, null);
    }

    private List<SpecificRecord> outbox(String orderId) {
        Document doc = Mono.from(mongo.getCollection(VendAttemptStore.COLLECTION).block()
                .find(new Document("_id", orderId)).first()).block();
        List<SpecificRecord> events = new ArrayList<>();
        for (Document entry : doc.getList("outbox", Document.class)) {
            events.add(EventCodec.decode(entry.getString("type"), entry.get("payload", Binary.class).getData()));
        }
        return events;
    }

    private List<String> outboxTypes(String orderId) {
        return outbox(orderId).stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    // ---- vends that were not sent: they wait, they are never refunded for it (issue 11, items 5 and 16) ----

    /** Answers from a script, one per call; the last answer repeats. */
    @SafeVarargs
    private static Function<VendCommand, VendOutcome> script(Function<VendCommand, VendOutcome>... answers) {
        AtomicInteger next = new AtomicInteger();
        return c -> answers[Math.min(next.getAndIncrement(), answers.length - 1)].apply(c);
    }

    private static Function<VendCommand, VendOutcome> notSent(VendOutcome.NotSentReason reason, Duration retryAfter) {
        return c -> new VendOutcome.NotSent("019", reason, "not sent", retryAfter);
    }

    @Test
    void aVendLocallyThrottledWithNoOtherProviderWaitsAndIsSentLaterUnderANewReference() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector only = provider("pagamio",
                script(notSent(VendOutcome.NotSentReason.LOCAL_RATE_LIMIT, Duration.ofSeconds(20)),
                        VendingInvariantsTest::success));
        Vending vending = vending(clock, Duration.ofMinutes(2), only);
        vending.handle(request("order-ns1"));

        VendAttempt parked = store.find("order-ns1").orElseThrow();
        assertThat(parked.state()).isEqualTo(VendAttempt.State.DEFERRED);
        assertThat(outboxTypes("order-ns1")).isEmpty();
        assertThat(vending.retryDeferred(Runnable::run)).as("not due yet").isZero();
        assertThat(vending.expireLeases()).as("a parked vend is not in flight").isZero();

        // The wait plus its jitter (at most a quarter more).
        clock.add(Duration.ofSeconds(26));
        assertThat(vending.retryDeferred(Runnable::run)).isEqualTo(1);

        assertThat(outboxTypes("order-ns1")).containsExactly("VendSucceeded");
        assertThat(only.vended).hasSize(2);
        assertThat(references(only)).as("each send under its own reference").hasSize(2);
        VendAttempt settled = store.find("order-ns1").orElseThrow();
        assertThat(settled.previous()).extracting(VendAttempt.Tried::reference).containsExactly(parked.reference());
    }

    @Test
    void vtpassDuplicateWindowIsWaitedOutAtVtpassAndNeverFailsOver() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector vtpass = provider("vtpass",
                script(notSent(VendOutcome.NotSentReason.ACCOUNT_WINDOW, Duration.ofSeconds(35)),
                        VendingInvariantsTest::success));
        ScriptedConnector pay4power = provider("pay4power", VendingInvariantsTest::success);
        Vending vending = vending(clock, Duration.ofMinutes(2), vtpass, pay4power);
        vending.handle(request("order-ns2"));
        assertThat(pay4power.vended).as("another provider would vend the same number again at once").isEmpty();

        clock.add(Duration.ofSeconds(45));
        vending.retryDeferred(Runnable::run);

        assertThat(vtpass.vended).hasSize(2);
        assertThat(pay4power.vended).isEmpty();
        assertThat(outboxTypes("order-ns2")).containsExactly("VendSucceeded");
        assertThat(store.find("order-ns2").orElseThrow().provider()).isEqualTo("vtpass");
    }

    @Test
    void aVendThatIsNeverSentFailsOnlyAfterGivingUp() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector vtpass = provider("vtpass",
                notSent(VendOutcome.NotSentReason.ACCOUNT_WINDOW, Duration.ofMinutes(10)));
        Vending vending = vending(clock, Duration.ofMinutes(2), vtpass);
        vending.handle(request("order-ns3"));
        clock.add(Duration.ofMinutes(13));
        vending.retryDeferred(Runnable::run);
        assertThat(outboxTypes("order-ns3")).as("still within the 30 minutes it may wait").isEmpty();
        // The next wait would end past the give-up time: it fails now (and is refunded), not later.
        clock.add(Duration.ofMinutes(13));
        vending.retryDeferred(Runnable::run);

        assertThat(vtpass.vended).hasSize(3);
        List<SpecificRecord> events = outbox("order-ns3");
        assertThat(events).hasSize(1);
        com.vendstream.events.VendFailed failed = (com.vendstream.events.VendFailed) events.get(0);
        assertThat(failed.getReasonClass()).isEqualTo(com.vendstream.events.FailureClass.THROTTLED);
    }

    @Test
    void aFullBulkheadIsBackPressureNotAProviderFailure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedConnector slow = provider("vtpass", c -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return success(c);
        });
        GuardedConnectors guarded = new GuardedConnectors(List.of(slow), 1, Duration.ZERO, Duration.ofMinutes(1), 50, 1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        var inFlight = pool.submit(() -> guarded.vend("vtpass", command()));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> guarded.bulkhead("vtpass").getMetrics().getAvailableConcurrentCalls() == 0);

        VendOutcome refused = guarded.vend("vtpass", command());
        release.countDown();
        inFlight.get(5, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(refused).isInstanceOfSatisfying(VendOutcome.NotSent.class,
                n -> assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.BULKHEAD_FULL));
        assertThat(guarded.breaker("vtpass").getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(guarded.breaker("vtpass").getState().name()).isEqualTo("CLOSED");
    }

    /**
     * When every hand-off slot of the provider stays taken for a whole bulkhead wait, the claimed call is
     * made on the consumer's thread before the claim returns (back-pressure), never handed off without a
     * slot; a repeated request for a claimed order sends nothing.
     */
    @Test
    void withNoHandOffSlotTheCallIsMadeOnTheConsumersThread() {
        ScriptedConnector provider = provider("vtpass", VendingInvariantsTest::success);
        GuardedConnectors guarded = new GuardedConnectors(List.of(provider), 1, Duration.ofMillis(50),
                Duration.ofMinutes(1), 50, 4);
        Router router = new Router(new RoutingProperties(List.of(new RoutingProperties.Route("AIRTIME", null,
                List.of("vtpass")))), guarded.ids());
        store.ensureIndexes();
        Vending vending = new Vending(store, guarded, router, (c, id) -> { }, meters, Clock.systemUTC(),
                Duration.ofMinutes(2));

        Runnable handedOff = vending.claim(request("order-first"));
        assertThat(handedOff).as("the first call takes the one slot and is handed off").isNotNull();
        assertThat(provider.vended).isEmpty();

        assertThat(vending.claim(request("order-second"))).as("no slot: nothing to hand off").isNull();
        assertThat(provider.vended).as("made before the claim returned").hasSize(1);
        assertThat(store.find("order-second").orElseThrow().state()).isEqualTo(VendAttempt.State.SUCCEEDED);

        assertThat(vending.claim(request("order-first"))).as("a repeated request").isNull();
        assertThat(provider.vended).hasSize(1);

        handedOff.run();
        assertThat(provider.vended).hasSize(2);
        assertThat(vending.claim(request("order-third"))).as("the slot came back").isNotNull();
    }

    @Test
    void aReferenceThatIsNoLongerUsableIsReplacedBeforeAnythingIsSent() {
        java.util.Set<String> stale = ConcurrentHashMap.newKeySet();
        ScriptedConnector vtpass = new ScriptedConnector("vtpass") {
            boolean first = true;

            @Override
            public synchronized String newReference() {
                String ref = super.newReference();
                if (first) {
                    // Claimed at 23:59:59.9 in Lagos, sent after midnight.
                    stale.add(ref);
                    first = false;
                }
                return ref;
            }

            @Override
            public boolean referenceUsable(String reference, Instant at) {
                return !stale.contains(reference);
            }
        }.onVend((c, n) -> success(c));
        Vending vending = vending(Duration.ofMinutes(2), vtpass);
        vending.handle(request("order-ns4"));

        assertThat(references(vtpass)).hasSize(1).doesNotContainAnyElementsOf(stale);
        assertThat(outboxTypes("order-ns4")).containsExactly("VendSucceeded");
        assertThat(store.find("order-ns4").orElseThrow().previous())
                .extracting(VendAttempt.Tried::reference).containsExactlyElementsOf(stale);
    }

    @Test
    void ourOwnLimitsNeverUseUpTheTriesOnlyTheTimeLimitEndsThem() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector busy = provider("pagamio",
                notSent(VendOutcome.NotSentReason.LOCAL_RATE_LIMIT, Duration.ofMinutes(1)));
        Vending vending = vending(clock, Duration.ofMinutes(2), 2, busy);
        vending.handle(request("order-ns5"));
        for (int i = 0; i < 10; i++) {
            clock.add(Duration.ofSeconds(80));
            vending.retryDeferred(Runnable::run);
        }
        assertThat(busy.vended).as("ten more tries than max-deferrals allows").hasSize(11);
        assertThat(outboxTypes("order-ns5")).as("a burst is not turned into refunds").isEmpty();
        assertThat(store.find("order-ns5").orElseThrow().state()).isEqualTo(VendAttempt.State.DEFERRED);

        clock.add(Duration.ofMinutes(20));
        vending.retryDeferred(Runnable::run);
        assertThat(outboxTypes("order-ns5")).containsExactly("VendFailed");
    }

    @Test
    void aResumedVendWaitingForAThreadIsNotHandedToRequeryAsInFlight() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector provider = provider("pagamio",
                script(notSent(VendOutcome.NotSentReason.BULKHEAD_FULL, Duration.ofSeconds(1)),
                        VendingInvariantsTest::success));
        Vending vending = vending(clock, Duration.ofMinutes(2), provider);
        vending.handle(request("order-ns6"));
        clock.add(Duration.ofSeconds(3));
        List<Runnable> queued = new ArrayList<>();
        assertThat(vending.retryDeferred(queued::add)).isEqualTo(1);
        assertThat(vending.retryDeferred(queued::add)).as("held for the queued task").isZero();

        // The task waits for a thread longer than the lease.
        clock.add(Duration.ofMinutes(3));
        assertThat(vending.expireLeases()).isZero();
        queued.forEach(Runnable::run);

        assertThat(outboxTypes("order-ns6")).containsExactly("VendSucceeded");
        assertThat(provider.vended).hasSize(2);
    }

    @Test
    void aParkedVendNoProviderCanTakeAnyMoreFailsInsteadOfStayingParked() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector vtpass = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(clock, Duration.ofMinutes(2), vtpass);
        VendRequested airtime = request("order-ns7");
        // Nothing routes cable TV here: the provider that parked it is gone from the configuration.
        VendRequested request = VendRequested.newBuilder(airtime)
                .setLine(OrderLine.newBuilder(airtime.getLine()).setService(ServiceCategory.CABLE_TV).build()).build();
        insert(new Document("_id", "order-ns7").append("state", "DEFERRED").append("provider", "gone")
                .append("reference", "gone-1").append("request", new Binary(EventCodec.encode(request)))
                .append("createdAt", java.util.Date.from(clock.instant()))
                .append("retryAt", java.util.Date.from(clock.instant())).append("previous", List.of())
                .append("outbox", List.of()));
        vending.retryDeferred(Runnable::run);

        assertThat(vtpass.vended).isEmpty();
        List<SpecificRecord> events = outbox("order-ns7");
        assertThat(events).hasSize(1);
        assertThat(((com.vendstream.events.VendFailed) events.get(0)).getReasonClass())
                .isEqualTo(com.vendstream.events.FailureClass.NO_PROVIDER);
    }

    @Test
    void ourOwnRefusalsBeforeSendingDoNotOpenTheProvidersCircuit() {
        ScriptedConnector noPhone = provider("vtpass",
                c -> new VendOutcome.Failed(null, FailureClass.VALIDATION, "no phone to send", true));
        GuardedConnectors guarded = new GuardedConnectors(List.of(noPhone), 16, Duration.ofMinutes(1), 50, 4);
        for (int i = 0; i < 10; i++) {
            guarded.vend("vtpass", command());
        }
        assertThat(guarded.breaker("vtpass").getState().name()).isEqualTo("CLOSED");
    }

    // ---- a crash at each step, and what drives the order on (issue 12, item 4) ----

    private static Document attempt(String orderId, String state, String reference, VendRequested request,
                                    Instant createdAt) {
        return new Document("_id", orderId).append("state", state).append("provider", "vtpass")
                .append("reference", reference).append("request", new Binary(EventCodec.encode(request)))
                .append("createdAt", java.util.Date.from(createdAt)).append("previous", List.of())
                .append("outbox", List.of());
    }

    /** An attempt document as a crash (or an older version) left it, written as stored. */
    private void insert(Document attempt) {
        Mono.from(mongo.getCollection(VendAttemptStore.COLLECTION).block().insertOne(attempt)).block();
    }

    /** What the outbox relay does after publishing: the outbox is emptied, the attempt keeps the rest. */
    private void relayed(String orderId) {
        Mono.from(mongo.getCollection(VendAttemptStore.COLLECTION).block().updateOne(new Document("_id", orderId),
                new Document("$set", new Document("outbox", List.of())))).block();
    }

    @Test
    void aRequestLostBeforeTheClaimIsVendedOnceWhenOrderServicePublishesItAgain() {
        ScriptedConnector provider = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(Duration.ofMinutes(2), provider);
        // The first VendRequested never led to an attempt (lost with the broker, or dead-lettered while the store
        // was down): there is no attempt document. order-service publishes the same event again.
        VendRequested again = request("order-lost");
        vending.handle(again);
        // And should the first one turn up after all (a redelivery), it finds the claim.
        vending.handle(request("order-lost"));

        assertThat(provider.vended).hasSize(1);
        assertThat(outboxTypes("order-lost")).containsExactly("VendSucceeded");
    }

    @Test
    void aRepeatedRequestForASettledAttemptSendsNothingAndPublishesTheSameOutcomeAgain() {
        ScriptedConnector succeeds = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(Duration.ofMinutes(2), succeeds);
        vending.handle(request("order-done"));
        SpecificRecord first = outbox("order-done").get(0);
        relayed("order-done");

        // The outcome was published, but order-service never folded it: it asks again, twice.
        vending.handle(request("order-done"));
        vending.handle(request("order-done"));

        assertThat(succeeds.vended).as("no second vend").hasSize(1);
        List<SpecificRecord> again = outbox("order-done");
        assertThat(again).as("once, while it waits to be published").hasSize(1);
        assertThat(again.get(0)).as("the same event, with the same id").isEqualTo(first);
        assertThat(meters.counter("vendstream.vend.outcome.republished").count()).isEqualTo(1);
    }

    @Test
    void aRepeatedRequestForAPendingAttemptPublishesItsVendPendingAgainSoRequeryCanStart() {
        ScriptedConnector timesOut = provider("vtpass",
                c -> VendOutcome.pending(PendingCause.TIMEOUT, null, "read timed out"));
        Vending vending = vending(Duration.ofMinutes(2), timesOut);
        vending.handle(request("order-pending"));
        VendPending first = (VendPending) outbox("order-pending").get(0);
        // Published, but status-poller never wrote its schedule (e.g. dead-lettered while its store was down).
        relayed("order-pending");

        vending.handle(request("order-pending"));

        assertThat(timesOut.vended).hasSize(1);
        assertThat(outbox("order-pending")).containsExactly(first);
    }

    @Test
    void aCrashAfterTheClaimBeforeTheCallIsHandedToRequeryAndNeverSent() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector provider = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(clock, Duration.ofMinutes(2), provider);
        VendRequested request = request("order-claimed");
        insert(attempt("order-claimed", "SENDING", "vtpass-claimed", request, clock.instant())
                .append("leaseUntil", java.util.Date.from(clock.instant().plus(Duration.ofMinutes(2)))));

        // vend-service restarts; order-service, hearing nothing, publishes the request again meanwhile.
        vending.handle(request);
        assertThat(vending.expireLeases()).as("within the lease").isZero();
        clock.add(Duration.ofMinutes(3));
        assertThat(vending.expireLeases()).isEqualTo(1);
        relayed("order-claimed");
        vending.handle(request);

        assertThat(provider.vended).as("the call may have left: never sent again").isEmpty();
        List<SpecificRecord> events = outbox("order-claimed");
        assertThat(events).hasSize(1);
        assertThat(((VendPending) events.get(0)).getVend().getProviderReference()).isEqualTo("vtpass-claimed");
    }

    @Test
    void aCrashAfterTheDeferredSweepHeldAnAttemptBeforeItResumedIsSentOnceTheHoldEnds() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector provider = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(clock, Duration.ofMinutes(2), provider);
        insert(attempt("order-held", "DEFERRED", "vtpass-refused", request("order-held"), clock.instant())
                .append("retryAt", java.util.Date.from(clock.instant())));
        // The sweep held it for its task, then the process died before the task ran.
        assertThat(vending.retryDeferred(task -> { })).isEqualTo(1);

        assertThat(vending.retryDeferred(Runnable::run)).as("held").isZero();
        clock.add(Duration.ofMinutes(2).plusSeconds(1));
        assertThat(vending.retryDeferred(Runnable::run)).isEqualTo(1);

        assertThat(provider.vended).hasSize(1);
        assertThat(references(provider)).as("under a new reference").doesNotContain("vtpass-refused");
        assertThat(outboxTypes("order-held")).containsExactly("VendSucceeded");
    }

    @Test
    void theLeaseSweepReachesEveryOrphanedAttemptAndReportsOneItCannotMove() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector provider = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(clock, Duration.ofMinutes(2), provider);
        java.util.Date expired = java.util.Date.from(clock.instant().minus(Duration.ofMinutes(3)));
        // First in the sweep's order: an attempt whose stored request cannot be read.
        insert(attempt("a-000", "SENDING", "vtpass-bad", request("a-000"), clock.instant())
                .append("request", new Binary(new byte[] {1, 2, 3})).append("leaseUntil", expired));
        for (int i = 1; i <= 150; i++) {
            String id = String.format("a-%03d", i);
            insert(attempt(id, "SENDING", "vtpass-" + i, request(id), clock.instant()).append("leaseUntil", expired));
        }

        assertThat(vending.expireLeases()).isEqualTo(151);

        for (int i = 1; i <= 150; i++) {
            assertThat(store.find(String.format("a-%03d", i)).orElseThrow().state()).isEqualTo(VendAttempt.State.PENDING);
        }
        assertThat(provider.vended).isEmpty();
        assertThat(meters.get("vendstream.vend.overdue").tag("state", "SENDING").gauge().value()).isEqualTo(1);
    }

    @Test
    void theDeferredSweepReachesEveryDueAttemptNotTheFirstHundred() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-12-04T10:00:00Z"), java.time.ZoneOffset.UTC);
        ScriptedConnector provider = provider("vtpass", VendingInvariantsTest::success);
        Vending vending = vending(clock, Duration.ofMinutes(2), provider);
        for (int i = 0; i < 150; i++) {
            String id = String.format("d-%03d", i);
            insert(attempt(id, "DEFERRED", "vtpass-refused-" + i, request(id), clock.instant())
                    .append("retryAt", java.util.Date.from(clock.instant())));
        }

        assertThat(vending.retryDeferred(Runnable::run)).isEqualTo(150);

        assertThat(provider.vended).hasSize(150);
        assertThat(meters.get("vendstream.vend.overdue").tag("state", "DEFERRED").gauge().value()).isZero();
    }
}
