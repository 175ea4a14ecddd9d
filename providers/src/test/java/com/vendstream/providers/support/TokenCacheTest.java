package com.vendstream.providers.support;

import org.threeten.extra.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;

/** The session cache on a hand-moved clock: when it renews, how it waits, what it tells apart. */
class TokenCacheTest {

    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final MutableClock clock = MutableClock.of(T0, java.time.ZoneOffset.UTC);
    final List<Duration> sleeps = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** One provider name per test: the refusal flag is shared per provider in a JVM. */
    final String provider = "test-" + UUID.randomUUID();

    /** A token endpoint scripted call by call: each call takes the next answer (a lifetime, or an exception). */
    final class Endpoint implements Supplier<TokenCache.Session> {
        final Deque<Object> script = new ArrayDeque<>();
        int calls;

        Endpoint then(Object answer) {
            script.add(answer);
            return this;
        }

        @Override
        public TokenCache.Session get() {
            calls++;
            Object next = script.isEmpty() ? Duration.ofMinutes(30) : script.poll();
            if (next instanceof RuntimeException e) {
                throw e;
            }
            return new TokenCache.Session("token-" + calls, null, clock.instant().plus((Duration) next));
        }
    }

    TokenCache cache(Endpoint endpoint, Duration refreshBefore) {
        return new TokenCache(provider, endpoint, null, refreshBefore, clock, TokenCache.Policy.DEFAULT,
                sleeps::add, meters);
    }

    double refusedGauge() {
        return meters.get("vendstream.provider.auth.refused").tag("provider", provider).gauge().value();
    }

    static HttpClientErrorException status(int code, String retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        if (retryAfter != null) {
            headers.add("Retry-After", retryAfter);
        }
        return HttpClientErrorException.create(HttpStatusCode.valueOf(code), "HTTP " + code, headers,
                "{}".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    @Test
    void aLongLivedTokenIsRenewedRefreshBeforeItsExpiry() {
        Endpoint endpoint = new Endpoint().then(Duration.ofMinutes(30)).then(Duration.ofMinutes(30));
        TokenCache cache = cache(endpoint, Duration.ofMinutes(5));
        assertThat(cache.token()).isEqualTo("token-1");
        clock.add(Duration.ofMinutes(25).minusSeconds(1));
        assertThat(cache.token()).isEqualTo("token-1");
        clock.add(Duration.ofSeconds(1));
        assertThat(cache.token()).isEqualTo("token-2");
        assertThat(endpoint.calls).isEqualTo(2);
    }

    @Test
    void aShortLivedTokenIsRenewedAtThreeQuartersOfItsLifetimeNotOnEveryCall() {
        // A 4-minute token renewed "5 minutes before expiry" would be fetched again on every call.
        Endpoint endpoint = new Endpoint().then(Duration.ofMinutes(4)).then(Duration.ofMinutes(4));
        TokenCache cache = cache(endpoint, Duration.ofMinutes(5));
        assertThat(cache.token()).isEqualTo("token-1");
        for (int i = 0; i < 5; i++) {
            clock.add(Duration.ofSeconds(35));
            assertThat(cache.token()).isEqualTo("token-1");
        }
        clock.add(Duration.ofSeconds(5));
        assertThat(cache.token()).isEqualTo("token-2");
        assertThat(endpoint.calls).isEqualTo(2);
    }

    @Test
    void a429IsRetriedAfterTheWaitItAsksFor() {
        Endpoint endpoint = new Endpoint().then(status(429, "2"));
        TokenCache cache = cache(endpoint, Duration.ofMinutes(5));
        assertThat(cache.token()).isEqualTo("token-2");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
        assertThat(endpoint.calls).isEqualTo(2);
        assertThat(meters.get("vendstream.provider.auth.failures").tag("kind", "unavailable").counter().count())
                .isEqualTo(1);
        assertThat(refusedGauge()).isZero();
    }

    @Test
    void aTokenEndpointThatStaysDownIsUnavailableNotRefused() {
        Endpoint endpoint = new Endpoint();
        for (int i = 0; i < 3; i++) {
            endpoint.then(HttpServerErrorException.create(HttpStatusCode.valueOf(503), "down", HttpHeaders.EMPTY,
                    new byte[0], StandardCharsets.UTF_8));
        }
        TokenCache cache = cache(endpoint, Duration.ofMinutes(5));
        assertThatThrownBy(cache::token).isInstanceOfSatisfying(ProviderAuthException.class,
                e -> assertThat(e.kind()).isEqualTo(ProviderAuthException.Kind.UNAVAILABLE));
        assertThat(endpoint.calls).isEqualTo(3);
        // Backoff between attempts, doubling; none after the last.
        assertThat(sleeps).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(refusedGauge()).isZero();
    }

    @Test
    void refusedCredentialsAreHeldBackLongerEachTimeAndRaiseTheGaugeUntilALoginSucceeds() {
        Endpoint endpoint = new Endpoint().then(status(401, null)).then(status(401, null));
        TokenCache cache = cache(endpoint, Duration.ofMinutes(5));

        assertThatThrownBy(cache::token).isInstanceOfSatisfying(ProviderAuthException.class,
                e -> assertThat(e.kind()).isEqualTo(ProviderAuthException.Kind.REFUSED));
        assertThat(endpoint.calls).isEqualTo(1);
        assertThat(refusedGauge()).isEqualTo(1);
        assertThat(sleeps).isEmpty();

        // Within the hold (30 s) nobody logs in again, however many orders ask.
        clock.add(Duration.ofSeconds(29));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(cache::token).isInstanceOfSatisfying(ProviderAuthException.class,
                    e -> assertThat(e.kind()).isEqualTo(ProviderAuthException.Kind.REFUSED));
        }
        assertThat(endpoint.calls).isEqualTo(1);

        // After it, one try; refused again, the hold doubles to 60 s.
        clock.add(Duration.ofSeconds(1));
        assertThatThrownBy(cache::token).isInstanceOf(ProviderAuthException.class);
        assertThat(endpoint.calls).isEqualTo(2);
        clock.add(Duration.ofSeconds(59));
        assertThatThrownBy(cache::token).isInstanceOf(ProviderAuthException.class);
        assertThat(endpoint.calls).isEqualTo(2);
        assertThat(refusedGauge()).isEqualTo(1);
        assertThat(meters.get("vendstream.provider.auth.failures").tag("kind", "refused").counter().count())
                .isEqualTo(2);

        // Credentials fixed: the next login after the hold succeeds and the alert clears.
        clock.add(Duration.ofSeconds(1));
        assertThat(cache.token()).isEqualTo("token-3");
        assertThat(refusedGauge()).isZero();
    }

    @Test
    void aStillValidTokenIsKeptWhenEarlyRenewalFails() {
        Endpoint endpoint = new Endpoint().then(Duration.ofMinutes(30));
        for (int i = 0; i < 3; i++) {
            endpoint.then(status(429, null));
        }
        TokenCache cache = cache(endpoint, Duration.ofMinutes(5));
        assertThat(cache.token()).isEqualTo("token-1");

        clock.add(Duration.ofMinutes(26));
        assertThat(cache.token()).as("renewal failed, the old token still works").isEqualTo("token-1");
        assertThat(endpoint.calls).isEqualTo(4);
        // While the endpoint is held back, the valid token is handed out without asking it again.
        assertThat(cache.token()).isEqualTo("token-1");
        assertThat(endpoint.calls).isEqualTo(4);

        // Once expired, an endpoint that still fails gives no token: unavailable, never refused.
        clock.add(Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            endpoint.then(status(429, null));
        }
        assertThatThrownBy(cache::token).isInstanceOfSatisfying(ProviderAuthException.class,
                e -> assertThat(e.kind()).isEqualTo(ProviderAuthException.Kind.UNAVAILABLE));
        assertThat(refusedGauge()).isZero();
    }

    @Test
    void aThrottledRefreshIsRetriedAsSuchAndARefusedOneFallsBackToLoggingIn() {
        Endpoint login = new Endpoint();
        List<String> refreshes = new ArrayList<>();
        Deque<RuntimeException> refreshAnswers = new ArrayDeque<>(List.of(status(429, "1"), status(401, null)));
        TokenCache cache = new TokenCache(provider, () -> {
            TokenCache.Session s = login.get();
            return new TokenCache.Session(s.token(), "refresh-" + login.calls, s.expiresAt());
        }, refresh -> {
            refreshes.add(refresh);
            throw refreshAnswers.poll();
        }, Duration.ofMinutes(5), clock, TokenCache.Policy.DEFAULT, sleeps::add, meters);
        assertThat(cache.token()).isEqualTo("token-1");
        clock.add(Duration.ofMinutes(25));
        // 429 on refresh: waited out (not a login), then the refresh token is refused: log in.
        assertThat(cache.token()).isEqualTo("token-2");
        assertThat(refreshes).containsExactly("refresh-1", "refresh-1");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(login.calls).isEqualTo(2);
    }
}
