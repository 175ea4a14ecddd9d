package com.vendstream.poller.vend;

import com.vendstream.poller.requery.Answer;
import com.vendstream.poller.requery.Prober;
import com.vendstream.poller.requery.Requery;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.guard.GuardedConnectors;

/**
 * Requeries a vend through its provider's connector, with the original reference, and reads the
 * outcome as a requery answer. A connector's {@code Failed} is written for the vend call; on a
 * requery some of those failures are about the requery itself and say nothing about the vend, so
 * they are <em>no answer</em>, never a failed vend (only an explicit provider failure fails one):
 * <ul>
 *   <li>THROTTLED (HTTP 429 and the like): the provider refused to look; back off.</li>
 *   <li>no provider code at all: the connection was never made.</li>
 *   <li>NOT_AVAILABLE_TO_MERCHANT: our credentials or account, not the vend.</li>
 * </ul>
 * A requery the providers' guards keep back (circuit open, every call slot busy) is no answer either; it
 * carries the guards' retry-after, so the schedule asks again once the circuit may let it through.
 * A pending answer carries its code-table row's decision ({@link VendOutcome.Pending#decision()}): MANUAL
 * is no answer that needs a person (the schedule escalates at once), RETRY and REQUERY are asked again on
 * the schedule with the same reference.
 */
public class VendProber implements Prober {

    private final GuardedConnectors connectors;

    /** Requeries go through the providers' guards: a call they keep back is no answer, asked again later. */
    public VendProber(GuardedConnectors connectors) {
        this.connectors = connectors;
    }

    @Override
    public Answer probe(Requery r) {
        if (connectors.connector(r.provider()).isEmpty()) {
            return new Answer.NoAnswer("NO_CONNECTOR", "no connector configured for " + r.provider(), false);
        }
        VendOutcome outcome = connectors.requery(r.provider(), new RequeryCommand(r.reference(),
                ServiceType.ofName(r.service()), r.billerId(), r.itemId(), r.providerTransactionId()));
        return read(outcome);
    }

    static Answer read(VendOutcome outcome) {
        if (outcome instanceof VendOutcome.Succeeded s) {
            return new Answer.Final(true, s.providerCode(), null, s);
        }
        if (outcome instanceof VendOutcome.Failed f) {
            if (f.failureClass() == FailureClass.THROTTLED) {
                return new Answer.NoAnswer(f.providerCode(), f.message(), true);
            }
            if (f.providerCode() == null || f.failureClass() == FailureClass.NOT_AVAILABLE_TO_MERCHANT) {
                return new Answer.NoAnswer(f.providerCode(), f.message(), false);
            }
            return new Answer.Final(false, f.providerCode(), f.message(), f);
        }
        if (outcome instanceof VendOutcome.NotSent n) {
            if (n.reason() == VendOutcome.NotSentReason.CIRCUIT_OPEN
                    || n.reason() == VendOutcome.NotSentReason.BULKHEAD_FULL) {
                // Our own guards kept it back and say when to ask again; the provider throttled nothing.
                return new Answer.NoAnswer(n.providerCode(), n.message(), false, n.retryAfter());
            }
            // The requery itself was not sent (no session, our own limit, a 429): ask again later, slower.
            return new Answer.NoAnswer(n.providerCode(), n.message(), true);
        }
        VendOutcome.Pending p = (VendOutcome.Pending) outcome;
        if (p.throttled()) {
            // The provider's 429 (marked where its reply is read) or THROTTLED_AFTER_SEND: it refused to look, so
            // whatever its code-table row says, this says nothing about the vend (NO_ANSWER, as PaymentProber does).
            return new Answer.NoAnswer(p.providerCode(), p.message(), true);
        }
        return switch (p.decision()) {
            // Final as far as the provider's API goes: a person must look, so the schedule escalates now.
            case MANUAL -> Answer.NoAnswer.needsPerson(p.providerCode(), p.message(), false);
            // RETRY (nothing processed, e.g. Pay4Power's 401 after the connector's own token renewal and second
            // try): the same requery with the same reference, asked again on the schedule, not at once.
            case RETRY, REQUERY -> Answer.NoAnswer.stillPending(p.providerCode(), p.message(), false, null,
                    p.decision().name());
            default -> throw new IllegalStateException("a pending outcome with decision " + p.decision());
        };
    }
}
