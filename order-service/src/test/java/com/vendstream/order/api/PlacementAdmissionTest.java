package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The refused paths of admission control, past a limit of one: whatever happens to the replay look-up, a
 * refused request is answered 503 with Retry-After (nothing was done), never a 500; and a place is free again
 * by the time its answer arrives.
 */
class PlacementAdmissionTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PlacementAdmission admission = new PlacementAdmission(1, 1, Duration.ofSeconds(3), meters);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        admission.close();
    }

    private void fillTheOnePlace() {
        admission.run("order", () -> release.await(30, TimeUnit.SECONDS)).subscribe();
        await().atMost(Duration.ofSeconds(10)).until(() -> admission.inFlight() == 1);
    }

    @Test
    void aFailingReplayLookUpStillAnswersTheRefusalNotAnError() {
        fillTheOnePlace();

        Mono<String> refused = admission.run("order", () -> "placed", () -> {
            throw new IllegalStateException("store timed out");
        });

        assertThatThrownBy(() -> refused.block(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(503);
                    assertThat(e.getHeaders().getFirst("Retry-After")).isEqualTo("3");
                    assertThat(e.getBody().getProperties()).containsEntry("reasonCode", "OVERLOADED");
                });
        assertThat(meters.counter("vendstream.order.admission.refused", "operation", "order").count()).isEqualTo(1);
    }

    /**
     * Nobody is left to tell: a failure of work whose client left is logged (what failed, not the request), so
     * the operator can look for what the recovery sweep will finish. A refusal (a problem answer) is an outcome.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void workThatFailsAfterItsClientLeftIsLoggedButARefusalIsNot(CapturedOutput output) {
        leaveThenEnd(new ErrorResponseException(HttpStatus.UNPROCESSABLE_ENTITY));
        // One pool thread (a limit of one): the refusal's completion is handled before the next work starts.
        leaveThenEnd(new IllegalStateException("store timed out"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                .contains("A order whose client had left failed: java.lang.IllegalStateException: store timed out"));
        assertThat(output.getOut().split("whose client had left", -1)).hasSize(2);
    }

    /** Admits work that ends with {@code end} once its client has gone. */
    private void leaveThenEnd(RuntimeException end) {
        CountDownLatch left = new CountDownLatch(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> admission.inFlight() == 0);
        Disposable client = admission.run("order", () -> {
            left.await(10, TimeUnit.SECONDS);
            throw end;
        }).subscribe(v -> { }, e -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> admission.inFlight() == 1);
        client.dispose();
        left.countDown();
    }

    @Test
    void thePlaceIsFreeWhenTheAnswerArrives() {
        for (int i = 0; i < 20; i++) {
            // Each answer comes after its place was given back, so the next one is admitted, never refused.
            int n = i;
            assertThat(admission.run("order", () -> n).block(Duration.ofSeconds(10))).isEqualTo(n);
        }
        assertThat(meters.find("vendstream.order.admission.refused").counter()).isNull();
    }
}
