package com.vendstream.order.api;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The time window of a listing (order history, wallet statements): {@code from} inclusive, {@code to}
 * exclusive, ISO-8601 instants. A date the store could not even represent (year +999999999) or one no
 * record can have (before 2000, or years ahead) is a client error, answered 400 like any bad date.
 */
public record TimeWindow(Instant from, Instant to) {

    /** Nothing here is older than this. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far ahead a bound may be: enough for "until the end of next year", not for nonsense. */
    public static final int YEARS_AHEAD = 5;

    /**
     * Reads the window, adding one problem per bad bound (or for {@code from} not before {@code to}) to
     * {@code errors}, which the caller answers together with its other problems.
     */
    public static TimeWindow parse(String from, String to, Clock clock, List<String> errors) {
        Instant latest = clock.instant().atOffset(ZoneOffset.UTC).plusYears(YEARS_AHEAD).toInstant();
        Instant fromAt = instant("from", from, latest, errors);
        Instant toAt = instant("to", to, latest, errors);
        if (fromAt != null && toAt != null && !fromAt.isBefore(toAt)) {
            errors.add("from must be before to");
        }
        return new TimeWindow(fromAt, toAt);
    }

    private static Instant instant(String name, String value, Instant latest, List<String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(name + " must be an ISO-8601 instant such as 2026-01-31T23:00:00Z");
            return null;
        }
        if (at.isBefore(EARLIEST) || at.isAfter(latest)) {
            errors.add(name + " must be between " + EARLIEST + " and " + YEARS_AHEAD + " years from now");
            return null;
        }
        return at;
    }
}
