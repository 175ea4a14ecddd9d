package com.vendstream.order.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Scenario;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Account lookups go through the providers' guards: a provider whose lookups keep failing (the sandbox's
 * VTpass answering 500) opens its verification circuit, and then lookups are kept back without an HTTP call
 * and answered 503 {@code verification-unavailable} with {@code Retry-After}, until the circuit lets one through.
 */
class GuardedVerificationApiTest extends ApiTestSupport {

    /** Ikeja Electric is sold through VTpass and Pay4Power; Pay4Power has no base URL here, so VTpass answers. */
    private static final Map<String, Object> IKEDC_METER = Map.of("service", "ELECTRICITY", "billerId", "IKEDC",
            "itemId", "prepaid", "account", "1111111111111");

    @Test
    void lookupsAVtpassThatKeepsFailingAreKeptBackWithoutACallAndAnswered503WithRetryAfter() {
        CircuitBreaker breaker = context.getBean(AccountVerifier.class).guards().breaker("vtpass");
        Faults faults = Infrastructure.sandbox.getBean(Faults.class);
        CallRecord record = Infrastructure.sandbox.getBean(CallRecord.class);
        breaker.reset(); // what other tests asked before does not count here
        try {
            faults.arm("vtpass", "verify", Scenario.SERVER_ERROR, 10);
            int before = record.calls("vtpass", "verify", null).size();
            // Ten lookups (vendstream.order.guard.minimum-calls) reach VTpass and fail: the answer of always.
            for (int i = 0; i < 10; i++) {
                verify(IKEDC_METER).expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                        .expectHeader().doesNotExist(HttpHeaders.RETRY_AFTER)
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/verification-unavailable")
                        .jsonPath("$.reasonCode").isEqualTo("PROVIDER_UNAVAILABLE");
            }
            assertThat(record.calls("vtpass", "verify", null)).hasSize(before + 10);
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

            // VTpass would answer again (the faults are used up), but the circuit stays open for open-for (30 s):
            // the lookup does not leave, and the merchant is told when to try again.
            verify(IKEDC_METER).expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "30")
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/verification-unavailable")
                    .jsonPath("$.reasonCode").isEqualTo("PROVIDER_UNAVAILABLE")
                    .jsonPath("$.customerName").doesNotExist();
            assertThat(record.calls("vtpass", "verify", null)).hasSize(before + 10);

            // Once the circuit closes, lookups reach VTpass again.
            breaker.reset();
            verify(IKEDC_METER).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("VALID");
            assertThat(record.calls("vtpass", "verify", null)).hasSize(before + 11);
        } finally {
            faults.disarm("vtpass", "verify");
            breaker.reset();
        }
    }

    private WebTestClient.ResponseSpec verify(Map<String, Object> body) {
        return client.post().uri("/v1/accounts/verify").header("Authorization", "Bearer " + DEMO)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
