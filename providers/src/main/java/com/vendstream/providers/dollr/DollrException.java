package com.vendstream.providers.dollr;

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
        /** 5xx, timeout, reset, refused connection or an unreadable reply. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final int httpStatus;

    public DollrException(Kind kind, int httpStatus, String message) {
        super(message);
        this.kind = kind;
        this.httpStatus = httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    /** 0 when no HTTP reply was received. */
    public int httpStatus() {
        return httpStatus;
    }
}
