package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.wallet.WalletStore;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Hostile input to the order API (issue 11 items 3, 24, 26, 28 and 29), on the shared running service of
 * {@link ApiTestSupport}: every refusal is a problem-details answer, and nothing is charged.
 */
class OrderInputApiTest extends ApiTestSupport {

    @Autowired
    WalletStore walletStore;

    private long balance(String walletId) {
        return walletStore.find(walletId).orElseThrow().balanceMinor();
    }

    private WebTestClient.ResponseSpec postRaw(String uri, String json) {
        return client.post().uri(uri).header("Authorization", "Bearer " + DEMO).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange();
    }

    private static Map<String, Object> kenyaPower(String meter) {
        return Map.of("clientReference", ref(), "service", "ELECTRICITY", "billerId", "KPLC", "itemId", "prepaid",
                "account", meter, "amount", Map.of("minor", 50_000, "currency", "KES"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-kes"));
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> changed = new HashMap<>(body);
        changed.put(key, value);
        return changed;
    }

    /** Item 3: verification and placement apply the same Luhn rule to a Kenya Power prepaid meter. */
    @Test
    void aKenyaPowerMeterFailingLuhnIsRefusedAtPlacementAsAtVerificationAndNothingIsDebited() {
        long before = balance("demo-float-kes");
        post(DEMO, kenyaPower("12345678912")).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("INVALID_ACCOUNT")
                .jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("Luhn").doesNotContain("12345678912"));
        assertThat(balance("demo-float-kes")).isEqualTo(before);
        // A meter with a right check digit is placed (and charged).
        post(DEMO, kenyaPower("01451174955")).expectStatus().isCreated();
        assertThat(balance("demo-float-kes")).isEqualTo(before - 50_000);
    }

    /** Item 26: a phone biller's account is a phone number, and no account carries control or non-ASCII characters. */
    @Test
    void accountsOfPhoneBillersArePhoneNumbersAndNoAccountCarriesHiddenCharacters() {
        long before = balance("demo-float-ngn");
        for (String notAPhone : List.of("$where", "a.b.c", "0801 111 1111", "1234567", "1234567890123456")) {
            post(DEMO, airtime(ref(), "MTN", notAPhone, 5_000, "demo-float-ngn"))
                    .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                    .expectBody().jsonPath("$.reasonCode").isEqualTo("INVALID_ACCOUNT");
        }
        for (String hidden : List.of("\u202E08011111111\uD83D\uDE00", "0801111\u200B1111", "08011111111\u0000",
                "０８０１１１１１１１１")) {
            post(DEMO, airtime(ref(), "MTN", hidden, 5_000, "demo-float-ngn")).expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.errors[0]").value(e -> assertThat(e.toString()).startsWith("account"));
        }
        // Not a phone biller: the same characters are refused in a smartcard number.
        post(DEMO, Map.of("clientReference", ref(), "service", "CABLE_TV", "billerId", "DSTV", "itemId", "dstv-padi",
                "account", "1212\u202E121212", "amount", Map.of("minor", 290_000, "currency", "NGN"),
                "payment", Map.of("walletId", "demo-float-ngn"))).expectStatus().isBadRequest();
        // customerPhone has the shape of a phone number and a bounded length.
        for (String phone : List.of("1".repeat(10_000), "0801\u202E1111111", "call me")) {
            post(DEMO, with(airtime(ref(), 5_000, "demo-float-ngn"), "customerPhone", phone)).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0]").value(e -> assertThat(e.toString()).startsWith("customerPhone"));
        }
        assertThat(balance("demo-float-ngn")).isEqualTo(before);
        // The sandbox's documented scenario numbers are not real phone numbers, and still pass.
        place(DEMO, airtime(ref(), "AIRTEL", "201000000000", 5_000, "demo-float-ngn"));
        place(DEMO, with(airtime(ref(), 5_000, "demo-float-ngn"), "customerPhone", "+2348011111111"));
    }

    /** Item 26: an amount is a JSON number, never a string that looks like one. */
    @Test
    void anAmountSentAsANumericStringIs400() {
        long before = balance("demo-float-ngn");
        postRaw("/v1/orders", """
                {"clientReference":"%s","service":"AIRTIME","billerId":"MTN","account":"08011111111",
                 "amount":{"minor":"10000","currency":"NGN"},"payment":{"method":"WALLET","walletId":"demo-float-ngn"}}
                """.formatted(ref())).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        postRaw("/v1/orders", """
                {"clientReference":"%s","service":"AIRTIME","billerId":"MTN","account":"08011111111","quantity":"1",
                 "amount":{"minor":10000,"currency":"NGN"},"payment":{"method":"WALLET","walletId":"demo-float-ngn"}}
                """.formatted(ref())).expectStatus().isBadRequest();
        assertThat(balance("demo-float-ngn")).isEqualTo(before);
    }

    /** Item 24: two members with the same name are refused, not resolved by the last one, on every JSON body. */
    @Test
    void duplicateJsonKeysAre400OnEveryBody() {
        long before = balance("demo-float-ngn");
        postRaw("/v1/orders", """
                {"clientReference":"%s","service":"AIRTIME","billerId":"MTN","account":"08011111111",
                 "amount":{"minor":5000,"currency":"NGN"},"amount":{"minor":5000000,"currency":"NGN"},
                 "payment":{"method":"WALLET","walletId":"demo-float-ngn"}}
                """.formatted(ref())).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(400);
        postRaw("/v1/orders", """
                {"clientReference":"%s","service":"AIRTIME","billerId":"MTN","account":"08011111111",
                 "amount":{"minor":5000,"minor":500000,"currency":"NGN"},
                 "payment":{"method":"WALLET","walletId":"demo-float-ngn"}}
                """.formatted(ref())).expectStatus().isBadRequest();
        assertThat(balance("demo-float-ngn")).isEqualTo(before);
        postRaw("/v1/wallets", """
                {"customerId":"dup-%s","customerId":"other","currency":"NGN"}""".formatted(System.nanoTime()))
                .expectStatus().isBadRequest();
        postRaw("/v1/accounts/verify", """
                {"service":"AIRTIME","billerId":"MTN","account":"08011111111","account":"x"}""")
                .expectStatus().isBadRequest();
    }

    /** Item 28: dates out of any sane range are 400, never 500. */
    @Test
    void historyDatesOutsideASaneRangeAre400() {
        for (String query : List.of("from=%2B999999999-12-31T23:59:59Z", "to=-999999999-01-01T00:00:00Z",
                "from=1970-01-01T00:00:00Z", "to=9999-12-31T23:59:59Z", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                "from=not-a-date")) {
            client.get().uri(URI.create("http://localhost:" + port + "/v1/orders?" + query))
                    .header("Authorization", "Bearer " + DEMO).exchange().expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/invalid-request");
        }
        get(DEMO, "/v1/orders?from=2000-01-01T00:00:00Z&size=1").expectStatus().isOk();
    }

    /**
     * Item 29: the merchant key is required for every path but an explicit few public ones, however the
     * path is written (matrix parameters, percent-encoding); with a key such a path works as the plain one.
     */
    @Test
    void pathsWithMatrixParametersOrEncodedCharactersNeedAKeyAndWorkNormallyWithOne() {
        String orderId = place(DEMO, airtime(ref(), 5_000, "demo-float-ngn"));
        List<String> disguised = List.of("/v1;x/orders", "/v1/orders;x=1", "/%761/orders/" + orderId,
                "/v1/%6Frders/" + orderId, "/v1;x/orders/" + orderId, "/V1/orders", "/v1//orders", "/./v1/orders",
                "/actuator/../v1/orders", "/actuator;x/../v1/orders", "/v3/api-docs/../../v1/orders", "/anything");
        for (String path : disguised) {
            client.get().uri(URI.create("http://localhost:" + port + path)).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        client.post().uri(URI.create("http://localhost:" + port + "/v1;x/orders"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(airtime(ref(), 5_000, "demo-float-ngn")).exchange()
                .expectStatus().isUnauthorized();

        for (String path : List.of("/%761/orders/" + orderId, "/v1;x/orders/" + orderId, "/v1/%6Frders/" + orderId)) {
            client.get().uri(URI.create("http://localhost:" + port + path)).header("Authorization", "Bearer " + DEMO)
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.orderId").isEqualTo(orderId);
        }
        client.get().uri(URI.create("http://localhost:" + port + "/v1;x/orders?size=1"))
                .header("Authorization", "Bearer " + DEMO).exchange().expectStatus().isOk();
        client.post().uri(URI.create("http://localhost:" + port + "/v1;x/orders")).header("Authorization", "Bearer " + DEMO)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(airtime(ref(), 5_000, "demo-float-ngn")).exchange()
                .expectStatus().isCreated();
        // Another merchant's order stays invisible through a disguised path too.
        client.get().uri(URI.create("http://localhost:" + port + "/%761/orders/" + orderId))
                .header("Authorization", "Bearer " + SECOND).exchange().expectStatus().isNotFound();
        for (String path : List.of("/actuator;x/../v1/orders", "/anything", "/v1//orders")) {
            client.get().uri(URI.create("http://localhost:" + port + path)).header("Authorization", "Bearer " + DEMO)
                    .exchange().expectStatus().value(s -> assertThat(s).isLessThan(500));
        }
        // The public few.
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        client.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
    }
}
