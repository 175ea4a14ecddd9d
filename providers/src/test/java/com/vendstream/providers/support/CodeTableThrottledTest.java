package com.vendstream.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A table's throttled row is where a provider's rate limit is recognised; its outcome carries the mark. */
class CodeTableThrottledTest {

    private final CodeTable table = new CodeTable(List.of(
            CodeRule.throttled("429", Decision.REQUERY, "rate limited"),
            CodeRule.pending("202", Decision.REQUERY, "in progress"),
            CodeRule.notSent("L", VendOutcome.NotSentReason.PROVIDER_THROTTLED, Duration.ofMinutes(1), "limit"),
            CodeRule.notSent("W", VendOutcome.NotSentReason.ACCOUNT_WINDOW, Duration.ofSeconds(35), "window")));

    @Test
    void aThrottledRowGivesAThrottledPendingAndOtherRowsDoNot() {
        assertThat(table.outcome("429", null, null, r -> null)).isInstanceOfSatisfying(VendOutcome.Pending.class, p -> {
            assertThat(p.throttled()).isTrue();
            // The cause stays what the event contract knows; the mark travels beside it.
            assertThat(p.cause()).isEqualTo(PendingCause.PROVIDER_PENDING);
        });
        assertThat(table.outcome("202", null, null, r -> null)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.throttled()).isFalse());
        assertThat(table.outcome("999", null, null, r -> null)).isInstanceOfSatisfying(VendOutcome.Pending.class,
                p -> assertThat(p.throttled()).isFalse());
        assertThat(table.throttled("429")).isTrue();
        assertThat(table.throttled("L")).as("a NOT_SENT row for the provider's throttle").isTrue();
        assertThat(table.throttled("W")).isFalse();
        assertThat(table.throttled("999")).isFalse();
        assertThat(table.toMarkdown()).contains("| `429` | PENDING | throttled | REQUERY |");
    }

    @Test
    void throttledAfterSendIsThrottled() {
        assertThat(VendOutcome.pending(PendingCause.THROTTLED_AFTER_SEND, "x", "slow").throttled()).isTrue();
        assertThat(VendOutcome.pending(PendingCause.TIMEOUT, "429", "no reply").throttled())
                .as("the code's spelling is not read").isFalse();
    }
}
