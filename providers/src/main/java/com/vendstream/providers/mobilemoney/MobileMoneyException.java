package com.vendstream.providers.mobilemoney;

import java.time.Duration;

/**
 * A mobile-money setup call (party, invoice, session, account, prediction, receipt) that did not succeed,
 * or one the providers' guard kept back. {@link #providerDown()} says whether it tells that the provider
 * itself is down (no reply, refused connection, 5xx): only that counts against the provider's breaker.
 */
public class MobileMoneyException extends RuntimeException {

    public enum Kind {
        /** 401 even with a fresh token, or the token endpoint refused the credentials. */
        UNAUTHORIZED,
        /** 403: KYC/KYB verification or permissions. */
        FORBIDDEN,
        /** 422 or 400: the request is wrong. */
        VALIDATION,
        NOT_FOUND,
        /** 429 whose Retry-After was longer than we wait, or still 429 after waiting (also from the token endpoint). */
        THROTTLED,
        /** 5xx, timeout, reset, refused connection, an unreadable reply, or no token to be had for now. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final int httpStatus;
    private final Duration retryAfter;
    private final boolean providerDown;

    public MobileMoneyException(Kind kind, int httpStatus, String message) {
        this(kind, httpStatus, message, Duration.ZERO);
    }

    /** UNAVAILABLE without a reply (status 0) or with a 5xx is the provider being down. */
    public MobileMoneyException(Kind kind, int httpStatus, String message, Duration retryAfter) {
        this(kind, httpStatus, message, retryAfter, kind == Kind.UNAVAILABLE && (httpStatus == 0 || httpStatus >= 500));
    }

    public MobileMoneyException(Kind kind, int httpStatus, String message, Duration retryAfter, boolean providerDown) {
        super(message);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
        this.providerDown = providerDown;
    }

    public Kind kind() {
        return kind;
    }

    /** 0 when no HTTP reply was received. */
    public int httpStatus() {
        return httpStatus;
    }

    /** How long Dollr (or its token endpoint) asked us to wait; zero when it named no time. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** No reply, a refused connection or a 5xx (also from the token endpoint): the provider is down. */
    public boolean providerDown() {
        return providerDown;
    }

    /** THROTTLED or UNAVAILABLE: the call may succeed later, nothing was refused for good. */
    public boolean passes() {
        return kind == Kind.THROTTLED || kind == Kind.UNAVAILABLE;
    }
}
