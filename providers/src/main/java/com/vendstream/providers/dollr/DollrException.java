package com.vendstream.providers.dollr;

import java.time.Duration;

/** A Dollr setup call (party, invoice, session, account, prediction, receipt) that did not succeed. */
public class DollrException extends RuntimeException {

    public enum Kind {
        /** 401 even with a fresh token, or the token endpoint refused the credentials. */
        UNAUTHORIZED,
        /** 403: KYC/KYB verification or permissions. */
        FORBIDDEN,
        /** 422 or 400: the request is wrong. */
        VALIDATION,
        NOT_FOUND,
        /** 429 whose Retry-After was longer than we wait, or still 429 after waiting. */
        THROTTLED,
        /** 5xx, timeout, reset, refused connection, an unreadable reply, or no token to be had for now. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final int httpStatus;
    private final Duration retryAfter;

    public DollrException(Kind kind, int httpStatus, String message) {
        this(kind, httpStatus, message, Duration.ZERO);
    }

    public DollrException(Kind kind, int httpStatus, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
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

    /** THROTTLED or UNAVAILABLE: the call may succeed later, nothing was refused for good. */
    public boolean passes() {
        return kind == Kind.THROTTLED || kind == Kind.UNAVAILABLE;
    }
}
