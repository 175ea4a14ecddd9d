package com.vendstream.poller.requery;

import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * A pending operation as it arrives: everything the schedule needs to requery it with the original
 * reference and to build its resolution events later.
 *
 * @param cause the pending event itself (VendPending or PaymentPending), kept to derive the
 *              resolution's envelope, amount and references from
 */
public record NewRequery(Kind kind, String key, String orderId, String provider, String reference,
                         String providerTransactionId, String service, String billerId, String itemId,
                         String sessionId, long amountMinor, String currency, Instant firstPendingAt,
                         String lastCode, String causeEventId, SpecificRecord cause, Owner owner) {

    public String id() {
        return kind.id(key);
    }
}
