package com.vendstream.providers;

/**
 * Ask a provider for the final state of a vend we already sent, by the same reference.
 *
 * @param providerTransactionId the provider's id when it returned one (some requery endpoints prefer it)
 */
public record RequeryCommand(String reference, ServiceType service, String billerId, String itemId,
                             String providerTransactionId) {
}
