package com.vendstream.poller.payment.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.Decision;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The poller backs off on Dollr's throttled mark (or a Retry-After), not on the spelling "HTTP 429". */
class MobileMoneyStatusThrottleTest {

    @Test
    void theThrottledMarkIsKeptEvenWithoutARetryAfter() {
        PaymentOutcome limited = new PaymentOutcome(PaymentOutcome.Status.PENDING, "r", "status query answered HTTP 429",
                null, null, Decision.RETRY, "HTTP 429", null, null, true);
        assertThat(MobileMoneyStatus.map(limited).throttled()).isTrue();
        PaymentOutcome waitAsked = new PaymentOutcome(PaymentOutcome.Status.NOT_SENT, "r", "no token", null, null,
                Decision.RETRY, "NOT SENT", null, Duration.ofSeconds(5));
        assertThat(MobileMoneyStatus.map(waitAsked).throttled()).isTrue();
        PaymentOutcome processing = new PaymentOutcome(PaymentOutcome.Status.PENDING, "r", null, null, null,
                Decision.REQUERY, "PROCESSING");
        assertThat(MobileMoneyStatus.map(processing).throttled()).isFalse();
    }
}
