package com.vendstream.recon.providerreport;

/** One of our vends a provider is asked about (what a requery needs to find it). */
public record VendToCheck(String orderId, String reference, String providerTransactionId, String service,
                          String billerId, String itemId) {
}
