package com.vendstream.recon.ledger;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One consumed event reduced to what the ledger and the matching need. Customer data (accounts,
 * phones, tokens, PINs) is deliberately not carried: finance figures do not need it.
 *
 * @param amountMinor       face value (or amount posted) in minor units of {@code currency}
 * @param providerCostMinor what the provider charged our float, when a successful vend said so
 * @param detail            a reason or class, free of personal data (failure class, refund method)
 */
public record Fact(String eventId, FactKind kind, Instant at, LocalDate businessDay, String merchantId,
                   String orderId, String provider, String reference, String providerTransactionId,
                   Long amountMinor, String currency, Long providerCostMinor, String service, String billerId,
                   String itemId, String paymentMethod, String detail) {
}
