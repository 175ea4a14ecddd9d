package com.vendstream.poller.requery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PendingReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.poller.schedule.RequerySchedule;
import com.vendstream.poller.schedule.Schedules;
import com.vendstream.poller.vend.VendPendings;
import com.vendstream.poller.vend.VendProber;
import com.vendstream.poller.vend.VendResolutions;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.providers.pay4power.Pay4PowerTransformer;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.testkit.MongoFixture;
import com.vendstream.testkit.ScriptedConnector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a requery answer's decision (its provider code-table row) makes the schedule do: the engine on a
 * MongoDB wire store, Pay4Power's requery replies read by its own transformer and passed through the
 * providers' guards and the vend prober, as in production. The deadline is 30 minutes away throughout.
 */
class RequeryDecisionTest {

    private static final Owner VEND_OUTCOMES = new Owner("vendstream.vend.outcomes", 2);
    /** Requery every 200 ms; deadline 30 min; after escalation every 200 ms too, so slow requeries are seen. */
    private static final RequerySchedule FAST = new RequerySchedule(
            List.of(new RequerySchedule.Step(Duration.ofMillis(200), null)), Duration.ofMinutes(30),
            Duration.ofMillis(200), 0, null, null, null, 0, null);
    private static final String ENVELOPE = """
            {"success":false,"message":"%s","errors":["x"],"statusCode":%d,"correlationId":"c-1","data":null}""";

    private final MongoFixture mongo = new MongoFixture("poller-decisions");
    private final RequeryStore store = new RequeryStore(mongo.template);
    private final DueTimers timers = new DueTimers(Clock.systemUTC(), 2);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private volatile Supplier<VendOutcome> pay4power = () -> requeryReply(202, "Transaction In-Progress");
    private final ScriptedConnector connector = new ScriptedConnector("pay4power").onRequery((c, n) -> pay4power.get());
    private final RequeryEngine engine = new RequeryEngine(store, timers,
            new Schedules(Map.of(Schedules.DEFAULT, FAST)),
            Map.of(Kind.VEND, new VendProber(new GuardedConnectors(List.of(connector),
                    new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 100)))::probe),
            Map.of(Kind.VEND, new VendResolutions()), (collection, id) -> { }, meters, Clock.systemUTC(),
            new Random(1), Duration.ofSeconds(5), "decisions");

    {
        store.ensureIndexes();
        timers.assigned(List.of(VEND_OUTCOMES), engine::scheduledFor);
    }

    @AfterEach
    void close() {
        timers.shutdown();
        mongo.close();
    }

    private static VendOutcome requeryReply(int status, String message) {
        return Pay4PowerTransformer.requery(status, ENVELOPE.formatted(message, status), false);
    }

    @Test
    void aRequeryAnswerThatNeedsAPersonEscalatesAtOnceNotAtTheDeadline() {
        // Pay4Power's requery 400: "our requery was invalid; says nothing about the vend" (MANUAL in its table).
        pay4power = () -> requeryReply(400, "Validation Error");
        engine.accept(VendPendings.toRequery(vendPending("o-1"), VEND_OUTCOMES));

        // Before: asked again every 200 ms until the deadline, 30 minutes on, and only then escalated.
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-1").state() == State.ESCALATED);
        Requery r = schedule("VEND:o-1");
        assertThat(r.attempts()).as("escalated on the answer itself").isEqualTo(1);
        assertThat(r.escalatedAt()).isBefore(r.deadlineAt().minus(Duration.ofMinutes(29)));
        assertThat(r.escalationReason()).startsWith(RequeryEngine.NEEDS_PERSON).contains("400");
        assertThat(outbox("VEND:o-1")).singleElement().isInstanceOfSatisfying(VendUnresolved.class, u -> {
            assertThat(u.getReason()).isEqualTo(r.escalationReason());
            assertThat(u.getLastProviderCode()).as("the code that escalated it, not the one before").isEqualTo("400");
            assertThat(u.getRequeryCount()).isEqualTo(1);
        });
        assertThat(meters.find("vendstream.poller.escalations").tag("reason", "needs_person").counter()).isNotNull()
                .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));

        // The same path as a deadline escalation: slow requeries go on, and a later final answer still resolves it.
        pay4power = () -> Pay4PowerTransformer.requery(200, """
                {"success":true,"message":"Retrieved Successfully","errors":null,"statusCode":200,"correlationId":"c-2",
                 "data":{"status":"SUCCESSFUL","transactionId":"P4P-1"}}""", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-1").state() == State.SUCCEEDED);
        assertThat(schedule("VEND:o-1").resolution().afterEscalation()).isTrue();
    }

    @Test
    void aPendingAnswerIsStillAskedAgainUntilTheDeadline() {
        // 202 "Transaction In-Progress": REQUERY.
        engine.accept(VendPendings.toRequery(vendPending("o-2"), VEND_OUTCOMES));

        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-2").attempts() >= 4);
        Requery r = schedule("VEND:o-2");
        assertThat(r.state()).isEqualTo(State.PENDING);
        assertThat(r.escalationReason()).isNull();
        assertThat(outbox("VEND:o-2")).isEmpty();
        assertThat(meters.find("vendstream.poller.escalations").counter()).isNull();
    }

    @Test
    void aRetryAnswerIsAskedAgainWithTheSameReferenceOnTheSchedule() {
        // Pay4Power's requery 401 after the connector's own token renewal and second try: RETRY.
        pay4power = () -> requeryReply(401, "Unauthorized");
        engine.accept(VendPendings.toRequery(vendPending("o-3"), VEND_OUTCOMES));

        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-3").attempts() >= 3);
        Requery r = schedule("VEND:o-3");
        assertThat(r.state()).isEqualTo(State.PENDING);
        assertThat(r.lastCode()).isEqualTo("401");
        assertThat(outbox("VEND:o-3")).isEmpty();
        // One call per requery: the connector already repeated it once after renewing its token; the poller does not.
        assertThat(connector.asked.size()).isBetween(r.attempts(), r.attempts() + 1);
    }

    private Requery schedule(String id) {
        return store.find(id).orElseThrow();
    }

    private List<SpecificRecord> outbox(String id) {
        return schedule(id).outbox().stream().map(OutboxEntry::event).toList();
    }

    private static VendPending vendPending(String orderId) {
        String reference = "ref-" + orderId;
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendPending", reference), VendPending.class, orderId,
                Instant.now(), LocalDate.now(), "m1", "vend-service", orderId, null);
        Money amount = new Money(50_000L, "NGN");
        return VendPending.newBuilder().setEnvelope(e)
                .setVend(VendRef.newBuilder().setProvider("pay4power").setProviderReference(reference).build())
                .setAmount(amount).setReason(PendingReason.PROVIDER_PENDING).setProviderCode("202")
                .setLine(OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId("MTN")
                        .setAccount("08011111111").setAmount(amount).build()).build();
    }
}
