package com.vendstream.providers;

import java.time.Instant;

/**
 * One line of a provider's own transaction report, for reconciliation against our ledger.
 *
 * @param reference our reference as the provider recorded it (null if the provider did not keep it)
 * @param outcome SUCCEEDED, FAILED or PENDING as the provider reports it now
 * @param amountMinor face value in minor units of {@code currency}; null when the provider did not state it or
 *                    stated one we cannot read (finer than the currency): unknown, never zero
 */
public record TransactionReport(String provider, String providerTransactionId, String reference,
                                CodeRule.Outcome outcome, Long amountMinor, String currency, String product,
                                Instant at) {
}
