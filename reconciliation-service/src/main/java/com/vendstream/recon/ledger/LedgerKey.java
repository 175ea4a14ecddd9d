package com.vendstream.recon.ledger;

import java.time.LocalDate;
import java.util.Comparator;

/** One ledger's scope. {@link #id()} is also the Kafka key of its DailyLedger (a compacted topic). */
public record LedgerKey(String merchantId, LocalDate businessDay, String provider, String service, String currency)
        implements Comparable<LedgerKey> {

    private static final Comparator<LedgerKey> ORDER = Comparator.comparing(LedgerKey::businessDay)
            .thenComparing(LedgerKey::merchantId).thenComparing(LedgerKey::provider)
            .thenComparing(LedgerKey::service).thenComparing(LedgerKey::currency);

    public String id() {
        return merchantId + "|" + businessDay + "|" + provider + "|" + service + "|" + currency;
    }

    @Override
    public int compareTo(LedgerKey o) {
        return ORDER.compare(this, o);
    }
}
