package com.vendstream.order;

import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A payment-provider double that answers per payer phone and counts executions per reference. */
public final class FakeGateway implements MobileMoneyGateway {
    public final Map<String, AtomicInteger> collections = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> payouts = new ConcurrentHashMap<>();
    public Status collectionAnswer = Status.COMPLETED;
    public Status payoutAnswer = Status.COMPLETED;
    public Duration retryAfter = Duration.ZERO;
    /** When set, each collection call waits for it: a call held up (throttled, retrying) at the gateway. */
    public volatile CountDownLatch release;
    public final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public String provider() {
        return "dollr";
    }

    @Override
    public Result collect(String referenceId, String orderId, String payerPhone, long amountMinor, String currency,
                          String description) {
        collections.computeIfAbsent(referenceId, r -> new AtomicInteger()).incrementAndGet();
        CountDownLatch held = release;
        if (held != null) {
            entered.countDown();
            try {
                held.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Result(collectionAnswer, "42", "tx-" + referenceId, collectionAnswer == Status.FAILED
                ? "insufficient funds" : collectionAnswer == Status.NOT_SENT ? "token endpoint throttled" : null, null,
                retryAfter);
    }

    @Override
    public Result payout(String referenceId, String orderId, String payeePhone, long amountMinor, String currency) {
        payouts.computeIfAbsent(referenceId, r -> new AtomicInteger()).incrementAndGet();
        return new Result(payoutAnswer, "43", null, payoutAnswer == Status.FAILED ? "payee wallet closed" : null,
                null);
    }
}
