package com.vendstream.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.wallet.WalletLedger.DebitResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import reactor.core.publisher.Mono;

/**
 * Items 19 and 23 of issue 11: the PIN lockout holds against guesses sent in parallel. Every comparison
 * here is held until the test lets it finish, so all twenty requests are in flight together: the worst
 * case of the race, made deterministic.
 */
class PinLockoutTest {

    private static final int MAX = 3;
    private static final String RIGHT = "2468";

    private final LedgerFixture f = new LedgerFixture();
    private final HeldEncoder pins = new HeldEncoder();
    private final ExecutorService pool = Executors.newFixedThreadPool(20);

    /** BCrypt whose comparisons wait for the test's go-ahead, counting how many were started. */
    static final class HeldEncoder implements PasswordEncoder {
        final PasswordEncoder real = new BCryptPasswordEncoder(4);
        final AtomicInteger compared = new AtomicInteger();
        final CountDownLatch go = new CountDownLatch(1);

        @Override
        public String encode(CharSequence raw) {
            return real.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String hash) {
            compared.incrementAndGet();
            try {
                go.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.matches(raw, hash);
        }
    }

    @AfterEach
    void close() {
        pins.go.countDown();
        pool.shutdownNow();
        f.close();
    }

    private Wallets wallets(Clock clock) {
        return new Wallets(f.walletStore, pins, clock, MAX, Duration.ofMinutes(30), f.meters);
    }

    @Test
    void nineteenWrongPinsAndTheRightOneAfterThemGetNoMoreComparisonsThanTheLimit() {
        List<Optional<DebitResult>> answers = race(false);
        assertThat(answers).filteredOn(a -> a.equals(Optional.of(DebitResult.WRONG_PIN))).hasSize(MAX - 1);
        assertThat(answers).doesNotContain(Optional.empty());
        assertLockedFor(RIGHT, MAX);
    }

    @Test
    void theRightPinAmongTheFirstMayPayButDoesNotForgiveTheWrongOnesRacingIt() {
        List<Optional<DebitResult>> answers = race(true);
        // Within the limit, the right PIN pays; the wrong PINs compared alongside it still count.
        assertThat(answers).containsOnlyOnce(Optional.empty())
                .filteredOn(a -> a.equals(Optional.of(DebitResult.WRONG_PIN))).hasSize(MAX - 1);
        assertThat(wallets(f.clock).authorise("w", "m1", "NGN", "9999")).contains(DebitResult.LOCKED);
        assertLockedFor(RIGHT, MAX + 1);
    }

    /**
     * Sends 19 wrong PINs and the right one to a wallet allowing {@value #MAX} attempts, all at once, the
     * right one first or last; holds every comparison until all twenty requests were made.
     */
    private List<Optional<DebitResult>> race(boolean rightFirst) {
        Wallets wallets = wallets(f.clock);
        f.walletStore.createIfAbsent("w", "m1", "CUSTOMER", "NGN", 10_000, pins.encode(RIGHT));
        List<Future<Optional<DebitResult>>> answers = new ArrayList<>();
        List<String> guesses = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            guesses.add(String.format("%04d", 1000 + i));
        }
        guesses.add(rightFirst ? 0 : 19, RIGHT);
        for (String pin : guesses) {
            answers.add(pool.submit(() -> wallets.authorise("w", "m1", "NGN", pin)));
            if (pin.equals(RIGHT) && rightFirst) {
                await().atMost(Duration.ofSeconds(10)).until(() -> pins.compared.get() == 1);
            }
        }
        // While the first comparisons are held, every other request is refused without one.
        await().atMost(Duration.ofSeconds(20)).until(() -> pins.compared.get() == MAX
                && answers.stream().filter(Future::isDone).count() == 20 - MAX);
        assertThat(answers.stream().filter(Future::isDone).map(PinLockoutTest::get))
                .containsOnly(Optional.of(DebitResult.LOCKED));
        pins.go.countDown();
        List<Optional<DebitResult>> all = answers.stream().map(PinLockoutTest::get).toList();
        assertThat(pins.compared).hasValue(MAX);
        assertThat(f.meters.counter("vendstream.wallet.pin.refused").count()).isEqualTo(20 - MAX);
        return all;
    }

    /** The wallet is locked: the PIN is refused without being compared. */
    private void assertLockedFor(String pin, int comparedSoFar) {
        assertThat(wallets(f.clock).authorise("w", "m1", "NGN", pin)).contains(DebitResult.LOCKED);
        assertThat(pins.compared).hasValue(comparedSoFar);
        assertThat(f.walletStore.find("w").orElseThrow().lockedUntil()).isNotNull();
    }

    @Test
    void aRightPinForgivesTheWrongOnesBeforeIt() {
        pins.go.countDown();
        Wallets wallets = wallets(f.clock);
        f.walletStore.createIfAbsent("w", "m1", "CUSTOMER", "NGN", 10_000, pins.encode(RIGHT));
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < MAX - 1; i++) {
                assertThat(wallets.authorise("w", "m1", "NGN", "0000")).contains(DebitResult.WRONG_PIN);
            }
            assertThat(wallets.authorise("w", "m1", "NGN", RIGHT)).isEmpty();
        }
        assertThat(f.walletStore.find("w").orElseThrow().failedPinAttempts()).isZero();
        assertThat(pinAttempts("w")).isZero();
    }

    @Test
    void placesHeldByChecksThatDiedWithTheirProcessAreFreedLater() {
        pins.go.countDown();
        f.walletStore.createIfAbsent("w", "m1", "CUSTOMER", "NGN", 10_000, pins.encode(RIGHT));
        // Three checks reserved by a process that then died before comparing.
        for (int i = 0; i < MAX; i++) {
            assertThat(f.walletStore.reservePinCheck("w", MAX, f.clock.instant(), Duration.ofMinutes(2))).isPresent();
        }
        assertThat(wallets(f.clock).authorise("w", "m1", "NGN", RIGHT)).contains(DebitResult.LOCKED);
        assertThat(pins.compared).hasValue(0);

        Wallets later = wallets(Clock.offset(f.clock, Duration.ofMinutes(3)));
        assertThat(later.authorise("w", "m1", "NGN", RIGHT)).isEmpty();
        assertThat(pinAttempts("w")).isZero();
    }

    /** Checks in progress plus wrong PINs counted: a count only the store's PIN updates read, so read from the document. */
    private Integer pinAttempts(String walletId) {
        return Mono.from(f.mongo.template.getCollection(WalletStore.WALLETS).block()
                .find(new Document("_id", walletId)).first()).block().getInteger("pinAttempts");
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
