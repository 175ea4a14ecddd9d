package com.vendstream.recon.providerreport;

import java.time.LocalDate;
import java.util.List;

/** Port: the provider's own view of a business day's transactions. */
public interface ProviderRecords {

    /**
     * @param ours our vends of the day at this provider; a source without a day report looks them up one by one
     * @throws ProviderUnavailableException when the provider cannot be asked at all; matching then leaves
     *                                      that provider's discrepancies as they were rather than guess
     */
    ProviderView fetch(String provider, LocalDate day, List<VendToCheck> ours);
}
