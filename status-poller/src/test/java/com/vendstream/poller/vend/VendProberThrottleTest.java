package com.vendstream.poller.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.poller.requery.Answer;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.pay4power.Pay4PowerTransformer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A requery answer is throttled when the provider's outcome says so, whatever its code is spelt. */
class VendProberThrottleTest {

    @Test
    void aProvidersRateLimitMakesTheProberBackOff() {
        VendOutcome limited = Pay4PowerTransformer.requery(429, "<html>Too Many Requests</html>", false);
        assertThat(VendProber.read(limited)).isInstanceOfSatisfying(Answer.NoAnswer.class,
                a -> assertThat(a.throttled()).isTrue());
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.THROTTLED_AFTER_SEND, null, "slow")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> assertThat(a.throttled()).isTrue());
        assertThat(VendProber.read(new VendOutcome.NotSent("HTTP 429", VendOutcome.NotSentReason.PROVIDER_THROTTLED,
                "rate limited", Duration.ofSeconds(3)))).isInstanceOfSatisfying(Answer.NoAnswer.class,
                a -> assertThat(a.throttled()).isTrue());
    }

    @Test
    void aPendingAnswerWithoutTheMarkIsNotThrottled() {
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.PROVIDER_PENDING, "099", "processing")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> assertThat(a.throttled()).isFalse());
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> assertThat(a.throttled()).isFalse());
    }
}
