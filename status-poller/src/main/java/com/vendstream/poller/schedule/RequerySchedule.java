package com.vendstream.poller.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One provider's requery schedule, as data: how often to ask while the operation is young, when to
 * give up and escalate, how slowly to keep asking after that, and how to back off when throttled.
 *
 * <p>The n-th requery's <em>nominal</em> time is a pure function of the table ({@link #offset}), so
 * the schedule does not drift with jitter or with late timers, and an instance that takes a
 * schedule over after a restart or rebalance computes exactly the same times.
 *
 * @param steps          intervals by age of the operation: each step applies while the nominal age is
 *                       below {@code until}; the last step should have no {@code until}
 * @param deadline       age after which a still-pending operation is escalated (never failed)
 * @param afterEscalation interval of the slow requeries that continue after escalation
 * @param jitter         fraction of each interval added or removed at random (0.2 = ±20 %), so that
 *                       operations that went pending together do not requery in lockstep
 * @param throttleInitial first pause after the provider throttled us (HTTP 429 and the like)
 * @param throttleMax    the longest such pause; pauses double up to it
 * @param confirmAfter   when to requery once more after a final answer, to catch contradictions
 *                       (e.g. a VTpass reversal after "delivered")
 * @param confirmations  how many such confirming requeries (0 = none)
 * @param requeryFor     how long the slow requeries go on after the deadline; then they stop and only a
 *                       person settles the operation (null = for ever)
 */
public record RequerySchedule(List<Step> steps, Duration deadline, Duration afterEscalation, double jitter,
                              Duration throttleInitial, Duration throttleMax, Duration confirmAfter,
                              int confirmations, Duration requeryFor) {

    /** @param until null for the open-ended last step */
    public record Step(Duration every, Duration until) {
        public Step {
            Objects.requireNonNull(every, "every");
            if (every.isZero() || every.isNegative()) {
                throw new IllegalArgumentException("A requery interval must be positive: " + every);
            }
        }
    }

    public RequerySchedule {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("A schedule needs at least one step");
        }
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(afterEscalation, "afterEscalation");
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
        throttleInitial = throttleInitial == null ? Duration.ofSeconds(5) : throttleInitial;
        throttleMax = throttleMax == null ? Duration.ofMinutes(5) : throttleMax;
        confirmAfter = confirmAfter == null ? Duration.ofMinutes(10) : confirmAfter;
    }

    /** The interval in force at a nominal age. */
    public Duration intervalAt(Duration age) {
        for (Step step : steps) {
            if (step.until() == null || age.compareTo(step.until()) < 0) {
                return step.every();
            }
        }
        return steps.get(steps.size() - 1).every();
    }

    /** Nominal age of the n-th requery (n ≥ 1) since the operation first went pending. */
    public Duration offset(int n) {
        Duration age = Duration.ZERO;
        for (int i = 0; i < n; i++) {
            age = age.plus(intervalAt(age));
        }
        return age;
    }

    /**
     * When the next requery of a still-pending operation is due, after {@code attempts} requeries:
     * its nominal time with jitter, never after the deadline (the deadline itself gets one last
     * requery before escalation) and never in the past.
     */
    public Instant nextWhilePending(Instant firstPendingAt, int attempts, Instant now, RandomGenerator random) {
        Duration nominal = offset(attempts + 1);
        Duration interval = nominal.minus(offset(attempts));
        Instant due = firstPendingAt.plus(nominal).plus(jitter(interval, random));
        Instant deadlineAt = firstPendingAt.plus(deadline);
        if (due.isAfter(deadlineAt)) {
            due = deadlineAt;
        }
        return due.isBefore(now) ? now : due;
    }

    /** When the slow requeries of an operation stop, or null when they never do. */
    public Instant requeryUntil(Instant firstPendingAt) {
        return requeryFor == null ? null : firstPendingAt.plus(deadline).plus(requeryFor);
    }

    /** Next slow requery of an escalated operation. */
    public Instant nextWhileEscalated(Instant now, RandomGenerator random) {
        return now.plus(afterEscalation).plus(jitter(afterEscalation, random));
    }

    /** The pause after the provider throttled us {@code consecutive} times in a row (1, 2, ...). */
    public Duration throttleBackoff(int consecutive) {
        int doublings = Math.max(0, Math.min(consecutive - 1, 30));
        long millis = throttleInitial.toMillis();
        for (int i = 0; i < doublings && millis < throttleMax.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, throttleMax.toMillis()));
    }

    Duration jitter(Duration interval, RandomGenerator random) {
        long span = (long) (interval.toMillis() * jitter);
        if (span <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(random.nextLong(-span, span + 1));
    }

    public Duration jitterOf(Duration interval, RandomGenerator random) {
        return jitter(interval, random);
    }
}
