package com.vendstream.vend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    static final StubProvider HANGING = new StubProvider("vtpass", true);
    static final StubProvider PROMPT = new StubProvider("pagamio", false);

    /** Counts vends per order; a hanging one answers only once the test releases it. */
    static final class StubProvider implements VendConnector {
        final String id;
        final boolean hangs;
        final Map<String, AtomicInteger> vendsPerAccount = new ConcurrentHashMap<>();
        final CountDownLatch called = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        StubProvider(String id, boolean hangs) {
            this.id = id;
            this.hangs = hangs;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<ServiceType> services() {
            return Set.of(ServiceType.values());
        }

        @Override
        public String newReference() {
            return UUID.randomUUID().toString();
        }

        @Override
        public VendOutcome vend(VendCommand command) {
            vendsPerAccount.computeIfAbsent(command.account(), a -> new AtomicInteger()).incrementAndGet();
            called.countDown();
            if (hangs) {
                try {
                    // The provider's silence, ended by the test.
                    release.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new VendOutcome.Succeeded("000", "tx-" + command.reference(), "1234", "5 kWh", List.of(), Map.of(), null);
        }

        @Override
        public VendOutcome requery(RequeryCommand command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AccountVerification verify(VerifyCommand command) {
            throw new UnsupportedOperationException();
        }
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
        HANGING.release.countDown();
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
            await().atMost(Duration.ofSeconds(60)).until(() -> HANGING.called.getCount() == 0);

            producer.send(new ProducerRecord<>(Topics.VEND_REQUESTS.topic(), 0, promptOrder,
                    request(promptOrder, "08022222222", "pagamio"))).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                collect(outcomes, succeeded);
                return succeeded.containsKey(promptOrder);
            });
            assertThat(HANGING.release.getCount()).as("the hanging call is still held").isEqualTo(1);
            assertThat(succeeded).doesNotContainKey(slowOrder);

            HANGING.release.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                collect(outcomes, succeeded);
                return succeeded.containsKey(slowOrder);
            });
        }
        assertThat(HANGING.vendsPerAccount.get("08011111111").get()).isEqualTo(1);
        assertThat(PROMPT.vendsPerAccount.get("08022222222").get()).isEqualTo(1);
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
