package com.vendstream.providers.pawacard;

import org.threeten.extra.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pawacard refs are unique by construction (issue 11, item 15), not by the luck of 12 random digits. */
class PawacardReferencesTest {

    final MutableClock clock = MutableClock.of(Instant.parse("2026-03-02T10:00:00Z"), java.time.ZoneOffset.UTC);

    /** Waiting moves the hand-held clock, so a million references need no real time. */
    PawacardReferences references(int node) {
        return new PawacardReferences(node, clock, clock::add, Duration.ofSeconds(1));
    }

    @Test
    void aMillionReferencesInALoopAreDistinctAndWellFormed() {
        PawacardReferences refs = references(7);
        Set<String> seen = new HashSet<>(2_000_000);
        Set<String> malformed = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            String ref = refs.next();
            if (!ref.matches("[1-9]\\d{11}")) {
                malformed.add(ref);
            }
            seen.add(ref);
        }
        assertThat(malformed).isEmpty();
        assertThat(seen).hasSize(1_000_000);
        // Ten a second sustained: a million took about a day of (hand-held) clock, never more than 1 s ahead.
        assertThat(Long.parseLong(refs.next().substring(2)) - PawacardReferences.ticks(clock.instant()))
                .isLessThanOrEqualTo(10);
    }

    @Test
    void twoProcessesOnDifferentNodesNeverCollideEvenAtTheSameInstant() {
        PawacardReferences a = references(0);
        PawacardReferences b = references(89);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(a.next())).isTrue();
            assertThat(seen.add(b.next())).isTrue();
        }
        assertThat(seen).allMatch(r -> r.startsWith("10") || r.startsWith("99"));
    }

    @Test
    void aRestartOnTheSameNodeDoesNotReissueAndNeitherDoesAClockStepBack() {
        PawacardReferences before = references(3);
        Set<String> seen = new HashSet<>();
        // A burst runs at most 1 s ahead of the clock ...
        for (int i = 0; i < 500; i++) {
            seen.add(before.next());
        }
        // ... so a restart more than 1 s later starts past everything handed out.
        clock.add(Duration.ofMillis(1_100));
        PawacardReferences after = references(3);
        for (int i = 0; i < 500; i++) {
            assertThat(seen.add(after.next())).isTrue();
        }
        clock.add(Duration.ofMinutes(-5));
        for (int i = 0; i < 100; i++) {
            assertThat(seen.add(after.next())).isTrue();
        }
    }

    @Test
    void theNodeIsConfiguredOrTakenFromAStatefulSetOrdinal() {
        assertThat(PawacardReferences.defaultNode("vend-service-2")).isEqualTo(2);
        assertThat(PawacardReferences.defaultNode("vend-service-92")).isEqualTo(2);
        assertThat(PawacardReferences.defaultNode("laptop")).isBetween(0, 89);
        assertThatThrownBy(() -> new PawacardProperties("u", "n", "p", null, null, null, 90))
                .hasMessageContaining("reference-node");
        assertThat(references(42).next()).startsWith("52");
    }
}
