package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vendstream.order.api.PlacementAdmission;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;
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
