package com.vendstream.poller.payment;

import com.vendstream.poller.requery.Answer;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.Prober;
import com.vendstream.poller.requery.Requery;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Looks up a pending collection or payout by our reference. */
public class PaymentProber implements Prober {

    private final Map<String, PaymentStatusPort> ports;

    public PaymentProber(List<PaymentStatusPort> ports) {
        this.ports = ports.stream().collect(Collectors.toMap(PaymentStatusPort::provider, Function.identity(),
                (a, b) -> a));
    }

    @Override
    public Answer probe(Requery r) {
        PaymentStatusPort port = ports.get(r.provider());
        if (port == null) {
            return new Answer.NoAnswer("NO_CONNECTOR", "no payment status lookup configured for " + r.provider(),
                    false);
        }
        PaymentStatusPort.PaymentStatus status = r.kind() == Kind.PAYOUT
                ? port.payoutStatus(r.reference(), r.sessionId())
                : port.collectionStatus(r.reference(), r.sessionId());
        switch (status.status()) {
            case COMPLETED:
                return new Answer.Final(true, "COMPLETED", status.message(), status);
            case FAILED:
                return new Answer.Final(false, "FAILED", status.message(), status);
            default:
                // Still processing at the gateway (asked again), unless the lookup itself was refused or kept back.
                return Answer.NoAnswer.stillPending("PENDING", status.message(), status.throttled(),
                        status.keptBackFor(), status.throttled() || status.keptBackFor() != null ? Answer.NO_ANSWER
                                : "REQUERY");
        }
    }
}
