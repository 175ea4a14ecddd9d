package com.vendstream.vend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.ScriptedConnector;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 13: a provider call that does not answer holds up no other order. A vend to a provider that
 * hangs (held here until the test lets it go) is in flight; a request for another order on the SAME
 * partition, to a provider that answers at once, is consumed, vended and its outcome published while the
 * first call is still held. Before, the batch, and so the partition's next poll, waited for every call in
 * it. Both orders are vended once.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = {VendServiceApplication.class, VendHeadOfLineKafkaTest.Providers.class},
        properties = {"spring.config.name=vend-service"})
class VendHeadOfLineKafkaTest {

    static EmbeddedParts parts;
    /** Counted down when the hanging provider is called; it answers once the test counts down RELEASE. */
    static final CountDownLatch CALLED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final ScriptedConnector HANGING = new ScriptedConnector("vtpass").onVend((command, call) -> {
        CALLED.countDown();
        try {
            // The provider's silence, ended by the test.
            RELEASE.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return succeeded(command);
    });
    static final ScriptedConnector PROMPT = new ScriptedConnector("pagamio").onVend((command, call) -> succeeded(command));

    static VendOutcome succeeded(VendCommand command) {
        return new VendOutcome.Succeeded("000", "tx-" + command.reference(), "1234", "5 kWh", List.of(), Map.of(), null);
    }

    @TestConfiguration
    static class Providers {
        @Bean
        VendConnector hangingProvider() {
            return HANGING;
        }

        @Bean
        VendConnector promptProvider() {
            return PROMPT;
        }
    }

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(6);
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "vend");
    }

    static VendRequested request(String orderId, String account, String provider) {
        return VendRequested.newBuilder(VendServiceKafkaTest.request(orderId, account)).setPreferredProvider(provider)
                .build();
    }

    @Test
    void aHangingProviderCallHoldsUpNoOtherOrderOnItsPartition() throws Exception {
        String slowOrder = "hol-slow-" + UUID.randomUUID();
        String promptOrder = "hol-prompt-" + UUID.randomUUID();
        Map<String, List<String>> succeeded = new ConcurrentHashMap<>();
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(parts.avroProducerSettings());
             KafkaConsumer<String, Object> outcomes = new KafkaConsumer<>(parts.avroConsumerSettings())) {
            outcomes.subscribe(List.of(Topics.VEND_OUTCOMES.topic()));
            // Both on partition 0: one consumer, one batch after the other.
            producer.send(new ProducerRecord<>(Topics.VEND_REQUESTS.topic(), 0, slowOrder,
                    request(slowOrder, "08011111111", "vtpass"))).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> CALLED.getCount() == 0);

            producer.send(new ProducerRecord<>(Topics.VEND_REQUESTS.topic(), 0, promptOrder,
                    request(promptOrder, "08022222222", "pagamio"))).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                collect(outcomes, succeeded);
                return succeeded.containsKey(promptOrder);
            });
            assertThat(RELEASE.getCount()).as("the hanging call is still held").isEqualTo(1);
            assertThat(succeeded).doesNotContainKey(slowOrder);

            RELEASE.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                collect(outcomes, succeeded);
                return succeeded.containsKey(slowOrder);
            });
        }
        assertThat(HANGING.vended).extracting(VendCommand::account).containsOnlyOnce("08011111111");
        assertThat(PROMPT.vended).extracting(VendCommand::account).containsOnlyOnce("08022222222");
        assertThat(succeeded.get(slowOrder)).hasSize(1);
        assertThat(succeeded.get(promptOrder)).hasSize(1);
    }

    private static void collect(KafkaConsumer<String, Object> outcomes, Map<String, List<String>> succeeded) {
        for (ConsumerRecord<String, Object> r : outcomes.poll(Duration.ofMillis(200))) {
            if (r.value() instanceof VendSucceeded s) {
                succeeded.computeIfAbsent(s.getEnvelope().getOrderId(), o -> new ArrayList<>())
                        .add(s.getEnvelope().getEventId());
            }
        }
    }
}
