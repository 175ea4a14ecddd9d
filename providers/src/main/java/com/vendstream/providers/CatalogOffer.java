package com.vendstream.providers;

/**
 * One thing a provider will sell us right now, already translated into our catalogue's terms
 * (service, biller id, item id), so the merge never needs to know a provider's own product codes.
 *
 * @param itemId null when the offer covers the biller as a whole (a provider without plans or variations)
 * @param priceMinor fixed price in minor units, or null for an open amount
 * @param minAmountMinor the provider's lower bound for open amounts, or null when it states none
 * @param maxAmountMinor the provider's upper bound for open amounts, or null when it states none
 */
public record CatalogOffer(ServiceType service, String billerId, String itemId, String name, String currency,
                           Long priceMinor, Long minAmountMinor, Long maxAmountMinor) {
}
