package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.order.OrderServiceApplication;
import com.vendstream.wallet.WalletLedger.DebitResult;
import com.vendstream.wallet.WalletStore;
import com.vendstream.wallet.Wallets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebFilter;
import reactor.core.Disposable;

/**
 * Admission control on the money-moving requests (issue 13): past {@code max-in-flight} (2 here) a placement
 * or top-up is 503 {@code OVERLOADED} with {@code Retry-After} at once, a replay of a stored reference is still
 * answered, and places free again as placements finish; an admitted placement whose client leaves is placed
 * in full, without an interrupted store call. Real store, broker and catalogue; only the wallet debit of
 * wallets named {@code held-...} waits on a latch, so that placements are slow exactly as long as the test says.
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
@SpringBootTest(classes = {OrderServiceApplication.class, PlacementAdmissionApiTest.Held.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=order-service", "vendstream.order.recovery-interval=PT1H",
                "vendstream.order.admission.max-in-flight=2"})
class PlacementAdmissionApiTest extends ApiTestSupport {

    /** Debits of {@code held-...} wallets wait here until released; an interrupt while waiting is counted. */
    static final AtomicInteger waiting = new AtomicInteger();
    static final AtomicInteger interrupted = new AtomicInteger();
    static final AtomicInteger placementsCancelled = new AtomicInteger();
    static volatile CountDownLatch release = new CountDownLatch(1);

    @TestConfiguration
    static class Held {
        @Bean
        @Primary
        Wallets heldWallets(WalletStore store, Clock clock, MeterRegistry meters) {
            return new Wallets(store, new BCryptPasswordEncoder(4), clock, 5, Duration.ofMinutes(30), meters) {
                @Override
                public DebitResult debit(String walletId, String orderId, String currency, long amountMinor) {
                    if (walletId.startsWith("held-")) {
                        waiting.incrementAndGet();
                        try {
                            if (!release.await(30, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("the test never released the debit");
                            }
                        } catch (InterruptedException e) {
                            // As a blocking store call does when interrupted: it fails, the write not made.
                            interrupted.incrementAndGet();
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted", e);
                        } finally {
                            waiting.decrementAndGet();
                        }
                    }
                    return super.debit(walletId, orderId, currency, amountMinor);
                }
            };
        }

        /** Notes when the server gives up a placement because its client left. */
        @Bean
        WebFilter placementCancellations() {
            return (exchange, chain) -> chain.filter(exchange).doOnCancel(() -> {
                if (exchange.getRequest().getMethod() == HttpMethod.POST
                        && exchange.getRequest().getPath().value().equals("/v1/orders")) {
                    placementsCancelled.incrementAndGet();
                }
            });
        }
    }

    @Autowired
    WalletStore walletStore;
    @Autowired
    PlacementAdmission admission;
    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void hold() {
        release = new CountDownLatch(1);
        interrupted.set(0);
    }

    @AfterEach
    void letGo() {
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> admission.inFlight() == 0);
    }

    private String heldWallet(long openingMinor) {
        String id = "held-" + UUID.randomUUID();
        walletStore.createIfAbsent(id, "demo-merchant", "CUSTOMER", "NGN", openingMinor, null);
        return id;
    }

    private WebClient webClient() {
        return WebClient.builder().baseUrl("http://localhost:" + port)
                .defaultHeader("Authorization", "Bearer " + DEMO).build();
    }

    private CompletableFuture<ResponseEntity<Map>> placeAsync(Map<String, Object> body) {
        return webClient().post().uri("/v1/orders").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .retrieve().toEntity(Map.class).toFuture();
    }

    private double refused(String operation) {
        Counter c = meters.find("vendstream.order.admission.refused").tag("operation", operation).counter();
        return c == null ? 0 : c.count();
    }

    @SuppressWarnings("unchecked")
    private long balance(String walletId) {
        Map<String, Object> wallet = get(DEMO, "/v1/wallets/" + walletId).expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
        return ((Number) ((Map<String, Object>) wallet.get("balance")).get("minor")).longValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void pastTheLimitPlacementsAndTopUpsAre503WithRetryAfterWhileReplaysAreAnsweredAndPlacesFreeAgain() {
        Map<String, Object> earlier = airtime(ref(), 5000, "demo-float-ngn");
        String earlierId = place(DEMO, earlier);
        String held = heldWallet(1_000_000);
        List<CompletableFuture<ResponseEntity<Map>>> running = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            running.add(placeAsync(airtime(ref(), 5000, held)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> waiting.get() == 2);
        double ordersRefused = refused("order");
        double topUpsRefused = refused("top-up");

        post(DEMO, airtime(ref(), 5000, "demo-float-ngn")).expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "2")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(503)
                .jsonPath("$.reasonCode").isEqualTo("OVERLOADED")
                .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/overloaded")
                .jsonPath("$.orderId").doesNotExist();
        // A top-up moves money through the same wallet writes and shares the limit.
        client.post().uri("/v1/wallets/" + held + "/top-ups").header("Authorization", "Bearer " + DEMO)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reference", ref(), "fromWalletId", "demo-float-ngn",
                        "amount", Map.of("minor", 1000, "currency", "NGN")))
                .exchange().expectStatus().isEqualTo(503).expectHeader().valueEquals("Retry-After", "2")
                .expectBody().jsonPath("$.reasonCode").isEqualTo("OVERLOADED");
        assertThat(refused("order")).isEqualTo(ordersRefused + 1);
        assertThat(refused("top-up")).isEqualTo(topUpsRefused + 1);
        // A replay of a stored reference is answered as usual (one read), full or not.
        Map<String, Object> replay = post(DEMO, earlier).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
        assertThat(replay).containsEntry("orderId", earlierId);
        assertThat(waiting.get()).isEqualTo(2);

        release.countDown();
        for (CompletableFuture<ResponseEntity<Map>> r : running) {
            ResponseEntity<Map> answer = r.join();
            assertThat(answer.getStatusCode().value()).isEqualTo(201);
            assertThat(answer.getBody()).containsEntry("state", "VENDING");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> admission.inFlight() == 0);
        place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        assertThat(balance(held)).isEqualTo(1_000_000 - 2 * 5000);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPlacementWhoseClientLeavesIsPlacedInFullAndItsRetryGetsTheStoredOrder(CapturedOutput output) {
        String held = heldWallet(100_000);
        Map<String, Object> body = airtime(ref(), 5000, held);
        int cancelledBefore = placementsCancelled.get();
        Disposable request = webClient().post().uri("/v1/orders").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).retrieve().toBodilessEntity().subscribe();
        await().atMost(Duration.ofSeconds(20)).until(() -> waiting.get() == 1);

        request.dispose();
        // The server has given the request up (before the fix, this interrupted the placement mid-way).
        await().atMost(Duration.ofSeconds(20)).until(() -> placementsCancelled.get() > cancelledBefore);
        assertThat(admission.inFlight()).as("the placement still holds its place").isEqualTo(1);
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> admission.inFlight() == 0);

        assertThat(interrupted.get()).isZero();
        Map<String, Object> retried = post(DEMO, body).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
        assertThat(retried).containsEntry("state", "VENDING").containsEntry("clientReference", body.get("clientReference"));
        assertThat(balance(held)).isEqualTo(100_000 - 5000);
        Map<String, Object> statement = get(DEMO, "/v1/wallets/" + held + "/statement").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        List<Map<String, Object>> debits = ((List<Map<String, Object>>) statement.get("postings")).stream()
                .filter(p -> "DEBIT".equals(p.get("kind"))).toList();
        assertThat(debits).singleElement().satisfies(p -> assertThat(p).containsEntry("orderId", retried.get("orderId")));
        // A client leaving is not an error of ours (the embedded broker's own log is not ours either).
        assertThat(output.getAll().lines().filter(l -> l.contains(" ERROR "))
                .filter(l -> !l.contains(" o.a.k.") && !l.contains(" kafka."))).isEmpty();
    }
}
