package com.vendstream.poller;

import static com.vendstream.poller.PollerTestSupport.types;
import static com.vendstream.poller.PollerTestSupport.vendPending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.ManualVendDecision;
import com.vendstream.events.ManualVendOutcome;
import com.vendstream.events.Money;
import com.vendstream.events.RequeryReply;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.poller.requery.DueTimers;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.RequeryStore;
import com.vendstream.poller.requery.State;
import com.vendstream.poller.vend.VendResolutions;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Two operators' decisions reaching status-poller on {@code vendstream.ops.decisions}, on a real KRaft broker, the
 * in-process schema registry and an in-memory MongoDB-wire store. Vends with a {@code manual-} reference escalate at
 * their first requery (the scripted provider answers VTpass's 044: a person must look) and keep answering that.
 */
class ManualDecisionKafkaTest {

    static PollerTestSupport infra;
    static ConfigurableApplicationContext poller;

    @BeforeAll
    static void start() {
        infra = new PollerTestSupport();
        poller = infra.startPoller("A");
        await().atMost(Duration.ofSeconds(60)).until(() -> poller.getBean(DueTimers.class).owned() == 12);
    }

    @AfterAll
    static void stop() {
        if (poller != null) {
            poller.close();
        }
        infra.close();
    }

    @Test
    void aDeliveredDecisionDeliveredTwiceSettlesTheVendOnceAsVendSucceededManual() {
        VendUnresolved unresolved = escalate("o-md-1", "manual-md-1");
        assertThat(unresolved.getRequeries()).as("the provider's replies, for the operators")
                .extracting(RequeryReply::getProviderCode, RequeryReply::getDecision)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("044", "MANUAL"));

        ManualVendDecision delivered = decision("o-md-1", "manual-md-1", "decision-1", ManualVendOutcome.DELIVERED);
        infra.send(Topics.OPS_DECISIONS, "o-md-1", delivered);
        infra.send(Topics.OPS_DECISIONS, "o-md-1", delivered);

        await().atMost(Duration.ofSeconds(20)).until(() -> infra.eventsFor("o-md-1").size() == 2);
        // Exactly once: nothing follows, though the decision came twice and the provider is asked again after it.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> types(infra.eventsFor("o-md-1")).equals(List.of("VendUnresolved", "VendSucceeded")));
        VendSucceeded s = (VendSucceeded) infra.eventsFor("o-md-1").get(1);
        assertThat(s.getResolvedBy()).isEqualTo(Resolution.MANUAL);
        assertThat(s.getToken()).isEqualTo("5555-6666-7777");
        assertThat(s.getUnits()).isEqualTo("8 kWh");
        assertThat(s.getReceipt()).containsEntry("receiptNo", "PORTAL-1");
        assertThat(s.getVend().getProviderReference()).isEqualTo("manual-md-1");
        assertThat(s.getEnvelope().getCausationId()).isEqualTo("decision-1");
        assertThat(poller.getBean(RequeryStore.class).find(Kind.VEND.id("o-md-1")).orElseThrow().state())
                .isEqualTo(State.SUCCEEDED);
    }

    @Test
    void aNotDeliveredDecisionDeliveredTwiceFailsTheVendOnceAsVendFailedManual() {
        escalate("o-md-2", "manual-md-2");

        ManualVendDecision notDelivered = decision("o-md-2", "manual-md-2", "decision-2",
                ManualVendOutcome.NOT_DELIVERED);
        infra.send(Topics.OPS_DECISIONS, "o-md-2", notDelivered);
        infra.send(Topics.OPS_DECISIONS, "o-md-2", notDelivered);

        await().atMost(Duration.ofSeconds(20)).until(() -> infra.eventsFor("o-md-2").size() == 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> types(infra.eventsFor("o-md-2")).equals(List.of("VendUnresolved", "VendFailed")));
        VendFailed f = (VendFailed) infra.eventsFor("o-md-2").get(1);
        assertThat(f.getResolvedBy()).isEqualTo(Resolution.MANUAL);
        assertThat(f.getProviderCode()).isEqualTo(VendResolutions.MANUAL_NOT_DELIVERED);
        assertThat(f.getAmount().getAmountMinor()).isEqualTo(50_000L);

        // A success vend-service reports afterwards contradicts the decision: flagged and kept, never applied.
        infra.send(Topics.VEND_OUTCOMES, "o-md-2", lateSuccess("o-md-2", "manual-md-2"));
        RequeryStore store = poller.getBean(RequeryStore.class);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !store.find(Kind.VEND.id("o-md-2")).orElseThrow().contradictions().isEmpty());
        assertThat(store.find(Kind.VEND.id("o-md-2")).orElseThrow().state()).isEqualTo(State.FAILED);
        assertThat(poller.getBean(MeterRegistry.class).find("vendstream.poller.manual.contradicted")
                .tags("contradicts", "manual_decision", "by", "vend_outcome").counter())
                .isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
        assertThat(types(infra.eventsFor("o-md-2"))).containsExactly("VendUnresolved", "VendFailed");
    }

    private static VendSucceeded lateSuccess(String orderId, String reference) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "VendSucceeded", "vend-call"), VendSucceeded.class,
                orderId, Instant.now(), LocalDate.now(), "m1", "vend-service", orderId, null);
        return VendSucceeded.newBuilder().setEnvelope(e)
                .setVend(VendRef.newBuilder().setProvider(ScriptedProviders.PROVIDER).setProviderReference(reference)
                        .build())
                .setAmount(new Money(50_000L, "NGN")).setToken("0000-1111").setResolvedBy(Resolution.VEND_CALL)
                .build();
    }

    @Test
    void aDecisionForAVendNeverFollowedIsDeadLetteredWithItsCauseAndSettlesNothing() {
        String dlq = Topics.deadLetter(Topics.OPS_DECISIONS.topic(), "status-poller");
        assertThat(dlq).isEqualTo("vendstream.ops.decisions.status-poller.dlq");
        infra.send(Topics.OPS_DECISIONS, "o-md-none",
                decision("o-md-none", "manual-md-none", "decision-3", ManualVendOutcome.NOT_DELIVERED));

        assertThat(deadLetterCause("o-md-none")).contains("UNKNOWN_VEND");
        assertThat(infra.eventsFor("o-md-none")).isEmpty();
    }

    @Test
    void aDecisionItsProposerApprovedIsDeadLetteredAndTheVendStaysEscalated() {
        escalate("o-md-3", "manual-md-3");
        ManualVendDecision self = ManualVendDecision.newBuilder(
                decision("o-md-3", "manual-md-3", "decision-4", ManualVendOutcome.NOT_DELIVERED))
                .setApprovedBy("ada").build();
        infra.send(Topics.OPS_DECISIONS, "o-md-3", self);

        assertThat(deadLetterCause("o-md-3")).contains("SELF_APPROVED").contains("second operator");
        assertThat(poller.getBean(RequeryStore.class).find(Kind.VEND.id("o-md-3")).orElseThrow().state())
                .isEqualTo(State.ESCALATED);
        assertThat(types(infra.eventsFor("o-md-3"))).containsExactly("VendUnresolved");
    }

    /** The cause the dead-lettered decision for the order carries in its headers. */
    private static String deadLetterCause(String orderId) {
        String dlq = Topics.deadLetter(Topics.OPS_DECISIONS.topic(), "status-poller");
        AtomicReference<ConsumerRecord<String, byte[]>> dead = new AtomicReference<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                infra.parts.bytesConsumerSettings("dlq-" + orderId))) {
            consumer.subscribe(List.of(dlq));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (orderId.equals(r.key())) {
                        dead.set(r);
                    }
                });
                return dead.get() != null;
            });
        }
        Header message = dead.get().headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE);
        return new String(message.value(), StandardCharsets.UTF_8);
    }

    /** A vend that goes pending and is escalated at its first requery; its VendUnresolved. */
    private static VendUnresolved escalate(String orderId, String reference) {
        infra.send(Topics.VEND_OUTCOMES, orderId, vendPending(orderId, ScriptedProviders.PROVIDER, reference));
        await().atMost(Duration.ofSeconds(20)).until(() -> !infra.eventsFor(orderId).isEmpty());
        List<SpecificRecord> events = infra.eventsFor(orderId);
        assertThat(types(events)).containsExactly("VendUnresolved");
        return (VendUnresolved) events.get(0);
    }

    private static ManualVendDecision decision(String orderId, String reference, String eventId,
                                               ManualVendOutcome outcome) {
        Envelope e = Envelopes.create(eventId, ManualVendDecision.class, orderId, Instant.now(), LocalDate.now(), "m1",
                "ops-service", "proposal-" + eventId, null);
        boolean delivered = outcome == ManualVendOutcome.DELIVERED;
        return ManualVendDecision.newBuilder().setEnvelope(e)
                .setVend(VendRef.newBuilder().setProvider(ScriptedProviders.PROVIDER).setProviderReference(reference)
                        .build())
                .setAmount(new Money(50_000L, "NGN")).setOutcome(outcome)
                .setToken(delivered ? "5555-6666-7777" : null).setUnits(delivered ? "8 kWh" : null)
                .setReceipt(delivered ? Map.of("receiptNo", "PORTAL-1") : Map.of())
                .setNote("portal shows the transaction " + (delivered ? "delivered" : "reversed"))
                .setProposedBy("ada").setProposedAt(Instant.now().minusSeconds(60))
                .setApprovedBy("grace").setApprovedAt(Instant.now()).build();
    }
}
