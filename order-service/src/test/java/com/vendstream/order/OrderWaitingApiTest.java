package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.FailureClass;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * Waiting for an order's outcome instead of polling it: the long poll {@code GET /v1/orders/{id}/outcome}
 * and the server-sent events of {@code GET /v1/orders/{id}/events}. The outcomes come from the vend
 * outcomes topic, published here in vend-service's place.
 */
class OrderWaitingApiTest extends ApiTestSupport {

    private static final ParameterizedTypeReference<Map<String, Object>> VIEW = new ParameterizedTypeReference<>() {
    };

    private WebClient webClient() {
        return WebClient.builder().baseUrl("http://localhost:" + port)
                .defaultHeader("Authorization", "Bearer " + DEMO).build();
    }

    @Test
    void theLongPollAnswersWithTheCurrentStateAfterItsTimeoutAndAtOnceForASettledOrder() {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        long started = System.nanoTime();
        get(DEMO, "/v1/orders/" + orderId + "/outcome?timeout=PT1S").expectStatus().isOk()
                .expectBody().jsonPath("$.orderId").isEqualTo(orderId).jsonPath("$.state").isEqualTo("VENDING");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));

        publish(failed(orderId, "vtpass", "r-" + orderId, 5000, FailureClass.DECLINED_BY_PROVIDER, "016",
                "TRANSACTION FAILED"), orderId);
        awaitState(orderId, "REFUNDED");
        started = System.nanoTime();
        get(DEMO, "/v1/orders/" + orderId + "/outcome?timeout=PT20S").expectStatus().isOk()
                .expectBody().jsonPath("$.state").isEqualTo("REFUNDED")
                .jsonPath("$.failureReason").value(r -> assertThat(r.toString()).contains("DECLINED_BY_PROVIDER"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theLongPollReturnsTheOrderAsSoonAsItSettles() throws Exception {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        long started = System.nanoTime();
        CompletableFuture<Map<String, Object>> answer = webClient().get()
                .uri("/v1/orders/{id}/outcome?timeout=PT30S", orderId).retrieve().bodyToMono(VIEW).toFuture();
        // Still waiting: the order is not settled yet.
        assertThat(answer).isNotDone();
        publish(succeeded(orderId, "r-" + orderId, 5000, "TOKEN-42"), orderId);

        Map<String, Object> settled = answer.get(25, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
        assertThat(settled).containsEntry("orderId", orderId).containsEntry("state", "COMPLETED");
        assertThat(settled.get("vend")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("token", "TOKEN-42").containsEntry("provider", "vtpass");
    }

    @Test
    void theLongPollOfAnUnknownOrAnotherMerchantsOrderIs404() {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        get(SECOND, "/v1/orders/" + orderId + "/outcome?timeout=PT1S").expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get(DEMO, "/v1/orders/no-such-order/outcome?timeout=PT1S").expectStatus().isNotFound();
        get(SECOND, "/v1/orders/" + orderId + "/events").expectStatus().isNotFound();
        get(DEMO, "/v1/orders/" + orderId + "/outcome?timeout=soon").expectStatus().isBadRequest();
    }

    @Test
    void serverSentEventsFollowEachStateUntilTheOrderSettlesAndThenEnd() {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
        AtomicBoolean ended = new AtomicBoolean();
        Disposable stream = webClient().get().uri("/v1/orders/{id}/events", orderId)
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(VIEW)
                .subscribe(events::add, e -> ended.set(true), () -> ended.set(true));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            assertThat(events.get(0)).containsEntry("state", "VENDING");

            publish(pending(orderId, "r-" + orderId, 5000), orderId);
            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream()
                    .anyMatch(e -> "VEND_PENDING".equals(e.get("state"))));
            assertThat(ended).isFalse();

            publish(succeeded(orderId, "r-" + orderId, 5000, "TOKEN-7"), orderId);
            await().atMost(Duration.ofSeconds(20)).untilTrue(ended);
            // One event per state, in order, and the stream ends with the settled order.
            assertThat(events).extracting(e -> e.get("state")).containsExactly("VENDING", "VEND_PENDING", "COMPLETED");
            assertThat(events).allSatisfy(e -> assertThat(e).containsEntry("orderId", orderId));
        } finally {
            stream.dispose();
        }
    }

    @Test
    void serverSentEventsOfASettledOrderAreOneEvent() {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        publish(failed(orderId, "vtpass", "r-" + orderId, 5000, FailureClass.DECLINED_BY_PROVIDER, "016",
                "TRANSACTION FAILED"), orderId);
        awaitState(orderId, "REFUNDED");
        List<Map<String, Object>> events = webClient().get().uri("/v1/orders/{id}/events", orderId)
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(VIEW).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(events).extracting(e -> e.get("state")).containsExactly("REFUNDED");
    }
}
