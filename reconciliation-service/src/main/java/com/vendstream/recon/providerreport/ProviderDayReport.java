package com.vendstream.recon.providerreport;

import java.time.LocalDate;
import java.util.List;

/**
 * A provider that can list a whole day's transactions (Pagamio's POST /transactions). Register one
 * as a bean and {@link ConnectorProviderRecords} uses it instead of requerying reference by reference.
 */
public interface ProviderDayReport {

    String provider();

    List<ProviderRecord> transactions(LocalDate day);
}
