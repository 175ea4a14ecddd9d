package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.wallet.WalletStore;
import com.vendstream.wallet.Wallets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * The order API with bad input of every kind (issue 5), and the order history, on the shared running
 * service of {@link ApiTestSupport}.
 */
class OrderApiTest extends ApiTestSupport {

    @Autowired
    WalletStore walletStore;
    @Autowired
    Wallets wallets;

    @Test
    void noCredentialsIs401ProblemDetails() {
        client.post().uri("/v1/orders").contentType(MediaType.APPLICATION_JSON).bodyValue(airtime(ref(), 5000, "demo-float-ngn"))
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(401);
        post("wrong-key", airtime(ref(), 5000, "demo-float-ngn")).expectStatus().isUnauthorized();
    }

    @Test
    void aMobileMoneyOrderGoesToDollrWhenItsBaseUrlIsSetAndWaitsWhileDollrCannotBeReached() {
        // Dollr unreachable is a passing trouble: nothing was collected, the order waits to be tried again.
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "LONESTAR",
                "account", "231770000007", "amount", Map.of("minor", 10000, "currency", "LRD"),
                "payment", Map.of("method", "MOBILE_MONEY", "payerPhone", "231770000007")))
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.state").isEqualTo("AWAITING_PAYMENT");
    }

    @Test
    void malformedJsonIs400() {
        client.post().uri("/v1/orders").header("Authorization", "Bearer demo-merchant-key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"clientReference\": \"x\", ")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aFractionalAmountOfMinorUnitsIs400NotTruncated() {
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                "account", "08011111111", "amount", Map.of("minor", 10000.9, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")))
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void missingFieldsAre400WithEachProblemListed() {
        post("demo-merchant-key", Map.of("service", "TELEPORT", "amount", Map.of("minor", -5, "currency", "naira")))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.length()").value(n -> assertThat((Integer) n).isGreaterThanOrEqualTo(5));
    }

    @Test
    void unknownBillerWrongItemAndAmountOutOfRangeAre422WithReasonCodes() {
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "NOPE",
                "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                "payment", Map.of("walletId", "demo-float-ngn")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("UNKNOWN_BILLER");
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "CABLE_TV", "billerId", "DSTV",
                "itemId", "dstv-gold-nonexistent", "account", "1212121212",
                "amount", Map.of("minor", 290000, "currency", "NGN"), "payment", Map.of("walletId", "demo-float-ngn")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("UNKNOWN_ITEM");
        post("demo-merchant-key", airtime(ref(), 4999, "demo-float-ngn"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("AMOUNT_OUT_OF_RANGE");
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "CABLE_TV", "billerId", "DSTV",
                "itemId", "dstv-padi", "account", "1212121212",
                "amount", Map.of("minor", 100, "currency", "NGN"), "payment", Map.of("walletId", "demo-float-ngn")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("AMOUNT_OUT_OF_RANGE");
    }

    @Test
    void insufficientBalanceIs422AndChargesNothing() {
        walletStore.createIfAbsent("poor-wallet", "demo-merchant", "CUSTOMER", "NGN", 6_000, null);
        post("demo-merchant-key", airtime(ref(), 10_000, "poor-wallet"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("INSUFFICIENT_FUNDS")
                .jsonPath("$.orderId").exists();
        assertThat(walletStore.find("poor-wallet").orElseThrow().balanceMinor()).isEqualTo(6_000);
    }

    @Test
    void wrongPinAndThenALockedWalletAre422() {
        walletStore.createIfAbsent("pin-wallet", "demo-merchant", "CUSTOMER", "NGN", 1_000_000, wallets.hashPin("1234"));
        for (int i = 0; i < 4; i++) {
            post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                    "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                    "payment", Map.of("walletId", "pin-wallet", "pin", "9999")))
                    .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                    .expectBody().jsonPath("$.reasonCode").isEqualTo("WRONG_PIN");
        }
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                "payment", Map.of("walletId", "pin-wallet", "pin", "9999")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("WALLET_LOCKED");
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                "payment", Map.of("walletId", "pin-wallet", "pin", "1234")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("WALLET_LOCKED");
    }

    @Test
    void duplicateReferenceReplaysAndADifferentBodyIs409() {
        String reference = ref();
        String orderId = post("demo-merchant-key", airtime(reference, 5000, "demo-float-ngn"))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("orderId").toString();
        post("demo-merchant-key", airtime(reference, 5000, "demo-float-ngn"))
                .expectStatus().isOk().expectBody().jsonPath("$.orderId").isEqualTo(orderId);
        post("demo-merchant-key", airtime(reference, 6000, "demo-float-ngn"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("DUPLICATE_REFERENCE_CONFLICT");
    }

    @Test
    void anotherMerchantsOrderIsNotFoundAndItsWalletIsUnknown() {
        String orderId = post("demo-merchant-key", airtime(ref(), 5000, "demo-float-ngn"))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("orderId").toString();
        client.get().uri("/v1/orders/" + orderId).header("Authorization", "Bearer second-merchant-key").exchange()
                .expectStatus().isNotFound();
        client.get().uri("/v1/orders/" + orderId).header("Authorization", "Bearer demo-merchant-key").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.account").isEqualTo("*******1111");
        post("second-merchant-key", airtime(ref(), 5000, "demo-float-ngn"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("UNKNOWN_WALLET");
    }

    @Test
    void aKenyanMeterFailingLuhnIsRefusedBeforeAnyProviderCall() {
        client.post().uri("/v1/accounts/verify").header("Authorization", "Bearer demo-merchant-key")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("service", "ELECTRICITY", "billerId", "KPLC", "itemId", "prepaid", "account", "12345678912"))
                .exchange().expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("Luhn"));
    }

    @Test
    void theCatalogueIsScopedAndTheOpenApiDocumentIsServed() {
        client.get().uri("/v1/catalog/billers?service=ELECTRICITY").header("Authorization", "Bearer demo-merchant-key")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.billerId == 'IKEDC')].items.length()").isEqualTo(2);
        client.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/v1/orders']").exists()
                .jsonPath("$.paths['/v1/orders/{orderId}/outcome']").exists()
                .jsonPath("$.paths['/v1/orders/{orderId}/events']").exists()
                .jsonPath("$.paths['/v1/accounts/verify']").exists()
                .jsonPath("$.paths['/v1/catalog/billers/{service}/{billerId}']").exists()
                .jsonPath("$.paths['/v1/wallets']").exists()
                .jsonPath("$.paths['/v1/wallets/{walletId}']").exists()
                .jsonPath("$.paths['/v1/wallets/{walletId}/statement']").exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void historyIsTheMerchantsOwnNewestFirstFilteredByStateAndTimeAndPaged() {
        walletStore.createIfAbsent("history-empty", "demo-merchant", "MERCHANT", "NGN", 0, null);
        // Every earlier order was created before this millisecond ends; the first one below comes after.
        String from = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1).toString();
        String first = place(DEMO, airtime(ref(), 5000, "demo-float-ngn"));
        String rejected = post(DEMO, airtime(ref(), 5000, "history-empty"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT).expectBody(Map.class).returnResult()
                .getResponseBody().get("orderId").toString();
        String second = place(DEMO, airtime(ref(), 6000, "demo-float-ngn"));
        String third = place(DEMO, airtime(ref(), 7000, "demo-float-ngn"));
        String othersOrder = place(SECOND, airtime(ref(), 5000, "second-float-ngn"));

        assertThat(history(DEMO, "from=" + from)).containsExactly(third, second, rejected, first);
        assertThat(history(DEMO, "from=" + from + "&state=REJECTED")).containsExactly(rejected);
        assertThat(history(DEMO, "from=" + from + "&state=vending")).containsExactly(third, second, first);
        assertThat(history(DEMO, "from=" + from + "&state=COMPLETED")).isEmpty();
        assertThat(history(DEMO, "from=" + from + "&page=0&size=3")).containsExactly(third, second, rejected);
        assertThat(history(DEMO, "from=" + from + "&page=1&size=3")).containsExactly(first);
        assertThat(history(DEMO, "from=" + from + "&page=2&size=3")).isEmpty();
        // to is exclusive: the second order's own creation time ends the window just before it.
        String secondCreated = order(DEMO, second).get("createdAt").toString();
        assertThat(history(DEMO, "from=" + from + "&to=" + secondCreated)).containsExactly(rejected, first);
        // Each merchant sees only its own orders.
        assertThat(history(SECOND, "from=" + from)).containsExactly(othersOrder);
        assertThat(history(DEMO, "size=200")).doesNotContain(othersOrder);

        for (String bad : List.of("state=TELEPORTED", "size=0", "size=201", "page=-1")) {
            get(DEMO, "/v1/orders?" + bad).expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.status").isEqualTo(400);
        }
        get(DEMO, "/v1/orders?from=yesterday").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @SuppressWarnings("unchecked")
    private List<String> history(String key, String query) {
        List<Map<String, Object>> orders = get(key, "/v1/orders?" + query).expectStatus().isOk()
                .expectBody(List.class).returnResult().getResponseBody();
        return orders.stream().map(o -> o.get("orderId").toString()).toList();
    }
}
