package com.vendstream.providers;

import java.time.Instant;
import java.util.Set;

/**
 * One provider's vending API. Implementations are stateless apart from auth tokens and rate
 * limiters, safe to call from many threads, and never retry a vend with a new reference.
 */
public interface VendConnector {

    /** Stable provider id used in routing, events and metrics: vtpass, pagamio, pawacard, pay4power. */
    String id();

    /** The services this provider can vend at all (the catalog narrows it per biller and merchant). */
    Set<ServiceType> services();

    /** A fresh reference in the format this provider requires; persist it before calling {@link #vend}. */
    String newReference();

    /**
     * Whether a reference made earlier by {@link #newReference()} may still be sent at {@code at}.
     * VTpass's request_id, for one, must carry today's date in Lagos; a reference claimed just before
     * midnight and sent after it would be refused (085).
     */
    default boolean referenceUsable(String reference, Instant at) {
        return true;
    }

    /**
     * Sends the vend exactly once (retrying only where the provider documents that the same
     * reference is idempotent and the failure happened before processing). Never throws for a
     * provider or network problem: timeouts, resets, 5xx and garbage become {@link VendOutcome.Pending},
     * and a refused connection becomes {@link VendOutcome.Failed} with {@code beforeProcessing=true}.
     */
    VendOutcome vend(VendCommand command);

    /** Status of an earlier vend by our reference; unknown or unclear answers are Pending. */
    VendOutcome requery(RequeryCommand command);

    /** Account lookup before an order is accepted. */
    AccountVerification verify(VerifyCommand command);
}
