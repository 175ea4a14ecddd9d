package com.vendstream.recon.providerreport;

import java.time.LocalDate;

/**
 * One transaction as the provider records it.
 *
 * @param reference   our reference for the vend at that provider
 * @param amountMinor face value in minor units, or null when the source does not state it (requery)
 * @param day         the provider's day for the transaction, when its report states one
 */
public record ProviderRecord(String reference, String providerTransactionId, ProviderStatus status,
                             Long amountMinor, String currency, LocalDate day) {
}
