package com.vendstream.poller.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequeryScheduleTest {

    static final RequerySchedule PAGAMIO = new RequerySchedule(List.of(
            new RequerySchedule.Step(Duration.ofSeconds(5), Duration.ofMinutes(1)),
            new RequerySchedule.Step(Duration.ofSeconds(30), Duration.ofMinutes(5)),
            new RequerySchedule.Step(Duration.ofMinutes(5), null)),
            Duration.ofMinutes(5), Duration.ofMinutes(5), 0.2, Duration.ofSeconds(2), Duration.ofMinutes(1),
            Duration.ofMinutes(10), 1, null);

    static final RequerySchedule VTPASS = new RequerySchedule(List.of(
            new RequerySchedule.Step(Duration.ofSeconds(10), Duration.ofSeconds(10)),
            new RequerySchedule.Step(Duration.ofSeconds(30), Duration.ofSeconds(40)),
            new RequerySchedule.Step(Duration.ofMinutes(1), Duration.ofSeconds(100)),
            new RequerySchedule.Step(Duration.ofMinutes(5), null)),
            Duration.ofMinutes(30), Duration.ofMinutes(30), 0.2, null, null, null, 1, null);

    @Test
    void pagamioEveryFiveSecondsForAMinuteThenEveryThirtySecondsToFiveMinutesThenEveryFiveMinutes() {
        assertThat(PAGAMIO.offset(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(PAGAMIO.offset(12)).isEqualTo(Duration.ofMinutes(1));
        assertThat(PAGAMIO.offset(13)).isEqualTo(Duration.ofSeconds(90));
        assertThat(PAGAMIO.offset(20)).isEqualTo(Duration.ofMinutes(5));
        assertThat(PAGAMIO.offset(21)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void vtpassBacksOffTenSecondsThirtySecondsAMinuteThenFiveMinutes() {
        assertThat(List.of(VTPASS.offset(1), VTPASS.offset(2), VTPASS.offset(3), VTPASS.offset(4),
                VTPASS.offset(5))).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(40),
                Duration.ofSeconds(100), Duration.ofSeconds(400), Duration.ofSeconds(700));
    }

    @Test
    void jitterStaysWithinItsFractionOfTheInterval() {
        Instant first = Instant.parse("2026-01-01T00:00:00Z");
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            Instant due = PAGAMIO.nextWhilePending(first, 12, first, random);
            // 13th requery: nominal 90 s, interval 30 s, ±20 % = ±6 s.
            assertThat(due).isBetween(first.plusSeconds(84), first.plusSeconds(96));
        }
    }

    @Test
    void theLastRequeryBeforeEscalationFallsOnTheDeadline() {
        Instant first = Instant.parse("2026-01-01T00:00:00Z");
        // After 20 requeries the nominal next one is at 10 minutes, past the 5-minute deadline.
        assertThat(PAGAMIO.nextWhilePending(first, 20, first.plusSeconds(290), new Random(1)))
                .isEqualTo(first.plus(Duration.ofMinutes(5)));
    }

    @Test
    void aScheduleTakenOverLateIsDueNowNotInThePast() {
        Instant first = Instant.parse("2026-01-01T00:00:00Z");
        Instant now = first.plusSeconds(200);
        assertThat(VTPASS.nextWhilePending(first, 0, now, new Random(1))).isEqualTo(now);
    }

    @Test
    void throttlingDoublesThePauseUpToItsCap() {
        assertThat(List.of(PAGAMIO.throttleBackoff(1), PAGAMIO.throttleBackoff(2), PAGAMIO.throttleBackoff(3),
                PAGAMIO.throttleBackoff(6), PAGAMIO.throttleBackoff(60))).containsExactly(Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofMinutes(1), Duration.ofMinutes(1));
    }

    @Test
    void slowRequeriesContinueAfterEscalation() {
        Instant now = Instant.parse("2026-01-01T01:00:00Z");
        assertThat(PAGAMIO.nextWhileEscalated(now, new Random(3)))
                .isBetween(now.plusSeconds(240), now.plusSeconds(360));
    }

    @Test
    void rejectsASchedulesThatCannotWork() {
        assertThatThrownBy(() -> new RequerySchedule(List.of(), Duration.ofMinutes(1), Duration.ofMinutes(1), 0,
                null, null, null, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequerySchedule.Step(Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
