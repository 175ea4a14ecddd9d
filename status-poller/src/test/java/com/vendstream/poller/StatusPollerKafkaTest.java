package com.vendstream.poller;

import static com.vendstream.poller.PollerTestSupport.paymentPending;
import static com.vendstream.poller.PollerTestSupport.types;
import static com.vendstream.poller.PollerTestSupport.vendPending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.FailureClass;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentUnresolved;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.events.Events;
import com.vendstream.poller.requery.DueTimers;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.Requery;
import com.vendstream.poller.requery.RequeryStore;
import com.vendstream.poller.requery.State;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One status-poller on a real KRaft broker, the in-process schema registry and an in-memory
 * MongoDB-wire store; the providers are scripted test doubles with fast test schedules
 * (requery every 200 ms, deadline 3 s, slow requeries every 500 ms after escalation).
 */
class StatusPollerKafkaTest {

    static PollerTestSupport infra;
    static ConfigurableApplicationContext poller;

    @BeforeAll
    static void start() {
        infra = new PollerTestSupport();
        poller = infra.startPoller("A");
        // Publish only once the poller owns its partitions, so test deadlines count from a live consumer.
        await().atMost(Duration.ofSeconds(60)).until(() -> poller.getBean(DueTimers.class).owned() == 12);
    }

    @AfterAll
    static void stop() {
        if (poller != null) {
            poller.close();
        }
        infra.close();
    }

    static Requery schedule(Kind kind, String key) {
        return poller.getBean(RequeryStore.class).find(kind.id(key)).orElseThrow();
    }

    static MeterRegistry meters() {
        return poller.getBean(MeterRegistry.class);
    }

    static double counter(String name, String... tags) {
        Counter c = meters().find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void pendingThenSuccessIsResolvedByRequeryWithTheOriginalReference() {
        infra.send(Topics.VEND_OUTCOMES, "o-ok", vendPending("o-ok", ScriptedProviders.PROVIDER, "ok-1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor("o-ok").isEmpty());
        List<SpecificRecord> events = infra.eventsFor("o-ok");
        assertThat(types(events)).containsExactly("VendSucceeded");
        VendSucceeded s = (VendSucceeded) events.get(0);
        assertThat(s.getResolvedBy()).isEqualTo(Resolution.REQUERY);
        assertThat(s.getVend().getProviderReference()).isEqualTo("ok-1");
        assertThat(s.getVend().getProviderTransactionId()).isEqualTo("tx-ok-1");
        assertThat(s.getToken()).isEqualTo("1234-5678-9012");
        assertThat(s.getAmount().getAmountMinor()).isEqualTo(50_000L);
        assertThat(s.getEnvelope().getSourceService()).isEqualTo("status-poller");
        assertThat(s.getEnvelope().getCausationId()).isEqualTo(Envelopes.eventId("o-ok", "VendPending", "ok-1"));
        assertThat(s.getEnvelope().getEventId()).isEqualTo(Envelopes.eventId("o-ok", "VendSucceeded", "ok-1"));
        assertThat(ScriptedProviders.RECORD.calls("ok-1")).hasSizeGreaterThanOrEqualTo(3);

        Requery r = schedule(Kind.VEND, "o-ok");
        assertThat(r.state()).isEqualTo(State.SUCCEEDED);
        assertThat(r.attempts()).isEqualTo(3);
    }

    @Test
    void pendingThenFailureEmitsVendFailedWithTheProvidersReason() {
        infra.send(Topics.VEND_OUTCOMES, "o-fail", vendPending("o-fail", ScriptedProviders.PROVIDER, "fail-1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor("o-fail").isEmpty());
        List<SpecificRecord> events = infra.eventsFor("o-fail");
        assertThat(types(events)).containsExactly("VendFailed");
        VendFailed f = (VendFailed) events.get(0);
        assertThat(f.getResolvedBy()).isEqualTo(Resolution.REQUERY);
        assertThat(f.getReasonClass()).isEqualTo(FailureClass.DECLINED_BY_PROVIDER);
        assertThat(f.getProviderCode()).isEqualTo("016");
        assertThat(schedule(Kind.VEND, "o-fail").state()).isEqualTo(State.FAILED);
    }

    @Test
    void anAnswerThatNeedsAPersonIsEscalatedAtTheFirstRequeryWithItsReason() {
        infra.send(Topics.VEND_OUTCOMES, "o-manual", vendPending("o-manual", ScriptedProviders.PROVIDER, "manual-1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor("o-manual").isEmpty());
        List<SpecificRecord> events = infra.eventsFor("o-manual");
        assertThat(types(events)).containsExactly("VendUnresolved");
        VendUnresolved u = (VendUnresolved) events.get(0);
        Requery r = schedule(Kind.VEND, "o-manual");
        assertThat(r.state()).isEqualTo(State.ESCALATED);
        // Not at the deadline after asking again and again: at the answer that says a person must look.
        assertThat(u.getRequeryCount()).isEqualTo(1);
        assertThat(u.getEnvelope().getOccurredAt()).isBefore(r.deadlineAt());
        assertThat(u.getReason()).startsWith("needs a person").contains("044");
        assertThat(u.getLastProviderCode()).as("the code that escalated it, not the one before").isEqualTo("044");
        assertThat(r.escalationReason()).isEqualTo(u.getReason());
    }

    @Test
    void pendingForeverIsEscalatedAtTheDeadlineNeverFailedAndStillRequeriedSlowly() {
        infra.send(Topics.VEND_OUTCOMES, "o-forever",
                vendPending("o-forever", ScriptedProviders.PROVIDER, "forever-1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor("o-forever").isEmpty());
        List<SpecificRecord> events = infra.eventsFor("o-forever");
        assertThat(types(events)).containsExactly("VendUnresolved");
        VendUnresolved u = (VendUnresolved) events.get(0);
        Requery r = schedule(Kind.VEND, "o-forever");
        assertThat(r.state()).isEqualTo(State.ESCALATED);
        assertThat(u.getEnvelope().getOccurredAt()).isAfterOrEqualTo(r.deadlineAt().minusMillis(1));
        assertThat(u.getRequeryCount()).isGreaterThanOrEqualTo(10);
        assertThat(u.getLastProviderCode()).isEqualTo("099");
        assertThat(u.getReason()).startsWith("deadline passed");
        assertThat(counter("vendstream.poller.escalations", "provider", ScriptedProviders.PROVIDER))
                .isGreaterThanOrEqualTo(1);

        // Requeries go on at the slow rate, and nothing else is published.
        int before = ScriptedProviders.RECORD.calls("forever-1").size();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ScriptedProviders.RECORD.calls("forever-1").size() >= before + 2);
        assertThat(types(infra.eventsFor("o-forever"))).containsExactly("VendUnresolved");
    }

    @Test
    void aLateSuccessAfterEscalationIsRecordedAndResolvesTheOrder() {
        infra.send(Topics.VEND_OUTCOMES, "o-late", vendPending("o-late", ScriptedProviders.PROVIDER, "late-1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> types(infra.eventsFor("o-late"))
                .contains("VendUnresolved"));
        Gauge unresolved = meters().find("vendstream.poller.unresolved")
                .tag("provider", ScriptedProviders.PROVIDER).gauge();
        assertThat(unresolved).isNotNull();
        assertThat(unresolved.value()).isGreaterThanOrEqualTo(1);

        ScriptedProviders.RECORD.answerNow.add("late-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> infra.eventsFor("o-late").size() == 2);
        assertThat(types(infra.eventsFor("o-late"))).containsExactly("VendUnresolved", "VendSucceeded");
        Requery r = schedule(Kind.VEND, "o-late");
        assertThat(r.state()).isEqualTo(State.SUCCEEDED);
        assertThat(r.resolution().afterEscalation()).isTrue();
        assertThat(counter("vendstream.poller.resolved", "provider", ScriptedProviders.PROVIDER,
                "after_escalation", "true")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aContradictoryAnswerIsKeptAsEvidenceNotASecondStateChange() {
        infra.send(Topics.VEND_OUTCOMES, "o-contra",
                vendPending("o-contra", ScriptedProviders.PROVIDER, "contra-1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !schedule(Kind.VEND, "o-contra").contradictions().isEmpty());
        Requery r = schedule(Kind.VEND, "o-contra");
        assertThat(r.state()).isEqualTo(State.FAILED);
        Requery.Evidence contradiction = r.contradictions().get(0);
        assertThat(contradiction.outcome()).isEqualTo(State.SUCCEEDED);
        assertThat(contradiction.code()).isEqualTo("000");
        assertThat(counter("vendstream.poller.contradictions", "provider", ScriptedProviders.PROVIDER))
                .isGreaterThanOrEqualTo(1);
        // Only the recorded failure was ever published, and nothing follows it.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> types(infra.eventsFor("o-contra")).equals(List.of("VendFailed")));
        assertThat(r.nextDueAt()).isNull();
    }

    @Test
    void redeliveredAndRepeatedVendPendingGiveOneScheduleAndOneTerminalEvent() {
        String orderId = "o-dup";
        for (int i = 0; i < 3; i++) {
            infra.send(Topics.VEND_OUTCOMES, orderId, vendPending(orderId, ScriptedProviders.PROVIDER, "ok-dup"));
        }
        // The same vend reported pending again under another event id (e.g. after vend-service's lease sweep).
        infra.send(Topics.VEND_OUTCOMES, orderId, vendPending(orderId, ScriptedProviders.PROVIDER, "ok-dup",
                "another-event-id"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor(orderId).isEmpty());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> types(infra.eventsFor(orderId)).equals(List.of("VendSucceeded")));
        Requery r = schedule(Kind.VEND, orderId);
        assertThat(r.causeEventIds()).hasSize(2);
        assertThat(r.attempts()).isLessThanOrEqualTo(4);
    }

    @Test
    void otherOutcomeTypesOnTheSameTopicStartNoSchedule() {
        VendSucceeded done = VendSucceeded.newBuilder()
                .setEnvelope(Envelopes.create("done-1", VendSucceeded.class, "o-done", java.time.Instant.now(),
                        java.time.LocalDate.now(), "m1", "vend-service", "o-done", null))
                .setVend(com.vendstream.events.VendRef.newBuilder().setProvider(ScriptedProviders.PROVIDER)
                        .setProviderReference("ok-done").build())
                .setAmount(new com.vendstream.events.Money(100L, "NGN")).setResolvedBy(Resolution.VEND_CALL).build();
        infra.send(Topics.VEND_OUTCOMES, "o-done", done);
        // A pending event sent after it on the same partition proves the first one was consumed.
        infra.send(Topics.VEND_OUTCOMES, "o-done", vendPending("o-done", ScriptedProviders.PROVIDER, "ok-after"));

        await().atMost(Duration.ofSeconds(20)).until(() -> poller.getBean(RequeryStore.class)
                .find(Kind.VEND.id("o-done")).isPresent());
        assertThat(schedule(Kind.VEND, "o-done").reference()).isEqualTo("ok-after");
        assertThat(ScriptedProviders.RECORD.calls("ok-done")).isEmpty();
    }

    @Test
    void throttledRequeriesBackOffDoublingAndThenResolve() {
        infra.send(Topics.VEND_OUTCOMES, "o-429",
                vendPending("o-429", ScriptedProviders.THROTTLING_PROVIDER, "throttle-1"));

        await().atMost(Duration.ofSeconds(30)).until(() -> !infra.eventsFor("o-429").isEmpty());
        assertThat(types(infra.eventsFor("o-429"))).containsExactly("VendSucceeded");
        List<ScriptedProviders.Call> calls = ScriptedProviders.RECORD.calls("throttle-1");
        assertThat(calls).hasSizeGreaterThanOrEqualTo(3);
        // The schedule says every 200 ms; after 429s the pauses are 1 s, then 2 s.
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(1000));
        assertThat(Duration.between(calls.get(1).at(), calls.get(2).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(2000));
        assertThat(counter("vendstream.poller.throttled", "provider", ScriptedProviders.THROTTLING_PROVIDER))
                .isEqualTo(2);
        assertThat(schedule(Kind.VEND, "o-429").state()).isEqualTo(State.SUCCEEDED);
    }

    @Test
    void pendingCollectionsAndPayoutsAreResolvedOnThePaymentResolutionsTopic() {
        infra.send(Topics.PAYMENTS, "o-pay", paymentPending("o-pay", "pay-ok-1", PaymentKind.COLLECTION));
        infra.send(Topics.PAYMENTS, "o-payout", paymentPending("o-payout", "pay-fail-1", PaymentKind.PAYOUT));

        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor("o-pay").isEmpty()
                && !infra.eventsFor("o-payout").isEmpty());
        PaymentCollected collected = (PaymentCollected) infra.eventsFor("o-pay").get(0);
        assertThat(collected.getReferenceId()).isEqualTo("pay-ok-1");
        assertThat(collected.getFee().getAmountMinor()).isEqualTo(150L);
        assertThat(collected.getProviderTransactionId()).isEqualTo("dollr-tx-pay-ok-1");
        PayoutFailed failed = (PayoutFailed) infra.eventsFor("o-payout").get(0);
        assertThat(failed.getReason()).isEqualTo("MoMo declined");
        assertThat(infra.poll().stream().filter(r -> r.key().startsWith("o-pay"))
                .map(rec -> rec.topic()).distinct()).containsExactly(Topics.PAYMENT_RESOLUTIONS.topic());
        assertThat(Events.describe(collected)).contains("o-pay");
    }

    @Test
    void aCollectionStillProcessingAtItsDeadlineIsUnresolvedThenSettledOnceByALateAnswer() {
        infra.send(Topics.PAYMENTS, "o-momo-late", paymentPending("o-momo-late", "late-pay-1", PaymentKind.COLLECTION,
                ScriptedProviders.LATE_PAYMENTS));

        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor("o-momo-late").isEmpty());
        PaymentUnresolved u = (PaymentUnresolved) infra.eventsFor("o-momo-late").get(0);
        Requery r = schedule(Kind.COLLECTION, "late-pay-1");
        assertThat(r.state()).isEqualTo(State.ESCALATED);
        assertThat(u.getKind()).isEqualTo(PaymentKind.COLLECTION);
        assertThat(u.getReferenceId()).isEqualTo("late-pay-1");
        assertThat(u.getAmount().getAmountMinor()).isEqualTo(100_000L);
        assertThat(u.getEnvelope().getOccurredAt()).isAfterOrEqualTo(r.deadlineAt().minusMillis(1));
        assertThat(u.getRequeryUntil()).isEqualTo(r.deadlineAt().plusSeconds(4));
        assertThat(u.getLastProviderStatus()).isEqualTo("PENDING");
        assertThat(infra.poll().stream().filter(rec -> rec.key().equals("o-momo-late")).map(rec -> rec.topic())
                .distinct()).containsExactly(Topics.PAYMENT_RESOLUTIONS.topic());

        // The wallet operator answers late: the slow requeries pick it up, one event, once.
        ScriptedProviders.RECORD.answerNow.add("late-pay-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> infra.eventsFor("o-momo-late").size() == 2);
        assertThat(types(infra.eventsFor("o-momo-late"))).containsExactly("PaymentUnresolved", "PaymentCollected");
        assertThat(((PaymentCollected) infra.eventsFor("o-momo-late").get(1)).getProviderTransactionId())
                .isEqualTo("late-tx-late-pay-1");
        assertThat(schedule(Kind.COLLECTION, "late-pay-1").state()).isEqualTo(State.SUCCEEDED);
    }

    @Test
    void anUnresolvedPaymentIsRequeriedOnlyForItsRequeryPeriod() {
        infra.send(Topics.PAYMENTS, "o-momo-never", paymentPending("o-momo-never", "never-pay-1", PaymentKind.PAYOUT,
                ScriptedProviders.LATE_PAYMENTS));

        await().atMost(Duration.ofSeconds(30)).until(() -> schedule(Kind.PAYOUT, "never-pay-1").requeriesStoppedAt() != null);
        Requery r = schedule(Kind.PAYOUT, "never-pay-1");
        assertThat(r.state()).isEqualTo(State.ESCALATED);
        assertThat(r.nextDueAt()).isNull();
        assertThat(r.requeriesStoppedAt()).isAfterOrEqualTo(r.deadlineAt().plusSeconds(4));
        assertThat(types(infra.eventsFor("o-momo-never"))).containsExactly("PaymentUnresolved");
        assertThat(((PaymentUnresolved) infra.eventsFor("o-momo-never").get(0)).getKind()).isEqualTo(PaymentKind.PAYOUT);
        assertThat(counter("vendstream.poller.requeries.stopped", "provider", ScriptedProviders.LATE_PAYMENTS))
                .isEqualTo(1);
    }
}
