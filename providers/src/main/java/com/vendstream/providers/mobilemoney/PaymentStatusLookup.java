package com.vendstream.providers.mobilemoney;

/**
 * A mobile-money provider's status lookup of one collection or payout by our reference. It never throws
 * for a provider or network problem: anything not known is a PENDING {@link PaymentOutcome}, so a lookup
 * that got no answer is never read as a final state.
 */
public interface PaymentStatusLookup {

    /** The provider id, as stored with each payment (e.g. {@code dollr}). */
    String id();

    PaymentOutcome collectionStatus(String referenceId);

    PaymentOutcome payoutStatus(String referenceId);
}
