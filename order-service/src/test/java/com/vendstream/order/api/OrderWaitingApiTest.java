package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.FailureClass;
import com.vendstream.order.ApiTestSupport;
import com.vendstream.order.order.OrderStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Waiting for an order's outcome instead of polling it: the long poll {@code GET /v1/orders/{id}/outcome}
 * and the server-sent events of {@code GET /v1/orders/{id}/events}. The outcomes come from the vend
 * outcomes topic, published here in vend-service's place.
 */
class OrderWaitingApiTest extends ApiTestSupport {

    private static final ParameterizedTypeReference<Map<String, Object>> VIEW = new ParameterizedTypeReference<>() {
    };

    @Value("${vendstream.order.waits.max-per-merchant:20}")
    int maxWaits;
    @Autowired
    ReactiveMongoTemplate mongo;

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
        Disposable stream = follow(orderId, events, ended);
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
    void anOrderAwaitingPaymentKeepsTheLongPollAndTheEventStreamWaiting() throws Exception {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        // As a mobile-money order waiting for the payer: AWAITING_PAYMENT is not an outcome.
        setState(orderId, "AWAITING_PAYMENT");
        CompletableFuture<Map<String, Object>> answer = webClient().get()
                .uri("/v1/orders/{id}/outcome?timeout=PT30S", orderId).retrieve().bodyToMono(VIEW).toFuture();
        List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
        AtomicBoolean ended = new AtomicBoolean();
        Disposable stream = follow(orderId, events, ended);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            assertThat(events.get(0)).containsEntry("state", "AWAITING_PAYMENT");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> !answer.isDone() && !ended.get());

            // Paid: the vend goes ahead and completes; both waits see the outcome.
            setState(orderId, "VENDING");
            publish(succeeded(orderId, "r-" + orderId, 5000, "TOKEN-9"), orderId);
            assertThat(answer.get(25, TimeUnit.SECONDS)).containsEntry("state", "COMPLETED");
            await().atMost(Duration.ofSeconds(20)).untilTrue(ended);
            assertThat(events).extracting(e -> e.get("state")).startsWith("AWAITING_PAYMENT").endsWith("COMPLETED");
        } finally {
            stream.dispose();
        }
    }

    @Test
    void aMerchantsWaitsBeyondItsCapAre429WhileAnotherMerchantStillWaits() {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        String othersOrder = place(SECOND, airtime(ref(), 5000, "second-float-ngn"));
        List<Disposable> streams = new ArrayList<>();
        AtomicInteger opened = new AtomicInteger();
        try {
            for (int i = 0; i < maxWaits; i++) {
                streams.add(webClient().get().uri("/v1/orders/{id}/events", orderId)
                        .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(VIEW)
                        .subscribe(e -> opened.incrementAndGet()));
            }
            await().atMost(Duration.ofSeconds(20)).untilAtomic(opened, org.hamcrest.Matchers.equalTo(maxWaits));

            for (var wait : Map.of("/v1/orders/" + orderId + "/events", MediaType.TEXT_EVENT_STREAM,
                    "/v1/orders/" + orderId + "/outcome?timeout=PT1S", MediaType.APPLICATION_JSON).entrySet()) {
                client.get().uri(wait.getKey()).header("Authorization", "Bearer " + DEMO).accept(wait.getValue())
                        .exchange()
                        .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                        .expectHeader().exists("Retry-After")
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody().jsonPath("$.reasonCode").isEqualTo("TOO_MANY_WAITS");
            }
            // Another merchant is not held up by this one's waits.
            Map<String, Object> first = WebClient.builder().baseUrl("http://localhost:" + port)
                    .defaultHeader("Authorization", "Bearer " + SECOND).build().get()
                    .uri("/v1/orders/{id}/events", othersOrder).accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                    .bodyToFlux(VIEW).blockFirst(Duration.ofSeconds(10));
            assertThat(first).containsEntry("orderId", othersOrder).containsEntry("state", "VENDING");
        } finally {
            streams.forEach(Disposable::dispose);
        }
        // Closed streams give their places back.
        await().atMost(Duration.ofSeconds(10)).until(() -> get(DEMO, "/v1/orders/" + orderId + "/outcome?timeout=PT0S")
                .returnResult(String.class).getStatus().is2xxSuccessful());
    }

    @Test
    void waitsAreAnsweredWhileEveryThreadOfThePlacementPoolIsBusy() throws Exception {
        String orderId = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        setState(orderId, "COMPLETED");
        // The API's other blocking calls run on Reactor's shared bounded-elastic pool: occupy every thread of it.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE);
        for (int i = 0; i < Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE; i++) {
            Schedulers.boundedElastic().schedule(() -> {
                busy.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            Map<String, Object> outcome = webClient().get().uri("/v1/orders/{id}/outcome?timeout=PT20S", orderId)
                    .retrieve().bodyToMono(VIEW).block(Duration.ofSeconds(10));
            assertThat(outcome).containsEntry("state", "COMPLETED");
            List<Map<String, Object>> events = webClient().get().uri("/v1/orders/{id}/events", orderId)
                    .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(VIEW).collectList()
                    .block(Duration.ofSeconds(10));
            assertThat(events).extracting(e -> e.get("state")).containsExactly("COMPLETED");
        } finally {
            release.countDown();
        }
    }

    /** Opens the order's event stream, collecting its events and noting when it ends. */
    private Disposable follow(String orderId, List<Map<String, Object>> events, AtomicBoolean ended) {
        return webClient().get().uri("/v1/orders/{id}/events", orderId)
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(VIEW)
                .subscribe(events::add, e -> ended.set(true), () -> ended.set(true));
    }

    private void setState(String orderId, String state) {
        Mono.from(mongo.getCollection(OrderStore.COLLECTION).block().updateOne(new Document("_id", orderId),
                new Document("$set", new Document("state", state)))).block();
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
