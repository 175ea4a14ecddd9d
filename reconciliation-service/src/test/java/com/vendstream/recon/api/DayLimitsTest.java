package com.vendstream.recon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class DayLimitsTest {

    /** 10:30 UTC on 10 March: already 11 March at UTC+14, still 10 March everywhere west of UTC+13:30. */
    static final DayLimits LIMITS = new DayLimits(LocalDate.of(2020, 1, 1),
            Clock.fixed(Instant.parse("2026-03-10T10:30:00Z"), ZoneOffset.UTC));

    @Test
    void daysFromTheFirstDayToTheDateFurthestAheadOnEarthAreAccepted() {
        assertThat(LIMITS.parse("2020-01-01")).isEqualTo(LocalDate.of(2020, 1, 1));
        assertThat(LIMITS.parse("2026-03-10")).isEqualTo(LocalDate.of(2026, 3, 10));
        assertThat(LIMITS.parse("2026-03-11")).isEqualTo(LocalDate.of(2026, 3, 11));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01", "2019-12-31", "2026-03-12", "2999-01-01", "+999999999-12-31",
            "-999999999-01-01"})
    void daysOutsideAreA400WithItsOwnReason(String day) {
        assertThatThrownBy(() -> LIMITS.parse(day)).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
            assertThat(e.getStatusCode().value()).isEqualTo(400);
            assertThat(e.getBody().getType().toString()).endsWith("/day-out-of-range");
            assertThat(e.getBody().getDetail()).contains("2020-01-01").contains("2026-03-11");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "yesterday", "2026-02-30", "2026-3-1", "+1000000000-01-01", "2026-03-10T00:00"})
    void malformedDaysAreA400(String day) {
        assertThatThrownBy(() -> LIMITS.parse(day)).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
            assertThat(e.getStatusCode().value()).isEqualTo(400);
            assertThat(e.getBody().getType().toString()).endsWith("/invalid-request");
        });
    }
}
