package com.vendstream.poller;

import com.vendstream.poller.payment.PaymentStatusPort;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.vtpass.VtpassTransformer;
import com.vendstream.testkit.ScriptedConnector;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Test doubles of providers (not of anything of ours): their requery answers follow a script chosen
 * by our reference's prefix, and they record every requery (when, from which poller instance, how
 * many at once for the same reference). The record is shared by all poller instances in the JVM.
 */
@Configuration
public class ScriptedProviders {

    public static final String PROVIDER = "fakeprov";
    public static final String THROTTLING_PROVIDER = "throttleprov";
    public static final String PAYMENTS = "fakepay";
    /** Payments whose status stays unknown until a test says the provider has it (short deadline). */
    public static final String LATE_PAYMENTS = "latepay";

    public record Call(Instant at, String instance) {
    }

    /** What every instance's doubles saw. */
    public static final class Record {
        public final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
        public final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        public final AtomicInteger maxInFlightPerReference = new AtomicInteger();
        /** References (or prefixes) the provider now has a final answer for. */
        public final Set<String> answerNow = ConcurrentHashMap.newKeySet();

        int begin(String reference, String instance) {
            List<Call> list = calls.computeIfAbsent(reference, r -> new CopyOnWriteArrayList<>());
            list.add(new Call(Instant.now(), instance));
            int now = inFlight.computeIfAbsent(reference, r -> new AtomicInteger()).incrementAndGet();
            maxInFlightPerReference.accumulateAndGet(now, Math::max);
            return list.size();
        }

        void end(String reference) {
            inFlight.get(reference).decrementAndGet();
        }

        public List<Call> calls(String reference) {
            return calls.getOrDefault(reference, List.of());
        }

        public void clear() {
            calls.clear();
            inFlight.clear();
            maxInFlightPerReference.set(0);
            answerNow.clear();
        }
    }

    public static final Record RECORD = new Record();

    static VendOutcome pending() {
        return VendOutcome.pending(PendingCause.PROVIDER_PENDING, "099", "TRANSACTION IS PROCESSING");
    }

    static VendOutcome success(String reference) {
        return new VendOutcome.Succeeded("000", "tx-" + reference, "1234-5678-9012", "5 kWh", List.of(), Map.of(),
                null);
    }

    static VendOutcome failed() {
        return new VendOutcome.Failed("016", FailureClass.DECLINED_BY_PROVIDER, "TRANSACTION FAILED", false);
    }

    /** The n-th requery (1-based) of a reference, by its prefix. */
    static VendOutcome script(String reference, int n) {
        if (reference.startsWith("ok-")) {
            return n < 3 ? pending() : success(reference);
        }
        if (reference.startsWith("fail-")) {
            return n < 2 ? pending() : failed();
        }
        if (reference.startsWith("contra-")) {
            // A failure, then (on the confirming requery) a success: the provider contradicts itself.
            return n < 2 ? pending() : n == 2 ? failed() : success(reference);
        }
        if (reference.startsWith("throttle-")) {
            return n <= 2 ? new VendOutcome.Failed("HTTP 429", FailureClass.THROTTLED, "rate limited", true)
                    : success(reference);
        }
        if (reference.startsWith("manual-")) {
            // VTpass 044 "TRANSACTION RESOLVED", as its transformer reads it: a person must contact VTpass.
            return VtpassTransformer.outcome("{\"code\":\"044\",\"response_description\":\"TRANSACTION RESOLVED\"}");
        }
        if (reference.startsWith("slow-")) {
            return n < 4 ? pending() : success(reference);
        }
        if (reference.startsWith("late-") || reference.startsWith("handover-")) {
            String prefix = reference.substring(0, reference.indexOf('-'));
            return RECORD.answerNow.contains(reference) || RECORD.answerNow.contains(prefix)
                    ? success(reference) : pending();
        }
        return pending();
    }

    /**
     * A provider whose requeries answer by {@link #script}, the n-th counted across every poller instance, each
     * after the provider's latency (not test synchronisation): long enough that two overlapping requeries of one
     * reference would be seen. status-poller never vends: a vend is not scripted and throws.
     */
    static ScriptedConnector scripted(String id, String instance) {
        return new ScriptedConnector(id).onRequery((command, ignored) -> {
            int n = RECORD.begin(command.reference(), instance);
            try {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
                return script(command.reference(), n);
            } finally {
                RECORD.end(command.reference());
            }
        });
    }

    static final class ScriptedPayments implements PaymentStatusPort {
        private final String instance;
        private final String provider;

        ScriptedPayments(String instance, String provider) {
            this.instance = instance;
            this.provider = provider;
        }

        @Override
        public String provider() {
            return provider;
        }

        @Override
        public PaymentStatus collectionStatus(String referenceId, String sessionId) {
            return status(referenceId);
        }

        @Override
        public PaymentStatus payoutStatus(String referenceId, String sessionId) {
            return status(referenceId);
        }

        private PaymentStatus status(String referenceId) {
            int n = RECORD.begin(referenceId, instance);
            try {
                if (provider.equals(LATE_PAYMENTS)) {
                    // PROCESSING until the provider has an answer; "latefail-" references then fail.
                    if (!RECORD.answerNow.contains(referenceId)) {
                        return PaymentStatus.pending("PROCESSING");
                    }
                    return referenceId.startsWith("latefail-")
                            ? new PaymentStatus(Status.FAILED, null, "Customer did not approve in time", null, false)
                            : new PaymentStatus(Status.COMPLETED, "late-tx-" + referenceId, null, 100L, false);
                }
                if (n < 2) {
                    return PaymentStatus.pending("PROCESSING");
                }
                return referenceId.startsWith("pay-fail-")
                        ? new PaymentStatus(Status.FAILED, null, "MoMo declined", null, false)
                        : new PaymentStatus(Status.COMPLETED, "dollr-tx-" + referenceId, null, 150L, false);
            } finally {
                RECORD.end(referenceId);
            }
        }
    }

    @Bean
    VendConnector scriptedProvider(@Value("${test.instance:A}") String instance) {
        return scripted(PROVIDER, instance);
    }

    @Bean
    VendConnector throttlingProvider(@Value("${test.instance:A}") String instance) {
        return scripted(THROTTLING_PROVIDER, instance);
    }

    @Bean
    PaymentStatusPort scriptedPayments(@Value("${test.instance:A}") String instance) {
        return new ScriptedPayments(instance, PAYMENTS);
    }

    @Bean
    PaymentStatusPort latePayments(@Value("${test.instance:A}") String instance) {
        return new ScriptedPayments(instance, LATE_PAYMENTS);
    }
}
