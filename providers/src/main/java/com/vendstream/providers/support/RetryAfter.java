package com.vendstream.providers.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
public final class RetryAfter {

    /** Longest wait a provider may impose through the header; beyond it the value is taken as garbage. */
    static final Duration CAP = Duration.ofHours(1);

    private RetryAfter() {
    }

    /** The wait the header asks for, or zero when it is absent or unreadable. */
    public static Duration parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Duration.ZERO;
        }
        String v = header.trim();
        try {
            if (v.matches("\\d{1,9}")) {
                return cap(Duration.ofSeconds(Long.parseLong(v)));
            }
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return d.isNegative() ? Duration.ZERO : cap(d);
        } catch (DateTimeParseException | NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    private static Duration cap(Duration d) {
        return d.compareTo(CAP) > 0 ? CAP : d;
    }
}
