package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The merchant-facing edge of a running order-service (issue 16): a merchant rolling its key has two live keys,
 * and a retired one is 401; a per-merchant rate limit answers 429 with {@code Retry-After}; request bodies
 * above 16 KiB are 413 before they are read whole, declared or streamed. Two merchants besides the usual ones:
 * {@code rolling-merchant} (keys {@code rolling-key-2} current, {@code rolling-key-3} next; {@code rolling-key-1}
 * retired) and {@code limited-merchant} (3 requests an hour).
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
@SpringBootTest(classes = com.vendstream.order.OrderServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=order-service", "vendstream.order.recovery-interval=PT1H",
                // The list replaces order-service.yml's: the two usual merchants as there, and two of this test's.
                "vendstream.merchants[0].id=demo-merchant",
                "vendstream.merchants[0].api-key-sha256=d09453e5d5a47120605987b7b9cda1e9469ccf81d6864edb0c9af39287900749",
                "vendstream.merchants[0].time-zone=Africa/Lagos",
                "vendstream.merchants[0].wallets[0].id=demo-float-ngn",
                "vendstream.merchants[0].wallets[0].currency=NGN",
                "vendstream.merchants[0].wallets[0].opening-balance-minor=100000000",
                "vendstream.merchants[1].id=second-merchant",
                "vendstream.merchants[1].api-key-sha256=60519cf3bc9405d28693f4bb92d40580dbd0ae19673786bccdcabe4f51860dc5",
                "vendstream.merchants[1].provider-scopes.pagamio=SUB-AIRTIME-ONLY",
                "vendstream.merchants[2].id=rolling-merchant",
                // sha256("rolling-key-2") and sha256("rolling-key-3")
                "vendstream.merchants[2].api-key-sha256=dbe0658f638b73801437d3346cbae89fe8bad7f5b9f53422eb9807940089a6f4",
                "vendstream.merchants[2].next-api-key-sha256=59485d8c1ed4645569afd3cba02ceca475e34b0bdbbace3c4e5721c14b9fb5a9",
                "vendstream.merchants[3].id=limited-merchant",
                // sha256("limited-key")
                "vendstream.merchants[3].api-key-sha256=f33b2500796d61f96eeef0f5331ddc40c17e434aff139f4d9e00bfe75170d87a",
                "vendstream.order.rate-limit.merchants.limited-merchant.requests=3",
                "vendstream.order.rate-limit.merchants.limited-merchant.per=PT1H"})
class MerchantEdgeApiTest extends ApiTestSupport {

    @Autowired
    MeterRegistry meters;

    @Test
    void bothLiveKeysWorkARetiredKeyIs401AndNoKeyIsEverLogged(CapturedOutput output) {
        for (String key : List.of("rolling-key-2", "rolling-key-3")) {
            get(key, "/v1/orders?size=1").expectStatus().isOk();
            get(key, "/v1/wallets").expectStatus().isOk();
        }
        for (String retired : List.of("rolling-key-1", "Rolling-key-2")) {
            get(retired, "/v1/orders?size=1")
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"vendstream\"")
                    .expectBody()
                    .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/unauthenticated")
                    .jsonPath("$.status").isEqualTo(401)
                    .jsonPath("$.reasonCode").isEqualTo("UNAUTHENTICATED")
                    .jsonPath("$.instance").isEqualTo("/v1/orders");
        }

        assertThat(output.getAll()).doesNotContain("rolling-key-1", "rolling-key-2", "rolling-key-3",
                "Rolling-key-2", DEMO);
    }

    @Test
    void aMerchantOverItsRateLimitIs429WithRetryAfterCountedAndOthersGoOn() {
        Counter rejected = meters.counter("vendstream.order.rate_limit.rejected", "merchant", "limited-merchant");
        double before = rejected.count();
        for (int i = 0; i < 3; i++) {
            get("limited-key", "/v1/catalog/services").expectStatus().isOk();
        }

        get("limited-key", "/v1/catalog/services").expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value("Retry-After", v -> assertThat(Long.parseLong(v)).isBetween(1L, 3600L))
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/rate-limited")
                .jsonPath("$.reasonCode").isEqualTo("RATE_LIMITED")
                .jsonPath("$.status").isEqualTo(429)
                // Honest about what it is: each instance counts alone (one instance here: it takes all 3).
                .jsonPath("$.detail").isEqualTo("About 3 requests per PT1H are accepted from a merchant, counted by "
                        + "each instance of the service on its own (this one takes 3); nothing was done, retry after "
                        + "the time given");
        // A placement is refused the same way, before anything is read or stored.
        post("limited-key", airtime(ref(), 5_000, "demo-float-ngn")).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);

        assertThat(rejected.count() - before).isEqualTo(2.0);
        Map<String, Object> document = OpenApiDocumentTest.served(client);
        OpenApiDocumentTest.documented(document, "get", "/v1/catalog/services", 429);
        OpenApiDocumentTest.documented(document, "post", "/v1/orders", 429);
        // Per merchant: the others are not held back by it.
        get(SECOND, "/v1/catalog/services").expectStatus().isOk();
        get("rolling-key-2", "/v1/catalog/services").expectStatus().isOk();
    }

    @Test
    void aDeclaredBodyAboveTheLimitIs413BeforeAnyOfItIsSent() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            // Only the headers: the answer must come without the server waiting for the megabyte announced.
            http.send("POST /v1/orders HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + DEMO
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n");
            RawHttp.Response response = http.read();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.headers().get("Content-Type")).startsWith("application/problem+json");
            assertThat(response.body()).contains("\"reasonCode\":\"PAYLOAD_TOO_LARGE\"", "\"maxBytes\":16384",
                    "\"status\":413");
        }
    }

    @Test
    void aChunkedBodyIsRefusedAsSoonAsItCrossesTheLimit() throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            http.send("POST /v1/orders HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + DEMO
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            http.chunk("{\"clientReference\":\"" + ref() + "\",\"note\":\"");
            String filler = "x".repeat(4096);
            for (int i = 0; i < 5; i++) {
                http.chunk(filler);
            }
            // The body is not finished (no last chunk): the answer comes from the cap, not from the end of the body.
            RawHttp.Response response = http.read();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.headers().get("Content-Type")).startsWith("application/problem+json");
            assertThat(response.body()).contains("PAYLOAD_TOO_LARGE", "16384");
        }
    }

    @Test
    void aChunkedOrderUnderTheLimitIsPlaced() throws Exception {
        String body = "{\"clientReference\":\"" + ref() + "\",\"service\":\"AIRTIME\",\"billerId\":\"MTN\","
                + "\"account\":\"08011111111\",\"amount\":{\"minor\":5000,\"currency\":\"NGN\"},"
                + "\"payment\":{\"method\":\"WALLET\",\"walletId\":\"demo-float-ngn\"}}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/orders"))
                .header("Authorization", "Bearer " + DEMO).header("Content-Type", "application/json")
                // From a stream: no Content-Length, so java.net.http sends it chunked.
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }
}
