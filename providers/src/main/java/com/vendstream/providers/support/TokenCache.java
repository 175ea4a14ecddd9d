package com.vendstream.providers.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

/**
 * One provider session: a bearer token (or login key) renewed ahead of its expiry, by refresh token
 * when there is one, else by logging in again. Thread-safe; one renewal at a time, so concurrent
 * callers never stampede the token endpoint. The token itself is never logged.
 *
 * <p>Renewal happens at {@code expiresAt - min(refreshBefore, lifetime / 4)}: the providers' "5 minutes
 * before expiry" for long lifetimes, and a quarter of the lifetime for short ones (a 4-minute token
 * renewed "5 minutes before expiry" would be fetched again on every call).
 *
 * <p>Failures are split by what they mean. Credentials the provider refused throw
 * {@link ProviderAuthException.Kind#REFUSED}; further logins are held back with a growing backoff
 * (30 s doubling to 15 min), so a wrong password is not tried on every order, and the refusal shows
 * on the {@code vendstream.provider.auth.refused} gauge for alerting. A throttled, failing or
 * unreachable token endpoint is retried a few times with backoff, honouring {@code Retry-After}; if it
 * still fails the current token is used while it is valid, else
 * {@link ProviderAuthException.Kind#UNAVAILABLE} is thrown with the time to wait.
 */
public final class TokenCache {

    private static final Logger log = LoggerFactory.getLogger(TokenCache.class);

    /** What a login or refresh returned. {@code refreshToken} may be null. */
    public record Session(String token, String refreshToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[expiresAt=" + expiresAt + "]";
        }
    }

    /** How hard to try the token endpoint. */
    public record Policy(int attempts, Duration firstBackoff, Duration maxInlineWait, Duration refusedBackoff,
                         Duration maxRefusedBackoff) {
        public static final Policy DEFAULT = new Policy(3, Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofMinutes(15));
    }

    /** Waits between attempts; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final String provider;
    private final Supplier<Session> login;
    private final Function<String, Session> refresh;
    private final Duration refreshBefore;
    private final Clock clock;
    private final Policy policy;
    private final Sleeper sleeper;
    private final Counter refusals;
    private final Counter unavailable;
    private final Counter renewals;
    private final AtomicInteger refusedNow;

    /** One refusal flag per provider in this JVM, so every connector instance feeds the same gauge. */
    private static final java.util.concurrent.ConcurrentMap<String, AtomicInteger> REFUSED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Session current;
    private Instant renewAt;
    private Instant holdUntil;
    private ProviderAuthException.Kind held;
    /** Whether the endpoint held back (UNAVAILABLE) was rate-limiting us rather than failing. */
    private boolean heldThrottled;
    private Duration nextRefusedBackoff;

    public TokenCache(String provider, Supplier<Session> login, Function<String, Session> refresh,
                      Duration refreshBefore, Clock clock) {
        this(provider, login, refresh, refreshBefore, clock, Policy.DEFAULT, d -> Thread.sleep(d.toMillis()),
                Metrics.globalRegistry);
    }

    public TokenCache(String provider, Supplier<Session> login, Function<String, Session> refresh,
                      Duration refreshBefore, Clock clock, Policy policy, Sleeper sleeper, MeterRegistry meters) {
        this.provider = provider;
        this.login = login;
        this.refresh = refresh;
        this.refreshBefore = refreshBefore;
        this.clock = clock;
        this.policy = policy;
        this.sleeper = sleeper;
        this.nextRefusedBackoff = policy.refusedBackoff();
        this.refusedNow = REFUSED.computeIfAbsent(provider, p -> new AtomicInteger());
        this.refusals = Counter.builder("vendstream.provider.auth.failures").tag("provider", provider)
                .tag("kind", "refused").description("Logins the provider refused (credentials)").register(meters);
        this.unavailable = Counter.builder("vendstream.provider.auth.failures").tag("provider", provider)
                .tag("kind", "unavailable").description("Token calls that got no usable answer").register(meters);
        this.renewals = Counter.builder("vendstream.provider.auth.renewals").tag("provider", provider)
                .description("Sessions obtained from the token endpoint").register(meters);
        meters.gauge("vendstream.provider.auth.refused", io.micrometer.core.instrument.Tags.of("provider", provider),
                refusedNow, AtomicInteger::get);
    }

    /** A token that is valid now, renewed first when its renewal point has passed. */
    public synchronized String token() {
        Instant now = clock.instant();
        if (current != null && now.isBefore(renewAt)) {
            return current.token();
        }
        return renew(now, current, true).token();
    }

    /** The provider refused {@code rejected}: renew once (unless another thread already did) and return the new token. */
    public synchronized String renewAfterRejection(String rejected) {
        if (current != null && !current.token().equals(rejected)) {
            return current.token();
        }
        // The rejected token is of no further use, valid or not.
        Session old = current;
        current = null;
        return renew(clock.instant(), old, false).token();
    }

    public synchronized void invalidate() {
        current = null;
    }

    /** True while the provider refuses our credentials (the alert gauge's value). */
    public boolean refused() {
        return refusedNow.get() == 1;
    }

    /** @param keepOld whether {@code old} may still be handed out when no new session can be had */
    private Session renew(Instant now, Session old, boolean keepOld) {
        if (holdUntil != null && now.isBefore(holdUntil)) {
            if (keepOld && usable(old, now)) {
                return old;
            }
            Duration wait = Duration.between(now, holdUntil);
            throw held == ProviderAuthException.Kind.REFUSED
                    ? new ProviderAuthException(held, provider + " refused our credentials; next login after " + holdUntil, wait)
                    : new ProviderAuthException(held, provider + " token endpoint unavailable; next try after " + holdUntil,
                            wait, heldThrottled);
        }
        ProviderAuthException last = null;
        Duration backoff = policy.firstBackoff();
        for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
            try {
                Session s = obtain(old);
                store(s, clock.instant());
                return s;
            } catch (ProviderAuthException e) {
                last = e;
            } catch (RuntimeException e) {
                last = translate(e, clock);
            }
            if (last.kind() == ProviderAuthException.Kind.REFUSED) {
                refusals.increment();
                Duration wait = nextRefusedBackoff;
                nextRefusedBackoff = min(nextRefusedBackoff.multipliedBy(2), policy.maxRefusedBackoff());
                hold(ProviderAuthException.Kind.REFUSED, clock.instant().plus(wait));
                if (refusedNow.getAndSet(1) == 0) {
                    log.warn("{} refused our credentials ({}); logins held back for {}", provider, last.getMessage(), wait);
                }
                throw new ProviderAuthException(ProviderAuthException.Kind.REFUSED, last.getMessage(), wait);
            }
            unavailable.increment();
            Duration wait = last.retryAfter().compareTo(backoff) > 0 ? last.retryAfter() : backoff;
            if (attempt == policy.attempts() || wait.compareTo(policy.maxInlineWait()) > 0) {
                hold(ProviderAuthException.Kind.UNAVAILABLE, clock.instant().plus(wait));
                heldThrottled = last.throttled();
                break;
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = backoff.multipliedBy(2);
        }
        if (keepOld && usable(old, clock.instant())) {
            // Renewing early failed, but the session we have is still good: keep using it.
            return old;
        }
        log.warn("{} token endpoint gave no session: {}", provider, last == null ? "interrupted" : last.getMessage());
        // A throttled endpoint stays marked throttled, whether or not it named a Retry-After.
        throw new ProviderAuthException(ProviderAuthException.Kind.UNAVAILABLE, provider + " token endpoint: "
                + (last == null ? "interrupted" : last.getMessage()),
                holdUntil == null ? Duration.ZERO : Duration.between(clock.instant(), holdUntil),
                last != null && last.throttled());
    }

    private Session obtain(Session old) {
        if (old != null && old.refreshToken() != null && refresh != null) {
            try {
                Session s = refresh.apply(old.refreshToken());
                if (s != null) {
                    return s;
                }
            } catch (RuntimeException e) {
                ProviderAuthException why = e instanceof ProviderAuthException auth ? auth : translate(e, clock);
                if (why.kind() != ProviderAuthException.Kind.REFUSED) {
                    // A throttled or failing token endpoint is retried as such; logging in instead would
                    // only spend the login endpoint's own (smaller) budget.
                    throw why;
                }
                // A refused refresh token falls back to a fresh login, as the providers document.
            }
        }
        return login.get();
    }

    private void store(Session s, Instant now) {
        current = s;
        renewals.increment();
        holdUntil = null;
        held = null;
        heldThrottled = false;
        nextRefusedBackoff = policy.refusedBackoff();
        if (refusedNow.getAndSet(0) == 1) {
            log.info("{} accepts our credentials again", provider);
        }
        renewAt = renewalPoint(now, s.expiresAt(), refreshBefore);
    }

    /** {@code expiresAt - min(refreshBefore, lifetime / 4)}; a session without expiry is never renewed early. */
    static Instant renewalPoint(Instant issuedAt, Instant expiresAt, Duration refreshBefore) {
        if (expiresAt == null || expiresAt.equals(Instant.MAX)) {
            return Instant.MAX;
        }
        Duration lifetime = Duration.between(issuedAt, expiresAt);
        if (lifetime.isNegative() || lifetime.isZero()) {
            return issuedAt;
        }
        Duration ahead = min(refreshBefore == null ? Duration.ZERO : refreshBefore, lifetime.dividedBy(4));
        return expiresAt.minus(ahead);
    }

    private void hold(ProviderAuthException.Kind kind, Instant until) {
        held = kind;
        holdUntil = until;
        heldThrottled = false;
    }

    private static boolean usable(Session s, Instant now) {
        return s != null && (s.expiresAt() == null || now.isBefore(s.expiresAt()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * What a failed token call means: 401/403 and other 4xx are refused credentials (or a request the
     * provider will never accept); 429, 5xx, I/O and unreadable replies pass.
     */
    static ProviderAuthException translate(RuntimeException e, Clock clock) {
        if (e instanceof RestClientResponseException http) {
            int status = http.getStatusCode().value();
            if (status == 429 || status >= 500 || status == 408) {
                String retryAfter = http.getResponseHeaders() == null ? null
                        : http.getResponseHeaders().getFirst("Retry-After");
                return new ProviderAuthException(ProviderAuthException.Kind.UNAVAILABLE,
                        "token endpoint answered HTTP " + status, RetryAfter.parse(retryAfter, clock), status == 429);
            }
            return ProviderAuthException.refused("token endpoint answered HTTP " + status);
        }
        if (e instanceof ResourceAccessException) {
            return ProviderAuthException.unavailable("token endpoint unreachable: "
                    + (e.getCause() == null ? e.getClass().getSimpleName() : e.getCause().getClass().getSimpleName()),
                    Duration.ZERO);
        }
        return ProviderAuthException.unavailable("token endpoint: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), Duration.ZERO);
    }
}
