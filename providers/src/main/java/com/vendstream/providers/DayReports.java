package com.vendstream.providers;

import java.time.LocalDate;
import java.util.List;

/**
 * A provider that lists a whole business day of its own transactions (Pagamio's POST /transactions).
 * Implemented by the connectors whose API has such a report; reconciliation matches their days on it
 * and requeries the others reference by reference.
 */
public interface DayReports {

    /** The provider id, as {@link VendConnector#id()}. */
    String id();

    /**
     * Every transaction the provider recorded for {@code day}, a day in the provider's own time zone.
     * Throws when the report cannot be fetched or read: an empty list means the provider recorded none.
     */
    List<TransactionReport> transactions(LocalDate day);
}
