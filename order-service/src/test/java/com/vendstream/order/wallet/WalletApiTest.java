package com.vendstream.order.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import com.vendstream.events.FailureClass;
import com.vendstream.order.ApiTestSupport;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.wallet.WalletStore;
import com.vendstream.wallet.Wallets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * The wallet API: a merchant's wallets, one wallet, and its statement. A declined vend is a real
 * VTpass decline from the provider sandbox (GLO 08022222222 answers 016 TRANSACTION FAILED), reported
 * on the vend outcomes topic as vend-service would.
 */
class WalletApiTest extends ApiTestSupport {

    @Autowired
    WalletStore walletStore;
    @Autowired
    Wallets wallets;
    @Autowired
    List<VendConnector> connectors;

    /** A fresh NGN wallet of the demo merchant, so that its statement holds only this test's postings. */
    private String newWallet(long openingMinor) {
        String id = "api-" + UUID.randomUUID();
        walletStore.createIfAbsent(id, "demo-merchant", "CUSTOMER", "NGN", openingMinor, null);
        return id;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> postings(String walletId, String query) {
        Map<String, Object> statement = get(DEMO, "/v1/wallets/" + walletId + "/statement" + query).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (List<Map<String, Object>>) statement.get("postings");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> walletsOf(String key) {
        List<Map<String, Object>> list = get(key, "/v1/wallets?size=200").expectStatus().isOk().expectBody(List.class)
                .returnResult().getResponseBody();
        Map<String, Map<String, Object>> byId = new java.util.LinkedHashMap<>();
        list.forEach(w -> byId.put(w.get("walletId").toString(), w));
        return byId;
    }

    @SuppressWarnings("unchecked")
    private static long minor(Map<String, Object> posting, String field) {
        return ((Number) ((Map<String, Object>) posting.get(field)).get("minor")).longValue();
    }

    @Test
    void theListShowsTheMerchantsWalletsWithBalancePinAndLockButNeverThePinHash() {
        String pinWallet = "api-pin-" + UUID.randomUUID();
        walletStore.createIfAbsent(pinWallet, "demo-merchant", "CUSTOMER", "NGN", 20_000, wallets.hashPin("2468"));
        String lockedWallet = "api-locked-" + UUID.randomUUID();
        walletStore.createIfAbsent(lockedWallet, "demo-merchant", "CUSTOMER", "NGN", 20_000, wallets.hashPin("1357"));
        Instant lockUntil = Instant.now().plusSeconds(1800);
        walletStore.recordWrongPin(lockedWallet, 1, lockUntil);

        String body = get(DEMO, "/v1/wallets?size=200").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).doesNotContainIgnoringCase("pinHash").doesNotContain("$2a$").doesNotContain("appliedOps");
        Map<String, Map<String, Object>> byId = walletsOf(DEMO);
        assertThat(byId).containsKeys("demo-float-ngn", "load-float-ngn", "demo-float-zar", "demo-float-kes",
                pinWallet, lockedWallet).doesNotContainKey("second-float-ngn");
        assertThat(byId.get("demo-float-kes")).containsEntry("currency", "KES").containsEntry("ownerType", "MERCHANT")
                .containsEntry("pinSet", false);
        // The API tests share one service: another class may already have spent from this float.
        long kesFloat = walletStore.find("demo-float-kes").orElseThrow().balanceMinor();
        assertThat(minor(byId.get("demo-float-kes"), "balance")).isEqualTo(kesFloat);
        assertThat(byId.get("demo-float-kes").get("balance")).asInstanceOf(MAP).containsEntry("currency", "KES");
        assertThat(byId.get(pinWallet)).containsEntry("pinSet", true)
                .containsEntry("balance", Map.of("minor", 20_000, "currency", "NGN"));
        assertThat(byId.get(pinWallet).get("lockedUntil")).isNull();
        assertThat(Instant.parse(byId.get(lockedWallet).get("lockedUntil").toString()))
                .isEqualTo(lockUntil.truncatedTo(ChronoUnit.MILLIS));
        get(SECOND, "/v1/wallets").expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].walletId").isEqualTo("second-float-ngn");
        get(DEMO, "/v1/wallets?page=0&size=2").expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(2);
        get(DEMO, "/v1/wallets?size=0").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        client.get().uri("/v1/wallets").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void oneWalletIsShownToItsMerchantAndIsNotFoundForAnyoneElse() {
        String wallet = newWallet(12_345);
        get(DEMO, "/v1/wallets/" + wallet).expectStatus().isOk().expectBody()
                .jsonPath("$.walletId").isEqualTo(wallet)
                .jsonPath("$.balance.minor").isEqualTo(12_345)
                .jsonPath("$.balance.currency").isEqualTo("NGN")
                .jsonPath("$.pinSet").isEqualTo(false)
                .jsonPath("$.pinHash").doesNotExist();
        // Another merchant's wallet and an unknown one answer the same way.
        for (String uri : List.of("/v1/wallets/" + wallet, "/v1/wallets/" + wallet + "/statement")) {
            get(SECOND, uri).expectStatus().isNotFound()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/not-found")
                    .jsonPath("$.status").isEqualTo(404);
        }
        get(DEMO, "/v1/wallets/second-float-ngn").expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/not-found");
        get(DEMO, "/v1/wallets/no-such-wallet").expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/not-found");
    }

    @Test
    void theStatementShowsAnOrdersDebitAndExactlyOneRefundAfterADeclinedVend() {
        String wallet = newWallet(100_000);
        String paid = place(DEMO, airtime(ref(), 5_000, wallet));
        List<Map<String, Object>> afterDebit = postings(wallet, "");
        assertThat(afterDebit).extracting(p -> p.get("kind")).containsExactly("DEBIT", "OPENING");
        assertThat(afterDebit.get(0)).containsEntry("orderId", paid).containsEntry("postingId", paid + ":debit");
        assertThat(minor(afterDebit.get(0), "amount")).isEqualTo(-5_000);
        assertThat(minor(afterDebit.get(0), "balanceAfter")).isEqualTo(95_000);
        assertThat(minor(afterDebit.get(1), "amount")).isEqualTo(100_000);
        assertThat(minor(afterDebit.get(1), "balanceAfter")).isEqualTo(100_000);

        // GLO 08022222222: the sandbox's VTpass declines it (016), as vend-service would find.
        String declined = place(DEMO, airtime(ref(), "GLO", "08022222222", 10_000, wallet));
        VendConnector vtpass = connectors.stream().filter(c -> c.id().equals("vtpass")).findFirst().orElseThrow();
        String reference = vtpass.newReference();
        VendOutcome outcome = vtpass.vend(new VendCommand(reference, ServiceType.AIRTIME, "GLO", null, "08022222222",
                "08022222222", 10_000, "NGN", 1, null, null));
        assertThat(outcome).isInstanceOf(VendOutcome.Failed.class);
        VendOutcome.Failed failure = (VendOutcome.Failed) outcome;
        var failedEvent = failed(declined, "vtpass", reference, 10_000,
                FailureClass.valueOf(failure.failureClass().name()), failure.providerCode(), failure.message());
        publish(failedEvent, declined);
        publish(failedEvent, declined); // redelivered
        awaitState(declined, "REFUNDED");

        List<Map<String, Object>> statement = postings(wallet, "");
        assertThat(statement).extracting(p -> p.get("kind")).containsExactly("REFUND", "DEBIT", "DEBIT", "OPENING");
        assertThat(statement).filteredOn(p -> declined.equals(p.get("orderId"))).extracting(p -> p.get("kind"))
                .containsExactly("REFUND", "DEBIT");
        assertThat(minor(statement.get(0), "amount")).isEqualTo(10_000);
        assertThat(minor(statement.get(0), "balanceAfter")).isEqualTo(95_000);
        assertThat(minor(statement.get(1), "balanceAfter")).isEqualTo(85_000);
        get(DEMO, "/v1/wallets/" + wallet).expectStatus().isOk().expectBody().jsonPath("$.balance.minor").isEqualTo(95_000);
    }

    @Test
    void theStatementPagesNewestFirstAndFiltersByTime() {
        String wallet = newWallet(100_000);
        String first = place(DEMO, airtime(ref(), 5_000, wallet));
        String second = place(DEMO, airtime(ref(), 6_000, wallet));
        String third = place(DEMO, airtime(ref(), 7_000, wallet));

        get(DEMO, "/v1/wallets/" + wallet + "/statement?page=0&size=2").expectStatus().isOk().expectBody()
                .jsonPath("$.walletId").isEqualTo(wallet)
                .jsonPath("$.balance.minor").isEqualTo(82_000)
                .jsonPath("$.hasMore").isEqualTo(true)
                .jsonPath("$.postings[*].orderId").isEqualTo(List.of(third, second));
        get(DEMO, "/v1/wallets/" + wallet + "/statement?page=1&size=2").expectStatus().isOk().expectBody()
                .jsonPath("$.hasMore").isEqualTo(false)
                .jsonPath("$.postings[*].postingId").isEqualTo(List.of(first + ":debit", wallet + ":opening"));

        List<Map<String, Object>> all = postings(wallet, "");
        String secondAt = all.get(1).get("at").toString();
        // from is inclusive and to exclusive.
        assertThat(postings(wallet, "?from=" + secondAt)).extracting(p -> p.get("postingId"))
                .contains(second + ":debit").doesNotContain(wallet + ":opening")
                .containsExactlyElementsOf(all.stream().filter(p -> !Instant.parse(p.get("at").toString())
                        .isBefore(Instant.parse(secondAt))).map(p -> p.get("postingId")).toList());
        assertThat(postings(wallet, "?to=" + secondAt)).extracting(p -> p.get("postingId"))
                .doesNotContain(second + ":debit", third + ":debit").contains(wallet + ":opening");
        assertThat(postings(wallet, "?to=2000-01-01T00:00:00Z")).isEmpty();
    }

    @Test
    void badPagingOrDatesAre400ProblemDetails() {
        String wallet = newWallet(1_000);
        for (String query : List.of("size=0", "size=201", "page=-1", "from=yesterday", "to=2026-13-45",
                "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                // Issue 11 item 28: dates outside a sane range (the first two answered 500 before).
                "from=%2B999999999-12-31T23:59:59Z", "to=-999999999-01-01T00:00:00Z", "from=1999-12-31T23:59:59Z",
                "to=9999-01-01T00:00:00Z")) {
            // A raw URI, so that %2B reaches the service as sent (a '+' in a query string is a space).
            client.get().uri(java.net.URI.create("http://localhost:" + port + "/v1/wallets/" + wallet + "/statement?"
                            + query)).header("Authorization", "Bearer " + DEMO).exchange().expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/invalid-request")
                    .jsonPath("$.errors.length()").isEqualTo(1);
        }
    }
}
