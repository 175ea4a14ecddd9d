package com.vendstream.recon.api;

import com.vendstream.kit.web.Problems;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.web.ErrorResponseException;

/**
 * The business days the API accepts: from a configured first day (nothing was traded before it) to
 * the day that has begun furthest ahead on earth (UTC+14), i.e. no merchant anywhere can have traded
 * on a later one. Dates outside are 400, never a close of year 0 or a 500 from date arithmetic at the
 * end of {@link LocalDate}'s range.
 */
final class DayLimits {

    /** The earliest offset in use (Line Islands): its date is the latest date anywhere. */
    private static final ZoneOffset FURTHEST_AHEAD = ZoneOffset.ofHours(14);

    private final LocalDate earliest;
    private final Clock clock;

    DayLimits(LocalDate earliest, Clock clock) {
        this.earliest = earliest;
        this.clock = clock;
    }

    LocalDate latest() {
        return LocalDate.ofInstant(clock.instant(), FURTHEST_AHEAD);
    }

    /** @throws ErrorResponseException 400 for a missing, malformed or out-of-range day */
    LocalDate parse(String value) {
        if (value == null || value.isBlank()) {
            throw Problems.invalid("day is required, as an ISO date such as 2026-03-01");
        }
        LocalDate day;
        try {
            day = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw Problems.invalid("day must be an ISO date such as 2026-03-01");
        }
        LocalDate latest = latest();
        if (day.isBefore(earliest) || day.isAfter(latest)) {
            throw Problems.of(org.springframework.http.HttpStatus.BAD_REQUEST, "day-out-of-range", "Day out of range",
                    "day must be between " + earliest + " and " + latest + " (the date furthest ahead on earth now)");
        }
        return day;
    }
}
