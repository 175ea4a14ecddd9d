package com.vendstream.sandbox.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The providers' books outlive a restart of the sandbox when a books file is configured. */
class TransactionsBooksTest {

    @TempDir
    Path dir;

    @Test
    void theBooksComeBackAsTheyWereLeft() {
        Path file = dir.resolve("sandbox/books.json");
        Transactions first = new Transactions(new CallRecord(), Clock.systemUTC(), file);
        SandboxTransaction tx = first.create("dollr", "ref-1", () -> new SandboxTransaction("dollr", "ref-1", "tx-9",
                "collection", "231770000001", 10_000, "LRD", Scenario.PENDING_THEN_SUCCESS,
                Instant.parse("2026-12-01T10:00:00Z"))).transaction();
        tx.details().put("session_id", 42L);
        tx.details().put("fee", new BigDecimal("1.00"));
        tx.details().put("request", Map.of("items", List.of("a", "b")));
        tx.requery(new PendingPolicy(5, java.time.Duration.ZERO), Instant.now());
        tx.amend(9_000);
        first.save();

        Transactions second = new Transactions(new CallRecord(), Clock.systemUTC(), file);
        SandboxTransaction back = second.find("dollr", "ref-1");
        assertThat(back).isNotNull();
        assertThat(back.amountMinor()).isEqualTo(9_000);
        assertThat(back.status()).isEqualTo(Scenario.Status.PENDING);
        assertThat(back.requeries()).isEqualTo(1);
        assertThat(back.scenario()).isEqualTo(Scenario.PENDING_THEN_SUCCESS);
        assertThat(back.createdAt()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        // The sandboxes cast what they stored: ids stay Long, amounts BigDecimal.
        assertThat(back.details().get("session_id")).isEqualTo(42L);
        assertThat(back.details().get("fee")).isEqualTo(new BigDecimal("1.00"));
        assertThat(back.details().get("request")).isEqualTo(Map.of("items", List.of("a", "b")));
        // A second vend under the same reference is still refused by the reloaded books.
        assertThat(second.create("dollr", "ref-1", () -> null).fresh()).isFalse();
    }

    @Test
    void withoutABooksFileNothingIsKept() {
        Transactions memory = new Transactions(new CallRecord(), Clock.systemUTC());
        memory.create("vtpass", "r", () -> new SandboxTransaction("vtpass", "r", "t", "vend", "08011111111", 100,
                "NGN", Scenario.SUCCESS, Instant.now()));
        memory.save();
        assertThat(dir.toFile().list()).isEmpty();
    }
}
