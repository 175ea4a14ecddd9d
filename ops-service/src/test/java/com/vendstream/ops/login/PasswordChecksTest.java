package com.vendstream.ops.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class PasswordChecksTest {

    @Test
    void aLoginBeyondTheLimitIsAnsweredBusyAtOnceNotQueued() {
        try (PasswordChecks checks = new PasswordChecks(2)) {
            Sinks.One<String> first = Sinks.one();
            Sinks.One<String> second = Sinks.one();
            AtomicReference<String> firstAnswer = new AtomicReference<>();
            checks.limited(first::asMono, () -> "busy").subscribe(firstAnswer::set);
            checks.limited(second::asMono, () -> "busy").subscribe();

            // Two logins are being checked: a third is not started (nor queued) and is answered busy.
            assertThat(checks.limited(() -> Mono.just("checked"), () -> "busy").block(Duration.ofSeconds(5)))
                    .isEqualTo("busy");

            first.tryEmitValue("first");
            assertThat(firstAnswer).hasValue("first");
            // A finished login frees its place.
            assertThat(checks.limited(() -> Mono.just("checked"), () -> "busy").block(Duration.ofSeconds(5)))
                    .isEqualTo("checked");
        }
    }

    @Test
    void comparisonsRunOnTheirOwnThreads() {
        try (PasswordChecks checks = new PasswordChecks(1)) {
            assertThat(checks.compare(() -> Thread.currentThread().getName()).block(Duration.ofSeconds(5)))
                    .startsWith("ops-password-check");
        }
    }
}
