package com.vendstream.order.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.wallet.WalletStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Customer wallets opened through the API, their PIN, and top-ups from the merchant's float (issue 5),
 * on the shared running service of {@link ApiTestSupport}. Each test tops up from a float of its own, so
 * balances before and after are exact. The second merchant gets no wallets here: other tests count its
 * wallets.
 */
class WalletOpeningAndTopUpApiTest extends ApiTestSupport {

    private static final String PROBLEMS = "https://vendstream.dev/problems/";

    @Autowired
    WalletStore walletStore;

    // --- helpers ---

    private WebTestClient.ResponseSpec open(String key, Object body) {
        return client.post().uri("/v1/wallets").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec changePin(String key, String walletId, Object body) {
        return client.put().uri("/v1/wallets/" + walletId + "/pin").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec topUp(String key, String walletId, Object body) {
        return client.post().uri("/v1/wallets/" + walletId + "/top-ups").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static Map<String, Object> topUpBody(String reference, String from, long minor, String currency) {
        return Map.of("reference", reference, "fromWalletId", from, "amount", Map.of("minor", minor, "currency", currency));
    }

    private static Map<String, Object> openBody(String customerId, String currency, String pin) {
        Map<String, Object> body = new HashMap<>(Map.of("customerId", customerId, "currency", currency));
        if (pin != null) {
            body.put("pin", pin);
        }
        return body;
    }

    /** Opens a new customer's wallet of the demo merchant (201) and returns its id. */
    private String openWallet(String currency, String pin) {
        return open(DEMO, openBody("cust-" + UUID.randomUUID(), currency, pin)).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("walletId").toString();
    }

    /** A float (MERCHANT) wallet of the demo merchant for this test alone. */
    private String newFloat(String currency, long minor) {
        String id = "topup-float-" + UUID.randomUUID();
        walletStore.createIfAbsent(id, "demo-merchant", "MERCHANT", currency, minor, null);
        return id;
    }

    private long balance(String walletId) {
        return walletStore.find(walletId).orElseThrow().balanceMinor();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> postings(String walletId) {
        Map<String, Object> statement = get(DEMO, "/v1/wallets/" + walletId + "/statement").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (List<Map<String, Object>>) statement.get("postings");
    }

    private void expectProblem(WebTestClient.ResponseSpec response, HttpStatus status, String reasonCode) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + reasonCode.toLowerCase().replace('_', '-'))
                .jsonPath("$.reasonCode").isEqualTo(reasonCode);
    }

    private void expectInvalid(WebTestClient.ResponseSpec response, int problems) {
        response.expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "invalid-request")
                .jsonPath("$.errors.length()").isEqualTo(problems);
    }

    private void expectNotFound(WebTestClient.ResponseSpec response) {
        response.expectStatus().isNotFound().expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "not-found");
    }

    // --- opening ---

    @Test
    @SuppressWarnings("unchecked")
    void aCustomersWalletOpensOnceWithAZeroBalanceAndAPinKeptOnlyAsAHash() {
        String customer = "cust-" + UUID.randomUUID();
        var created = open(DEMO, openBody(customer, "NGN", "4812")).expectStatus().isCreated()
                .expectBody(String.class).returnResult();
        assertThat(created.getResponseBody()).doesNotContain("4812").doesNotContainIgnoringCase("pinHash")
                .doesNotContain("$2a$");
        String location = created.getResponseHeaders().getLocation().toString();
        assertThat(location).startsWith("/v1/wallets/wal_");
        Map<String, Object> wallet = get(DEMO, location).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = wallet.get("walletId").toString();
        assertThat(created.getResponseBody()).contains("\"walletId\":\"" + id + "\"");
        assertThat(id).startsWith("wal_").doesNotContain(customer.substring(5));
        assertThat(wallet).containsEntry("ownerType", "CUSTOMER").containsEntry("customerId", customer)
                .containsEntry("currency", "NGN").containsEntry("pinSet", true)
                .containsEntry("balance", Map.of("minor", 0, "currency", "NGN"));
        assertThat(walletStore.find(id).orElseThrow().pinHash()).startsWith("$2").isNotEqualTo("4812");

        // Again, even with another PIN or none: the same wallet, 200, its PIN untouched.
        open(DEMO, openBody(customer, "NGN", "1111")).expectStatus().isOk().expectBody()
                .jsonPath("$.walletId").isEqualTo(id).jsonPath("$.pinSet").isEqualTo(true);
        open(DEMO, openBody(customer, "NGN", null)).expectStatus().isOk().expectBody().jsonPath("$.walletId").isEqualTo(id);
        // Another currency the merchant has a float in is another wallet.
        String zar = open(DEMO, openBody(customer, "ZAR", null)).expectStatus().isCreated().expectBody(Map.class)
                .returnResult().getResponseBody().get("walletId").toString();
        assertThat(zar).isNotEqualTo(id);
        get(DEMO, "/v1/wallets/" + zar).expectStatus().isOk().expectBody().jsonPath("$.pinSet").isEqualTo(false)
                .jsonPath("$.currency").isEqualTo("ZAR");

        List<Map<String, Object>> statement = postings(id);
        assertThat(statement).extracting(p -> p.get("kind")).containsExactly("OPENING");
        assertThat((Map<String, Object>) statement.get(0).get("amount")).containsEntry("minor", 0);
        // Not the second merchant's to see.
        expectNotFound(get(SECOND, "/v1/wallets/" + id));
    }

    @Test
    void badOpeningRequestsAre400ListingEachProblemAndAnUnsupportedCurrencyIs422() {
        expectInvalid(open(DEMO, Map.of()), 2);
        expectInvalid(open(DEMO, openBody("x".repeat(65), "NGN", null)), 1);
        expectInvalid(open(DEMO, openBody("has space", "NGN", null)), 1);
        expectInvalid(open(DEMO, openBody("", "NGN", null)), 1);
        expectInvalid(open(DEMO, openBody("c-1", "naira", null)), 1);
        expectInvalid(open(DEMO, openBody("c-1", "NGN", "12345")), 1);
        expectInvalid(open(DEMO, openBody("c-1", "NGN", "12a4")), 1);
        expectInvalid(open(DEMO, openBody("bad/id", "ngn", "1")), 3);
        // The demo merchant has NGN, ZAR and KES floats, no USD float.
        expectProblem(open(DEMO, openBody("c-usd-" + UUID.randomUUID(), "USD", null)),
                HttpStatus.UNPROCESSABLE_CONTENT, "UNSUPPORTED_CURRENCY");
        client.post().uri("/v1/wallets").contentType(MediaType.APPLICATION_JSON).bodyValue(openBody("c-1", "NGN", null))
                .exchange().expectStatus().isUnauthorized();
    }

    // --- PIN ---

    @Test
    void aPinIsSetThenChangedOnlyWithTheCurrentOneAndWrongOnesLockTheWallet() {
        String wallet = openWallet("NGN", null);
        changePin(DEMO, wallet, Map.of("newPin", "1234")).expectStatus().isNoContent().expectBody().isEmpty();
        get(DEMO, "/v1/wallets/" + wallet).expectStatus().isOk().expectBody().jsonPath("$.pinSet").isEqualTo(true);

        expectProblem(changePin(DEMO, wallet, Map.of("newPin", "5678")), HttpStatus.UNPROCESSABLE_CONTENT, "PIN_REQUIRED");
        changePin(DEMO, wallet, Map.of("currentPin", "1234", "newPin", "5678")).expectStatus().isNoContent();
        // Four wrong current PINs are refused as wrong, the fifth locks the wallet (as for orders) ...
        for (int i = 0; i < 4; i++) {
            expectProblem(changePin(DEMO, wallet, Map.of("currentPin", "1234", "newPin", "0000")),
                    HttpStatus.UNPROCESSABLE_CONTENT, "WRONG_PIN");
        }
        expectProblem(changePin(DEMO, wallet, Map.of("currentPin", "1234", "newPin", "0000")),
                HttpStatus.UNPROCESSABLE_CONTENT, "WALLET_LOCKED");
        // ... and then even the right one is refused until the lock ends; the PIN did not change.
        expectProblem(changePin(DEMO, wallet, Map.of("currentPin", "5678", "newPin", "0000")),
                HttpStatus.UNPROCESSABLE_CONTENT, "WALLET_LOCKED");
        get(DEMO, "/v1/wallets/" + wallet).expectStatus().isOk().expectBody().jsonPath("$.lockedUntil").isNotEmpty();
        expectProblem(post(DEMO, withPin(airtime(ref(), 5_000, wallet), "5678")), HttpStatus.UNPROCESSABLE_CONTENT,
                "WALLET_LOCKED");
    }

    @Test
    void badPinChangesAre400AndAnotherMerchantsWalletIs404() {
        String wallet = openWallet("NGN", "1234");
        expectInvalid(changePin(DEMO, wallet, Map.of()), 1);
        expectInvalid(changePin(DEMO, wallet, Map.of("newPin", "123")), 1);
        expectInvalid(changePin(DEMO, wallet, Map.of("newPin", "abcd")), 1);
        expectInvalid(changePin(DEMO, wallet, Map.of("currentPin", "12", "newPin", "12345")), 2);
        expectNotFound(changePin(SECOND, wallet, Map.of("currentPin", "1234", "newPin", "4321")));
        expectNotFound(changePin(DEMO, "second-float-ngn", Map.of("newPin", "4321")));
        expectNotFound(changePin(DEMO, "no-such-wallet", Map.of("newPin", "4321")));
        // A float's PIN cannot be set here: every order paid from it would then fail for want of the PIN.
        expectProblem(changePin(DEMO, "demo-float-ngn", Map.of("newPin", "4321")), HttpStatus.UNPROCESSABLE_CONTENT,
                "NOT_A_CUSTOMER_WALLET");
        // None of those changed it, nor counted toward its lock.
        assertThat(walletStore.find(wallet).orElseThrow().failedPinAttempts()).isZero();
        changePin(DEMO, wallet, Map.of("currentPin", "1234", "newPin", "4321")).expectStatus().isNoContent();
    }

    // --- top-ups ---

    @Test
    @SuppressWarnings("unchecked")
    void aTopUpMovesMoneyFromTheFloatOnceAndBothStatementsShowIt() {
        String fl = newFloat("NGN", 1_000_000);
        String wallet = openWallet("NGN", null);
        String reference = ref();
        Map<String, Object> transfer = topUp(DEMO, wallet, topUpBody(reference, fl, 50_000, "NGN"))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String transferId = transfer.get("transferId").toString();
        assertThat(transferId).startsWith("trf_");
        // The Location the creation answered with is the transfer, from either wallet; not from elsewhere.
        for (String side : List.of(wallet, fl)) {
            client.get().uri("/v1/wallets/" + side + "/top-ups/" + transferId).header("Authorization", "Bearer " + DEMO)
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.state").isEqualTo("COMPLETED");
        }
        expectNotFound(client.get().uri("/v1/wallets/" + wallet + "/top-ups/" + transferId)
                .header("Authorization", "Bearer " + SECOND).exchange());
        expectNotFound(client.get().uri("/v1/wallets/demo-float-zar/top-ups/" + transferId)
                .header("Authorization", "Bearer " + DEMO).exchange());
        assertThat(transfer).containsEntry("state", "COMPLETED").containsEntry("reference", reference)
                .containsEntry("fromWalletId", fl).containsEntry("toWalletId", wallet)
                .containsEntry("amount", Map.of("minor", 50_000, "currency", "NGN"))
                .containsEntry("fromBalanceAfter", Map.of("minor", 950_000, "currency", "NGN"))
                .containsEntry("toBalanceAfter", Map.of("minor", 50_000, "currency", "NGN"));

        // The same request again is the same transfer (200) and moves nothing.
        topUp(DEMO, wallet, topUpBody(reference, fl, 50_000, "NGN")).expectStatus().isOk().expectBody()
                .jsonPath("$.transferId").isEqualTo(transferId).jsonPath("$.state").isEqualTo("COMPLETED");
        // The same reference for anything else is a conflict.
        topUp(DEMO, wallet, topUpBody(reference, fl, 60_000, "NGN")).expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("DUPLICATE_REFERENCE_CONFLICT")
                .jsonPath("$.transferId").isEqualTo(transferId);
        String otherWallet = openWallet("NGN", null);
        topUp(DEMO, otherWallet, topUpBody(reference, fl, 50_000, "NGN")).expectStatus().isEqualTo(HttpStatus.CONFLICT);
        assertThat(balance(fl)).isEqualTo(950_000);
        assertThat(balance(wallet)).isEqualTo(50_000);
        assertThat(balance(otherWallet)).isZero();

        Map<String, Object> out = postings(fl).get(0);
        assertThat(out).containsEntry("kind", "TOPUP_OUT").containsEntry("transferId", transferId)
                .containsEntry("postingId", transferId + ":out");
        assertThat(out.get("orderId")).isNull();
        assertThat((Map<String, Object>) out.get("amount")).containsEntry("minor", -50_000);
        assertThat((Map<String, Object>) out.get("balanceAfter")).containsEntry("minor", 950_000);
        List<Map<String, Object>> in = postings(wallet);
        assertThat(in).extracting(p -> p.get("kind")).containsExactly("TOPUP_IN", "OPENING");
        assertThat(in.get(0)).containsEntry("transferId", transferId).containsEntry("postingId", transferId + ":in");
        assertThat((Map<String, Object>) in.get(0).get("balanceAfter")).containsEntry("minor", 50_000);
    }

    @Test
    void anInsufficientFloatIs422AndMovesNothingAndItsReplayShowsTheFailedTransfer() {
        String fl = newFloat("NGN", 10_000);
        String wallet = openWallet("NGN", null);
        String reference = ref();
        String transferId = topUp(DEMO, wallet, topUpBody(reference, fl, 20_000, "NGN"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult().getResponseBody().get("transferId").toString();
        assertThat(balance(fl)).isEqualTo(10_000);
        assertThat(balance(wallet)).isZero();
        topUp(DEMO, wallet, topUpBody(reference, fl, 20_000, "NGN")).expectStatus().isOk().expectBody()
                .jsonPath("$.transferId").isEqualTo(transferId).jsonPath("$.state").isEqualTo("FAILED")
                .jsonPath("$.failureReason").isEqualTo("INSUFFICIENT_FUNDS")
                .jsonPath("$.toBalanceAfter").doesNotExist();
        assertThat(postings(fl)).extracting(p -> p.get("kind")).containsExactly("OPENING");
        assertThat(postings(wallet)).extracting(p -> p.get("kind")).containsExactly("OPENING");
        // Exactly the whole float is fine.
        topUp(DEMO, wallet, topUpBody(ref(), fl, 10_000, "NGN")).expectStatus().isCreated();
        assertThat(balance(fl)).isZero();
        assertThat(balance(wallet)).isEqualTo(10_000);
    }

    @Test
    void refusedTopUpsAre422WithAReasonOr404AndMoveNothing() {
        String fl = newFloat("NGN", 100_000);
        String zarFloat = newFloat("ZAR", 100_000);
        String wallet = openWallet("NGN", null);
        String zarWallet = openWallet("ZAR", null);
        String otherCustomer = openWallet("NGN", null);
        HttpStatus unprocessable = HttpStatus.UNPROCESSABLE_CONTENT;

        expectProblem(topUp(DEMO, wallet, topUpBody(ref(), fl, 1_000, "ZAR")), unprocessable, "CURRENCY_MISMATCH");
        expectProblem(topUp(DEMO, zarWallet, topUpBody(ref(), fl, 1_000, "NGN")), unprocessable, "CURRENCY_MISMATCH");
        expectProblem(topUp(DEMO, wallet, topUpBody(ref(), zarFloat, 1_000, "ZAR")), unprocessable, "CURRENCY_MISMATCH");
        expectProblem(topUp(DEMO, wallet, topUpBody(ref(), otherCustomer, 1_000, "NGN")), unprocessable,
                "NOT_A_FLOAT_WALLET");
        expectProblem(topUp(DEMO, fl, topUpBody(ref(), "demo-float-ngn", 1_000, "NGN")), unprocessable,
                "NOT_A_CUSTOMER_WALLET");
        expectProblem(topUp(DEMO, wallet, topUpBody(ref(), fl, 0, "NGN")), unprocessable, "INVALID_AMOUNT");
        expectProblem(topUp(DEMO, wallet, topUpBody(ref(), fl, -5_000, "NGN")), unprocessable, "INVALID_AMOUNT");
        // Another merchant's wallet, on either side, and an unknown one are the same 404.
        expectNotFound(topUp(SECOND, wallet, topUpBody(ref(), "second-float-ngn", 1_000, "NGN")));
        expectNotFound(topUp(SECOND, wallet, topUpBody(ref(), fl, 1_000, "NGN")));
        expectNotFound(topUp(DEMO, wallet, topUpBody(ref(), "second-float-ngn", 1_000, "NGN")));
        expectNotFound(topUp(DEMO, "no-such-wallet", topUpBody(ref(), fl, 1_000, "NGN")));
        expectNotFound(topUp(DEMO, wallet, topUpBody(ref(), "no-such-wallet", 1_000, "NGN")));

        assertThat(balance(fl)).isEqualTo(100_000);
        assertThat(balance(zarFloat)).isEqualTo(100_000);
        assertThat(balance(wallet)).isZero();
        assertThat(balance(zarWallet)).isZero();
        assertThat(balance(otherCustomer)).isZero();
        // A refusal before anything is stored leaves the reference free.
        String reference = ref();
        expectProblem(topUp(DEMO, wallet, topUpBody(reference, fl, 1_000, "ZAR")), unprocessable, "CURRENCY_MISMATCH");
        topUp(DEMO, wallet, topUpBody(reference, fl, 1_000, "NGN")).expectStatus().isCreated();
    }

    @Test
    void badTopUpRequestsAre400ListingEachProblem() {
        String wallet = openWallet("NGN", null);
        expectInvalid(topUp(DEMO, wallet, Map.of()), 4);
        expectInvalid(topUp(DEMO, wallet, topUpBody("bad reference!", "demo-float-ngn", 1_000, "NGN")), 1);
        expectInvalid(topUp(DEMO, wallet, topUpBody(ref(), " ", 1_000, "NGN")), 1);
        expectInvalid(topUp(DEMO, wallet, topUpBody(ref(), "demo-float-ngn", 1_000, "naira")), 1);
        expectInvalid(topUp(DEMO, wallet, Map.of("reference", ref(), "fromWalletId", "demo-float-ngn",
                "amount", Map.of("currency", "NGN"))), 1);
        client.post().uri("/v1/wallets/" + wallet + "/top-ups").header("Authorization", "Bearer " + DEMO)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"reference\": ").exchange()
                .expectStatus().isBadRequest();
        // A fraction of a minor unit is refused, not truncated.
        topUp(DEMO, wallet, Map.of("reference", ref(), "fromWalletId", "demo-float-ngn",
                "amount", Map.of("minor", 1000.9, "currency", "NGN"))).expectStatus().isBadRequest();
        assertThat(balance(wallet)).isZero();
    }

    // --- paying an order from an opened and topped-up wallet ---

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withPin(Map<String, Object> order, String pin) {
        Map<String, Object> body = new HashMap<>(order);
        Map<String, Object> payment = new HashMap<>((Map<String, Object>) order.get("payment"));
        if (pin != null) {
            payment.put("pin", pin);
        }
        body.put("payment", payment);
        return body;
    }

    @Test
    void anOrderPaidFromAnOpenedAndToppedUpWalletNeedsItsPinAndCompletes() {
        String fl = newFloat("NGN", 1_000_000);
        String wallet = openWallet("NGN", "1357");
        topUp(DEMO, wallet, topUpBody(ref(), fl, 100_000, "NGN")).expectStatus().isCreated();

        expectProblem(post(DEMO, withPin(airtime(ref(), 5_000, wallet), "0000")), HttpStatus.UNPROCESSABLE_CONTENT,
                "WRONG_PIN");
        expectProblem(post(DEMO, withPin(airtime(ref(), 5_000, wallet), null)), HttpStatus.UNPROCESSABLE_CONTENT,
                "WRONG_PIN");
        String orderId = place(DEMO, withPin(airtime(ref(), 5_000, wallet), "1357"));
        assertThat(balance(wallet)).isEqualTo(95_000);
        publish(succeeded(orderId, "vt-" + orderId, 5_000, "1234-5678-9012"), orderId);
        awaitState(orderId, "COMPLETED");
        assertThat(postings(wallet)).extracting(p -> p.get("kind")).containsExactly("DEBIT", "TOPUP_IN", "OPENING");

        // After a PIN change the old PIN no longer pays.
        changePin(DEMO, wallet, Map.of("currentPin", "1357", "newPin", "2468")).expectStatus().isNoContent();
        expectProblem(post(DEMO, withPin(airtime(ref(), 5_000, wallet), "1357")), HttpStatus.UNPROCESSABLE_CONTENT,
                "WRONG_PIN");
        place(DEMO, withPin(airtime(ref(), 5_000, wallet), "2468"));
        assertThat(balance(wallet)).isEqualTo(90_000);
        assertThat(balance(fl)).isEqualTo(900_000);
    }
}
