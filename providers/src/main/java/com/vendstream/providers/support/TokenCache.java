package com.vendstream.providers.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One provider session: a bearer token renewed {@code refreshBefore} ahead of its expiry, by refresh
 * token when there is one, else by logging in again. Thread-safe; the token itself is never logged.
 */
public final class TokenCache {

    /** What a login or refresh returned. {@code refreshToken} may be null. */
    public record Session(String token, String refreshToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[expiresAt=" + expiresAt + "]";
        }
    }

    private final Supplier<Session> login;
    private final Function<String, Session> refresh;
    private final Duration refreshBefore;
    private final Clock clock;
    private Session current;

    public TokenCache(Supplier<Session> login, Function<String, Session> refresh, Duration refreshBefore, Clock clock) {
        this.login = login;
        this.refresh = refresh;
        this.refreshBefore = refreshBefore;
        this.clock = clock;
    }

    /** A token with more than {@code refreshBefore} to live. */
    public synchronized String token() {
        if (current == null || !clock.instant().isBefore(current.expiresAt().minus(refreshBefore))) {
            current = renew(current);
        }
        return current.token();
    }

    /** The provider refused {@code rejected}: renew once (unless another thread already did) and return the new token. */
    public synchronized String renewAfterRejection(String rejected) {
        if (current == null || current.token().equals(rejected)) {
            current = renew(current);
        }
        return current.token();
    }

    public synchronized void invalidate() {
        current = null;
    }

    private Session renew(Session old) {
        if (old != null && old.refreshToken() != null && refresh != null) {
            try {
                Session s = refresh.apply(old.refreshToken());
                if (s != null) {
                    return s;
                }
            } catch (RuntimeException e) {
                // A refused refresh falls back to a fresh login, as the providers document.
            }
        }
        return login.get();
    }
}
