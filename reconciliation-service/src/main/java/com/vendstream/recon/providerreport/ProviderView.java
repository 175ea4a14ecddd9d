package com.vendstream.recon.providerreport;

import java.util.List;

/**
 * What a provider's records say about a day.
 *
 * @param fullReport true when the records are the provider's complete list for the day (a report),
 *                   so a missing reference means the provider has no such transaction and an extra
 *                   one is a vend we never recorded; false when only our references were looked up
 *                   (requery), which can say nothing about transactions we do not know
 */
public record ProviderView(String provider, boolean fullReport, String source, List<ProviderRecord> records) {
}
