package com.vendstream.providers;

/** What to do next about a provider code: the decision column of each provider's code table. */
public enum Decision {
    /** Nothing was processed; the same request with the same reference may be sent again. */
    RETRY,
    /** The provider may have processed it; ask for the status with the same reference. */
    REQUERY,
    /** A definite failure; refund. */
    FAIL,
    /** Final as far as the API goes, but a person must look (e.g. VTpass 044). */
    MANUAL,
    /** A final success. */
    DONE,
    /**
     * Nothing was processed, for a reason that passes (a duplicate window, a throttle, a refused
     * reference): the order waits and is sent again later under a new reference, never refunded for
     * it meanwhile ({@link VendOutcome.NotSent}).
     */
    WAIT
}
