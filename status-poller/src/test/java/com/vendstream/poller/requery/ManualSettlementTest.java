package com.vendstream.poller.requery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PendingReason;
import com.vendstream.events.RequeryReply;
import com.vendstream.events.Resolution;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.poller.schedule.RequerySchedule;
import com.vendstream.poller.schedule.Schedules;
import com.vendstream.poller.vend.VendPendings;
import com.vendstream.poller.vend.VendResolutions;
import com.vendstream.providers.VendOutcome;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.testkit.MongoFixture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two operators' decisions on escalated vends, and the provider's replies kept for them: the engine and
 * {@link ManualSettlements} on a MongoDB wire store, the provider answering from a script. A vend escalates at its
 * first requery (the provider answers VTpass's 044, which its code table marks MANUAL), then is asked again every
 * 200 ms; after a final answer or a decision it is asked once more, 300 ms later, to catch a contradiction.
 */
class ManualSettlementTest {

    private static final Owner VEND_OUTCOMES = new Owner("vendstream.vend.outcomes", 1);
    private static final RequerySchedule FAST = new RequerySchedule(
            List.of(new RequerySchedule.Step(Duration.ofMillis(200), null)), Duration.ofMinutes(30),
            Duration.ofMillis(200), 0, null, null, Duration.ofMillis(300), 1, null);
    /** A provider asked every 5 ms, to see the replies kept bounded. */
    private static final String CHATTY = "chatty";
    private static final RequerySchedule EVERY_5_MS = new RequerySchedule(
            List.of(new RequerySchedule.Step(Duration.ofMillis(5), null)), Duration.ofMinutes(30),
            Duration.ofMillis(5), 0, null, null, null, 0, null);

    private static final com.vendstream.providers.FailureClass DECLINED =
            com.vendstream.providers.FailureClass.DECLINED_BY_PROVIDER;

    private final MongoFixture mongo = new MongoFixture("poller-manual");
    private final RequeryStore store = new RequeryStore(mongo.template);
    private final DueTimers timers = new DueTimers(Clock.systemUTC(), 2);
    private final Schedules schedules = new Schedules(Map.of(Schedules.DEFAULT, FAST, CHATTY, EVERY_5_MS));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private volatile Function<Requery, Answer> provider = r -> needsPerson();
    private final RequeryEngine engine = new RequeryEngine(store, timers, schedules,
            Map.of(Kind.VEND, r -> provider.apply(r)), Map.of(Kind.VEND, new VendResolutions()),
            (collection, id) -> { }, meters, Clock.systemUTC(), new Random(1), Duration.ofSeconds(5), "manual");
    private final ManualSettlements settlements = new ManualSettlements(store, schedules, new VendResolutions(),
            timers, (collection, id) -> { }, meters, Clock.systemUTC());

    {
        store.ensureIndexes();
        timers.assigned(List.of(VEND_OUTCOMES), engine::scheduledFor);
    }

    @AfterEach
    void close() {
        timers.shutdown();
        mongo.close();
    }

    @Test
    void eachRequeryKeepsTheProvidersReplyAndTheEscalationCarriesThem() {
        provider = r -> r.attempts() == 0 ? new Answer.NoAnswer(null, "SocketTimeoutException", false)
                : r.attempts() == 1 ? Answer.NoAnswer.stillPending("099", "TRANSACTION IS PROCESSING", false, null,
                "REQUERY") : needsPerson();
        escalate("o-1");

        Requery r = schedule("VEND:o-1");
        assertThat(r.replies()).extracting(Reply::decision).containsExactly("NO_ANSWER", "REQUERY", "MANUAL");
        assertThat(r.replies()).extracting(Reply::providerCode).containsExactly(null, "099", "044");
        assertThat(r.replies().get(2).detail()).isEqualTo("TRANSACTION RESOLVED");
        VendUnresolved unresolved = (VendUnresolved) outbox("VEND:o-1").get(0);
        assertThat(unresolved.getRequeries()).extracting(RequeryReply::getDecision)
                .containsExactly("NO_ANSWER", "REQUERY", "MANUAL");
        assertThat(unresolved.getRequeries().get(2).getAt()).isEqualTo(r.replies().get(2).at());
    }

    @Test
    void repliesKeepNoCustomerNumberAndOnlyTheNewestFifty() {
        // Each reply names its requery, so which were kept can be told.
        provider = r -> Answer.NoAnswer.stillPending("099", "meter 45700012345 still processing, requery "
                + (r.attempts() + 1) + " " + "x".repeat(600), false, null, "REQUERY");
        engine.accept(VendPendings.toRequery(vendPending("o-2", CHATTY, "ref-o-2"), VEND_OUTCOMES));

        await().atMost(Duration.ofSeconds(20)).until(() -> schedule("VEND:o-2").attempts() > Reply.KEPT + 5);
        // One read: the attempts and the replies of the same update.
        Requery r = schedule("VEND:o-2");
        assertThat(r.replies()).hasSize(Reply.KEPT);
        assertThat(r.replies()).extracting(Reply::at).isSorted();
        // The newest are kept: the last is the latest requery, the first is the one 49 before it, not the first.
        assertThat(r.replies().get(Reply.KEPT - 1).detail()).contains("requery " + r.attempts() + " ");
        assertThat(r.replies().get(0).detail()).contains("requery " + (r.attempts() - Reply.KEPT + 1) + " ")
                .doesNotContain("requery 1 ");
        Reply reply = r.replies().get(0);
        assertThat(reply.detail()).startsWith("meter *******2345 still processing").hasSize(500)
                .doesNotContain("45700012345");
    }

    @Test
    void aDeliveredDecisionSettlesAnEscalatedVendOnceAsTheSuccessAnAnswerWouldBe() {
        escalate("o-3");
        ManualDecision delivered = decision("o-3", "d-1", true);

        assertThat(settlements.decide(delivered)).isEqualTo(ManualSettlements.Result.SETTLED);
        assertThat(settlements.decide(delivered)).as("redelivered").isEqualTo(ManualSettlements.Result.DUPLICATE);

        Requery r = schedule("VEND:o-3");
        assertThat(r.state()).isEqualTo(State.SUCCEEDED);
        assertThat(r.manual().decisionEventId()).isEqualTo("d-1");
        assertThat(r.manual().approvedBy()).isEqualTo("checker");
        assertThat(types(outbox("VEND:o-3"))).containsExactly("VendUnresolved", "VendSucceeded");
        VendSucceeded s = (VendSucceeded) outbox("VEND:o-3").get(1);
        assertThat(s.getResolvedBy()).isEqualTo(Resolution.MANUAL);
        assertThat(s.getToken()).isEqualTo("1111-2222-3333");
        assertThat(s.getUnits()).isEqualTo("12.5 kWh");
        assertThat(s.getReceipt()).containsEntry("receiptNo", "R-9");
        assertThat(s.getAmount().getAmountMinor()).isEqualTo(50_000L);
        assertThat(s.getVend().getProviderTransactionId()).isEqualTo("portal-tx");
        // One vend, one success, one id, however it was learnt; caused by the decision.
        assertThat(s.getEnvelope().getEventId()).isEqualTo(Envelopes.eventId("o-3", "VendSucceeded", "ref-o-3"));
        assertThat(s.getEnvelope().getCausationId()).isEqualTo("d-1");
        assertThat(s.getEnvelope().getSourceService()).isEqualTo("status-poller");

        // Asked once more after it; the provider still saying "a person must look" contradicts nothing.
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-3").nextDueAt() == null);
        assertThat(schedule("VEND:o-3").contradictions()).isEmpty();
        assertThat(types(outbox("VEND:o-3"))).containsExactly("VendUnresolved", "VendSucceeded");
        assertThat(count("vendstream.poller.manual.decisions", "result", "settled")).isEqualTo(1);
        assertThat(count("vendstream.poller.manual.decisions", "result", "duplicate")).isEqualTo(1);
    }

    @Test
    void aNotDeliveredDecisionFailsTheVendWithAManualReason() {
        escalate("o-4");

        assertThat(settlements.decide(decision("o-4", "d-2", false))).isEqualTo(ManualSettlements.Result.SETTLED);

        assertThat(schedule("VEND:o-4").state()).isEqualTo(State.FAILED);
        assertThat(outbox("VEND:o-4")).hasSize(2).last().isInstanceOfSatisfying(VendFailed.class, f -> {
            assertThat(f.getResolvedBy()).isEqualTo(Resolution.MANUAL);
            assertThat(f.getProviderCode()).isEqualTo(VendResolutions.MANUAL_NOT_DELIVERED);
            assertThat(f.getReasonClass()).isEqualTo(FailureClass.OTHER);
            assertThat(f.getEnvelope().getEventId()).isEqualTo(Envelopes.eventId("o-4", "VendFailed", "ref-o-4"));
        });
        // A second decision, saying the same, changes nothing.
        assertThat(settlements.decide(decision("o-4", "d-3", false))).isEqualTo(ManualSettlements.Result.AGREED);
        assertThat(outbox("VEND:o-4")).hasSize(2);
    }

    @Test
    void aDecisionAgainstTheProvidersFinalAnswerIsFlaggedNeverApplied() {
        escalate("o-5");
        provider = r -> delivered();
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-5").state() == State.SUCCEEDED);

        ManualDecision notDelivered = decision("o-5", "d-4", false);
        assertThat(settlements.decide(notDelivered)).isEqualTo(ManualSettlements.Result.CONTRADICTED);
        assertThat(settlements.decide(notDelivered)).isEqualTo(ManualSettlements.Result.CONTRADICTED);

        Requery r = schedule("VEND:o-5");
        assertThat(r.state()).isEqualTo(State.SUCCEEDED);
        assertThat(r.manual()).isNull();
        assertThat(r.contradictions()).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(State.FAILED);
            assertThat(c.code()).isEqualTo("MANUAL");
        });
        assertThat(types(outbox("VEND:o-5"))).containsExactly("VendUnresolved", "VendSucceeded");
        assertThat(((VendSucceeded) outbox("VEND:o-5").get(1)).getResolvedBy()).isEqualTo(Resolution.REQUERY);
        assertThat(count("vendstream.poller.manual.contradicted", "contradicts", "automatic_outcome", "by",
                "decision")).as("once, redelivered or not").isEqualTo(1);
        // One that agrees is a no-op.
        assertThat(settlements.decide(decision("o-5", "d-5", true))).isEqualTo(ManualSettlements.Result.AGREED);
        assertThat(schedule("VEND:o-5").contradictions()).hasSize(1);
    }

    @Test
    void aProviderAnswerThatContradictsAManualSettlementIsFlaggedNeverApplied() {
        escalate("o-6");
        // The provider says it delivered once asked about the settled vend. A requery already in flight when the
        // decision lands was asked about the escalated vend: it still answers "a person must look", and must not
        // use up the confirmation after the decision.
        provider = r -> r.state().unresolved() ? needsPerson() : delivered();
        assertThat(settlements.decide(decision("o-6", "d-6", false))).isEqualTo(ManualSettlements.Result.SETTLED);

        await().atMost(Duration.ofSeconds(10)).until(() -> !schedule("VEND:o-6").contradictions().isEmpty());
        Requery r = schedule("VEND:o-6");
        assertThat(r.state()).isEqualTo(State.FAILED);
        assertThat(r.contradictions()).singleElement().satisfies(c -> assertThat(c.outcome())
                .isEqualTo(State.SUCCEEDED));
        assertThat(types(outbox("VEND:o-6"))).containsExactly("VendUnresolved", "VendFailed");
        assertThat(count("vendstream.poller.manual.contradicted", "contradicts", "manual_decision", "by", "requery"))
                .isEqualTo(1);

        // vend-service reporting a success for it later is flagged too, once however often it comes.
        settlements.laterOutcome(report("o-6", "late-success", true));
        settlements.laterOutcome(report("o-6", "late-success", true));
        // And one that agrees is not.
        settlements.laterOutcome(report("o-6", "late-failure", false));
        assertThat(schedule("VEND:o-6").contradictions()).hasSize(2);
        assertThat(count("vendstream.poller.manual.contradicted", "contradicts", "manual_decision", "by",
                "vend_outcome")).isEqualTo(1);
        assertThat(types(outbox("VEND:o-6"))).containsExactly("VendUnresolved", "VendFailed");
    }

    @Test
    void anAnswerInFlightWhenTheOperatorsDecideIsKeptAsAConfirmationNotDropped() throws Exception {
        escalate("o-7");
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        // The requery in flight answers "delivered"; the confirmation after the decision agrees with it (a final
        // failure), so exactly one contradiction is expected.
        provider = r -> first.getAndSet(false) ? held(asking, answer, delivered()) : notDelivered();
        assertThat(asking.await(10, TimeUnit.SECONDS)).isTrue();

        // The requery holds the lease; the decision does not wait for it, and settles the vend first.
        assertThat(settlements.decide(decision("o-7", "d-7", false))).isEqualTo(ManualSettlements.Result.SETTLED);
        answer.countDown();

        // At once, from the answer in flight: not from a later requery, which would wait out its lease (5 s).
        await().atMost(Duration.ofSeconds(3)).until(() -> !schedule("VEND:o-7").contradictions().isEmpty());
        Requery r = schedule("VEND:o-7");
        assertThat(r.state()).isEqualTo(State.FAILED);
        assertThat(r.leaseUntil()).as("the lease given back").isNull();
        assertThat(types(outbox("VEND:o-7"))).containsExactly("VendUnresolved", "VendFailed");
        assertThat(count("vendstream.poller.manual.contradicted", "contradicts", "manual_decision", "by", "requery"))
                .isEqualTo(1);
        // It was asked before the decision: the confirmation after the decision is still to come.
        Requery settled = r;
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-7").replies().size()
                == settled.replies().size() + 1);
        Requery confirmed = schedule("VEND:o-7");
        assertThat(confirmed.replies()).last().extracting(Reply::decision).isEqualTo("FAILED");
        assertThat(confirmed.confirmationsLeft()).isZero();
        assertThat(confirmed.nextDueAt()).isNull();
        assertThat(confirmed.contradictions()).hasSize(1);
    }

    @Test
    void anAnswerInFlightWhenTheOperatorsDecideLeavesTheConfirmationAfterTheDecision() throws Exception {
        escalate("o-11");
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        // Asked while escalated, it says a person must look (and waits to say it until the decision is in); asked
        // after the decision, it says it delivered.
        provider = r -> r.state().unresolved() ? held(asking, answer, needsPerson()) : delivered();
        assertThat(asking.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(settlements.decide(decision("o-11", "d-14", false))).isEqualTo(ManualSettlements.Result.SETTLED);
        Requery settled = schedule("VEND:o-11");
        answer.countDown();

        await().atMost(Duration.ofSeconds(3)).until(() -> schedule("VEND:o-11").leaseUntil() == null);
        Requery kept = schedule("VEND:o-11");
        assertThat(kept.replies()).hasSize(settled.replies().size() + 1).last().extracting(Reply::decision)
                .isEqualTo("MANUAL");
        assertThat(kept.confirmationsLeft()).as("as the settlement set it").isEqualTo(1);
        assertThat(kept.nextDueAt()).as("as the settlement set it").isEqualTo(settled.nextDueAt());
        // The confirmation the decision set up is asked, and catches the provider saying otherwise.
        await().atMost(Duration.ofSeconds(10)).until(() -> !schedule("VEND:o-11").contradictions().isEmpty());
        assertThat(schedule("VEND:o-11").contradictions()).singleElement()
                .satisfies(c -> assertThat(c.outcome()).isEqualTo(State.SUCCEEDED));
        assertThat(types(outbox("VEND:o-11"))).containsExactly("VendUnresolved", "VendFailed");
    }

    @Test
    void aDecisionItsProposerApprovedOrADeliveryOfNothingIsRefused() {
        escalate("o-12");
        ManualDecision self = new ManualDecision("d-15", "o-12", "vtpass", "ref-o-12", null, 50_000L, "NGN", false,
                null, null, List.of(), Map.of(), "maker", " Maker ", Instant.now());
        ManualDecision nobody = new ManualDecision("d-16", "o-12", "vtpass", "ref-o-12", null, 50_000L, "NGN", false,
                null, null, List.of(), Map.of(), "maker", " ", Instant.now());
        ManualDecision nothing = new ManualDecision("d-17", "o-12", "vtpass", "ref-o-12", "portal-tx", 50_000L, "NGN",
                true, " ", null, List.of(""), Map.of("receiptNo", ""), "maker", "checker", Instant.now());

        assertThat(settlements.decide(self)).isEqualTo(ManualSettlements.Result.SELF_APPROVED);
        assertThat(settlements.decide(nobody)).isEqualTo(ManualSettlements.Result.SELF_APPROVED);
        assertThat(settlements.decide(nothing)).isEqualTo(ManualSettlements.Result.NOTHING_DELIVERED);
        assertThat(ManualSettlements.Result.SELF_APPROVED.refused()).isTrue();
        assertThat(ManualSettlements.Result.NOTHING_DELIVERED.refused()).isTrue();
        assertThat(schedule("VEND:o-12").state()).isEqualTo(State.ESCALATED);
        assertThat(schedule("VEND:o-12").manual()).isNull();
        assertThat(types(outbox("VEND:o-12"))).containsExactly("VendUnresolved");
        assertThat(count("vendstream.poller.manual.decisions", "result", "self_approved")).isEqualTo(2);
        assertThat(count("vendstream.poller.manual.decisions", "result", "nothing_delivered")).isEqualTo(1);

        // Units alone are something delivered (a top-up without a token).
        ManualDecision units = new ManualDecision("d-18", "o-12", "vtpass", "ref-o-12", "portal-tx", 50_000L, "NGN",
                true, null, "500 MB", List.of(), Map.of(), "maker", "checker", Instant.now());
        assertThat(settlements.decide(units)).isEqualTo(ManualSettlements.Result.SETTLED);
    }

    @Test
    void aFinalAnswerBetweenTheDecisionsReadAndItsSettlementSettlesTheVendOnce() {
        escalate("o-13");
        escalate("o-14");
        // The provider's final answer (delivered) is written between the decision's read and its compare-and-set.
        RequeryStore racing = new RequeryStore(mongo.template) {
            private final java.util.Set<String> raced = java.util.concurrent.ConcurrentHashMap.newKeySet();

            @Override
            public Optional<Requery> find(String id) {
                Optional<Requery> seen = super.find(id);
                if (seen.isPresent() && seen.get().state() == State.ESCALATED && raced.add(id)) {
                    Requery r = seen.get();
                    Instant at = Instant.now();
                    Answer.Final answer = (Answer.Final) delivered();
                    assertThat(super.settle(id, State.ESCALATED, State.FAILED, Change.nextDue(null)
                            .resolved(new Requery.Evidence(State.SUCCEEDED, "000", null, at, r.attempts(), true), 0)
                            .publish(new VendResolutions().resolved(r, answer, at)))).isPresent();
                }
                return seen;
            }
        };
        ManualSettlements deciding = new ManualSettlements(racing, schedules, new VendResolutions(), timers,
                (collection, id) -> { }, meters, Clock.systemUTC());

        assertThat(deciding.decide(decision("o-13", "d-19", true))).isEqualTo(ManualSettlements.Result.AGREED);
        assertThat(deciding.decide(decision("o-14", "d-20", false)))
                .isEqualTo(ManualSettlements.Result.CONTRADICTED);

        for (String id : List.of("VEND:o-13", "VEND:o-14")) {
            Requery r = schedule(id);
            assertThat(r.state()).isEqualTo(State.SUCCEEDED);
            assertThat(r.manual()).as("the decision settled nothing").isNull();
            assertThat(types(outbox(id))).as("exactly one terminal event").containsExactly("VendUnresolved",
                    "VendSucceeded");
            assertThat(((VendSucceeded) outbox(id).get(1)).getResolvedBy()).isEqualTo(Resolution.REQUERY);
        }
        assertThat(schedule("VEND:o-14").contradictions()).singleElement()
                .satisfies(c -> assertThat(c.outcome()).isEqualTo(State.FAILED));
    }

    @Test
    void aLateVendServiceOutcomeOnAnEscalatedVendIsKeptAndADecisionAgainstItIsNotApplied() {
        escalate("o-15");
        settlements.laterOutcome(report("o-15", "late-1", true));
        settlements.laterOutcome(report("o-15", "late-1", true));
        // Another vend's outcome (another reference) is not this vend's evidence.
        settlements.laterOutcome(new ManualSettlements.VendReport("late-2", "o-15", "vtpass", "ref-other", 50_000L,
                "NGN", false, "016"));

        Requery r = schedule("VEND:o-15");
        assertThat(r.state()).isEqualTo(State.ESCALATED);
        assertThat(r.reported()).as("once per event").singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo(State.SUCCEEDED));
        assertThat(types(outbox("VEND:o-15"))).containsExactly("VendUnresolved");

        // Two operators deciding "not delivered" against it: flagged, not applied, the vend stays escalated.
        ManualDecision against = decision("o-15", "d-21", false);
        assertThat(settlements.decide(against)).isEqualTo(ManualSettlements.Result.CONTRADICTED);
        assertThat(settlements.decide(against)).isEqualTo(ManualSettlements.Result.CONTRADICTED);
        assertThat(schedule("VEND:o-15").state()).isEqualTo(State.ESCALATED);
        assertThat(schedule("VEND:o-15").manual()).isNull();
        assertThat(schedule("VEND:o-15").contradictions()).singleElement()
                .satisfies(c -> assertThat(c.outcome()).isEqualTo(State.FAILED));
        assertThat(types(outbox("VEND:o-15"))).containsExactly("VendUnresolved");
        assertThat(count("vendstream.poller.manual.contradicted", "contradicts", "vend_outcome", "by", "decision"))
                .as("once, redelivered or not").isEqualTo(1);

        // One that agrees with it settles the vend.
        assertThat(settlements.decide(decision("o-15", "d-22", true))).isEqualTo(ManualSettlements.Result.SETTLED);
        assertThat(types(outbox("VEND:o-15"))).containsExactly("VendUnresolved", "VendSucceeded");
    }

    @Test
    void aProvidersFailureMessageIsKeptWithCustomerNumbersMasked() {
        escalate("o-16");
        String message = "meter 45700012345 is not on the network";
        provider = r -> new Answer.Final(false, "016", message,
                new VendOutcome.Failed("016", DECLINED, message, false));

        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:o-16").state() == State.FAILED);
        assertThat(schedule("VEND:o-16").resolution().message()).isEqualTo("meter *******2345 is not on the network");
    }

    @Test
    void aDecisionForAVendNotFollowedNotEscalatedOrAnotherIsRefused() {
        assertThat(settlements.decide(decision("o-none", "d-8", true)))
                .isEqualTo(ManualSettlements.Result.UNKNOWN_VEND);

        provider = r -> r.orderId().equals("o-8")
                ? Answer.NoAnswer.stillPending("099", "processing", false, null, "REQUERY") : needsPerson();
        engine.accept(VendPendings.toRequery(vendPending("o-8", "vtpass", "ref-o-8"), VEND_OUTCOMES));
        assertThat(settlements.decide(decision("o-8", "d-9", true))).isEqualTo(ManualSettlements.Result.NOT_ESCALATED);

        escalate("o-9");
        ManualDecision other = new ManualDecision("d-10", "o-9", "vtpass", "another-ref", null, 50_000L, "NGN", false,
                null, null, List.of(), Map.of(), "maker", "checker", Instant.now());
        assertThat(settlements.decide(other)).isEqualTo(ManualSettlements.Result.OTHER_VEND);
        assertThat(schedule("VEND:o-9").state()).isEqualTo(State.ESCALATED);
        assertThat(schedule("VEND:o-8").state()).isEqualTo(State.PENDING);
        assertThat(types(outbox("VEND:o-9"))).containsExactly("VendUnresolved");
    }

    /** Starts a vend whose first requery escalates it, and waits for that. */
    private void escalate(String orderId) {
        engine.accept(VendPendings.toRequery(vendPending(orderId, "vtpass", "ref-" + orderId), VEND_OUTCOMES));
        await().atMost(Duration.ofSeconds(10)).until(() -> schedule("VEND:" + orderId).state() == State.ESCALATED);
    }

    private static Answer needsPerson() {
        return Answer.NoAnswer.needsPerson("044", "TRANSACTION RESOLVED", false);
    }

    /** A requery held in flight: says it is being asked, and answers only when let. */
    private static Answer held(CountDownLatch asking, CountDownLatch answer, Answer then) {
        asking.countDown();
        try {
            answer.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return then;
    }

    private static Answer notDelivered() {
        return new Answer.Final(false, "016", "TRANSACTION FAILED",
                new VendOutcome.Failed("016", DECLINED, "TRANSACTION FAILED", false));
    }

    private static ManualSettlements.VendReport report(String orderId, String eventId, boolean success) {
        return new ManualSettlements.VendReport(eventId, orderId, "vtpass", "ref-" + orderId, 50_000L, "NGN",
                success, success ? null : "016");
    }

    private static Answer delivered() {
        return new Answer.Final(true, "000", null,
                new VendOutcome.Succeeded("000", "tx-1", "9999-8888", null, List.of(), Map.of(), null));
    }

    private static ManualDecision decision(String orderId, String eventId, boolean delivered) {
        return new ManualDecision(eventId, orderId, "vtpass", "ref-" + orderId, "portal-tx", 50_000L, "NGN",
                delivered, delivered ? "1111-2222-3333" : null, delivered ? "12.5 kWh" : null, List.of(),
                delivered ? Map.of("receiptNo", "R-9") : Map.of(), "maker", "checker", Instant.now());
    }

    private double count(String name, String... tags) {
        Counter c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
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

    private static VendPending vendPending(String orderId, String provider, String reference) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendPending", reference), VendPending.class, orderId,
                Instant.now(), LocalDate.now(), "m1", "vend-service", orderId, null);
        Money amount = new Money(50_000L, "NGN");
        return VendPending.newBuilder().setEnvelope(e)
                .setVend(VendRef.newBuilder().setProvider(provider).setProviderReference(reference).build())
                .setAmount(amount).setReason(PendingReason.TIMEOUT)
                .setLine(OrderLine.newBuilder().setService(ServiceCategory.ELECTRICITY).setBillerId("IKEDC")
                        .setItemId("prepaid").setAccount("45700012345").setAmount(amount).build()).build();
    }
}
