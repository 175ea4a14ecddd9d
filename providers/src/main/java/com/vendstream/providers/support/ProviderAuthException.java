package com.vendstream.providers.support;

import java.time.Duration;

/**
 * A provider session could not be had, so nothing was sent to the business endpoint. The two kinds
 * call for opposite handling: credentials the provider refused stay refused until someone changes
 * them (a definite "not processed": fail over or refund, and alert), while a throttled or failing
 * token endpoint passes (the order waits and is sent later).
 */
public final class ProviderAuthException extends RuntimeException {

    public enum Kind {
        /** The provider refused our credentials (401/403 or its documented refusal on the login call). */
        REFUSED,
        /** The token endpoint was throttled, down, unreachable or answered something unreadable. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final Duration retryAfter;
    private final boolean throttled;

    public ProviderAuthException(Kind kind, String message, Duration retryAfter) {
        this(kind, message, retryAfter, false);
    }

    public ProviderAuthException(Kind kind, String message, Duration retryAfter, boolean throttled) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
        this.throttled = throttled;
    }

    public static ProviderAuthException refused(String message) {
        return new ProviderAuthException(Kind.REFUSED, message, Duration.ZERO);
    }

    public static ProviderAuthException unavailable(String message, Duration retryAfter) {
        return new ProviderAuthException(Kind.UNAVAILABLE, message, retryAfter);
    }

    /** The token endpoint answered with its rate limit (HTTP 429), with or without a Retry-After. */
    public static ProviderAuthException throttled(String message, Duration retryAfter) {
        return new ProviderAuthException(Kind.UNAVAILABLE, message, retryAfter, true);
    }

    public Kind kind() {
        return kind;
    }

    /** UNAVAILABLE because the token endpoint is rate-limiting us: whoever asks again should slow down. */
    public boolean throttled() {
        return throttled;
    }

    /** How long to wait before asking the token endpoint again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
