package com.vendstream.sandbox.core;

/**
 * What the sandbox does with one request. A magic account selects it (see {@link ScenarioTable}); a
 * fault armed through the admin API overrides it for the next calls.
 *
 * <p>{@link #processes()} says whether the provider accepts the vend into its books before answering:
 * those scenarios create a transaction that a requery and the reports will show, whatever happens to
 * the reply afterwards. The others reject the request before anything is processed.
 */
public enum Scenario {
    /** Processed and delivered; the reply says so. */
    SUCCESS(true, Status.SUCCEEDED),
    /** Processed and definitely failed (provider's explicit failure code). */
    FAIL(true, Status.FAILED),
    /** Pending; a requery sees success after the pending policy's requeries or time. */
    PENDING_THEN_SUCCESS(true, Status.PENDING),
    /** Pending; a requery sees failure after the pending policy's requeries or time. */
    PENDING_THEN_FAIL(true, Status.PENDING),
    /** Pending for ever: only a person could resolve it. */
    PENDING_FOREVER(true, Status.PENDING),
    /** Delivered, but the reply is held past the caller's read timeout. */
    TIMEOUT_AFTER_PROCESSING(true, Status.SUCCEEDED),
    /** Delivered, then the TCP connection is reset (RST) instead of replying. */
    CONNECTION_RESET(true, Status.SUCCEEDED),
    /** Delivered, then a gateway in front answers 500: the classic "did it go through?". */
    SERVER_ERROR(true, Status.SUCCEEDED),
    /** Delivered, then a body that is not the provider's format (truncated JSON). */
    GARBAGE(true, Status.SUCCEEDED),
    /**
     * Delivered, then 200 with an HTML page instead of the provider's JSON (a proxy's login or maintenance
     * page): a success status that says nothing about the vend.
     */
    HTML_PAGE(true, Status.SUCCEEDED),
    /** HTTP 429 before processing. */
    TOO_MANY_REQUESTS(false, null),
    /** The provider's own throttle answer (per meter / per biller code) before processing. */
    THROTTLED(false, null),
    /** The merchant's float at the provider is too low; nothing processed. */
    INSUFFICIENT_FLOAT(false, null);

    /** A sandbox transaction's state as the provider's books show it. */
    public enum Status { PENDING, SUCCEEDED, FAILED }

    private final boolean processes;
    private final Status initial;

    Scenario(boolean processes, Status initial) {
        this.processes = processes;
        this.initial = initial;
    }

    public boolean processes() {
        return processes;
    }

    /** The transaction's status right after the vend; null when nothing is processed. */
    public Status initialStatus() {
        return initial;
    }

    /** Scenarios about the reply rather than the vend: the provider sandbox renders them generically. */
    public boolean isTransportFault() {
        return this == CONNECTION_RESET || this == SERVER_ERROR || this == GARBAGE || this == TOO_MANY_REQUESTS
                || this == TIMEOUT_AFTER_PROCESSING || this == HTML_PAGE;
    }
}
