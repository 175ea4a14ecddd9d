package com.vendstream.order.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.wallet.WalletStore;
import com.vendstream.wallet.Wallets;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Items 19 and 23 of issue 11 through the real API and the MongoDB wire store: 19 wrong PINs and the
 * right one sent at once, to pay an order and to change the PIN. At most the configured number of
 * wrong PINs is ever compared before the wallet locks (a right PIN among the first may pay, and then
 * the wrong ones after it get their own attempts); the right PIN sent after the lock is refused.
 */
class PinLockoutApiTest extends ApiTestSupport {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };
    private static final String RIGHT = "2468";

    @Value("${vendstream.wallet.max-pin-attempts:5}")
    int max;
    @Autowired
    WalletStore walletStore;
    @Autowired
    Wallets wallets;
    @Autowired
    MeterRegistry meters;

    /** Status and reason code of one answer. */
    record Answer(int status, String reasonCode) {
        boolean succeeded() {
            return status == 201 || status == 204;
        }
    }

    private String pinWallet() {
        String id = "pin-race-" + UUID.randomUUID();
        walletStore.createIfAbsent(id, "demo-merchant", "CUSTOMER", "NGN", 1_000_000, wallets.hashPin(RIGHT));
        return id;
    }

    private Mono<Answer> pay(String walletId, String pin) {
        Map<String, Object> body = Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                "account", "08011111111", "amount", Map.of("minor", 5_000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", walletId, "pin", pin));
        return send(HttpMethod.POST, "/v1/orders", body);
    }

    private Mono<Answer> changePin(String walletId, String currentPin) {
        return send(HttpMethod.PUT, "/v1/wallets/" + walletId + "/pin", Map.of("currentPin", currentPin, "newPin", "1357"));
    }

    private Mono<Answer> send(HttpMethod method, String uri, Object body) {
        return WebClient.create("http://localhost:" + port).method(method).uri(uri)
                .header("Authorization", "Bearer " + DEMO).bodyValue(body)
                .exchangeToMono(r -> r.bodyToMono(JSON).defaultIfEmpty(new HashMap<>())
                        .map(b -> new Answer(r.statusCode().value(), (String) b.get("reasonCode"))));
    }

    private double wrongChecks() {
        var counter = meters.find("vendstream.wallet.pin.checks").tag("result", "wrong").counter();
        return counter == null ? 0 : counter.count();
    }

    /** 19 wrong PINs and the right one, all in flight at once; the answers. */
    private List<Answer> race(java.util.function.Function<String, Mono<Answer>> attempt) {
        List<Mono<Answer>> calls = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            calls.add(attempt.apply(String.format("%04d", 1000 + i)));
        }
        calls.add(10, attempt.apply(RIGHT));
        return Flux.merge(Flux.fromIterable(calls), calls.size()).collectList().block(Duration.ofSeconds(60));
    }

    private void assertBounded(List<Answer> answers, double wrongCompared) {
        long succeeded = answers.stream().filter(Answer::succeeded).count();
        assertThat(succeeded).isLessThanOrEqualTo(1);
        assertThat(answers).filteredOn(a -> !a.succeeded()).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(422);
            assertThat(a.reasonCode()).isIn("WRONG_PIN", "WALLET_LOCKED");
        });
        // Without the right PIN compared, the limit; with it, what it leaves plus a fresh limit after it.
        int allowed = succeeded == 0 ? max : 2 * max - 1;
        assertThat(answers).filteredOn(a -> "WRONG_PIN".equals(a.reasonCode())).size().isLessThan(allowed);
        assertThat(wrongCompared).isLessThanOrEqualTo(allowed);
    }

    /** Wrong PINs one by one until the wallet locks, which takes no more than the limit. */
    private void lock(java.util.function.Function<String, Mono<Answer>> attempt) {
        for (int i = 0; i < max; i++) {
            if ("WALLET_LOCKED".equals(attempt.apply("0000").block(Duration.ofSeconds(30)).reasonCode())) {
                return;
            }
        }
        throw new AssertionError("not locked after " + max + " more wrong PINs");
    }

    @Test
    void parallelOrdersWithNineteenWrongPinsAndTheRightOne() {
        String wallet = pinWallet();
        double before = wrongChecks();
        List<Answer> answers = race(pin -> pay(wallet, pin));
        assertBounded(answers, wrongChecks() - before);
        long paid = answers.stream().filter(Answer::succeeded).count();
        assertThat(walletStore.find(wallet).orElseThrow().balanceMinor()).isEqualTo(1_000_000 - paid * 5_000);

        lock(pin -> pay(wallet, pin));
        assertThat(pay(wallet, RIGHT).block(Duration.ofSeconds(30))).isEqualTo(new Answer(422, "WALLET_LOCKED"));
        assertThat(walletStore.find(wallet).orElseThrow().balanceMinor()).isEqualTo(1_000_000 - paid * 5_000);
    }

    @Test
    void parallelPinChangesWithNineteenWrongPinsAndTheRightOne() {
        String wallet = pinWallet();
        String hash = walletStore.find(wallet).orElseThrow().pinHash();
        double before = wrongChecks();
        List<Answer> answers = race(pin -> changePin(wallet, pin));
        assertBounded(answers, wrongChecks() - before);
        boolean changed = answers.stream().anyMatch(Answer::succeeded);
        assertThat(walletStore.find(wallet).orElseThrow().pinHash().equals(hash)).isNotEqualTo(changed);

        lock(pin -> changePin(wallet, pin));
        String current = changed ? "1357" : RIGHT;
        String hashNow = walletStore.find(wallet).orElseThrow().pinHash();
        assertThat(changePin(wallet, current).block(Duration.ofSeconds(30))).isEqualTo(new Answer(422, "WALLET_LOCKED"));
        assertThat(walletStore.find(wallet).orElseThrow().pinHash()).isEqualTo(hashNow);
    }
}
