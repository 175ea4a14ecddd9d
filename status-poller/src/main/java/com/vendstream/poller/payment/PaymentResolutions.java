package com.vendstream.poller.payment;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PaymentUnresolved;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.poller.requery.Answer;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.Requery;
import com.vendstream.poller.requery.Reply;
import com.vendstream.poller.requery.Resolutions;
import com.vendstream.poller.schedule.Schedules;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events status-poller publishes about mobile-money payments, on
 * {@code vendstream.payment.resolutions}: one final answer per execution, and PaymentUnresolved when
 * the schedule's deadline passes without one (order-service then shows the order as
 * PAYMENT_UNRESOLVED; the slow requeries that go on may still settle it).
 */
public class PaymentResolutions implements Resolutions {

    public static final String SOURCE = "status-poller";
    public static final String BINDING = "paymentResolutions-out";

    private final Schedules schedules;

    public PaymentResolutions(Schedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public OutboxEntry resolved(Requery r, Answer.Final answer, Instant at) {
        PaymentPending pending = (PaymentPending) r.cause();
        PaymentStatusPort.PaymentStatus status = (PaymentStatusPort.PaymentStatus) answer.detail();
        Money amount = pending.getAmount();
        String reason = status.message() == null ? "FAILED" : status.message();
        SpecificRecord event;
        Envelope e;
        if (r.kind() == Kind.PAYOUT) {
            if (answer.success()) {
                e = envelope(pending, PayoutSucceeded.class, r, at);
                event = PayoutSucceeded.newBuilder().setEnvelope(e).setProvider(r.provider())
                        .setReferenceId(r.reference()).setAmount(amount).build();
            } else {
                e = envelope(pending, PayoutFailed.class, r, at);
                event = PayoutFailed.newBuilder().setEnvelope(e).setProvider(r.provider())
                        .setReferenceId(r.reference()).setAmount(amount).setReason(reason).build();
            }
        } else if (answer.success()) {
            e = envelope(pending, PaymentCollected.class, r, at);
            event = PaymentCollected.newBuilder().setEnvelope(e).setProvider(r.provider())
                    .setReferenceId(r.reference()).setAmount(amount)
                    .setFee(status.feeMinor() == null ? null : new Money(status.feeMinor(), amount.getCurrency()))
                    .setProviderTransactionId(status.providerTransactionId()).build();
        } else {
            e = envelope(pending, PaymentFailed.class, r, at);
            event = PaymentFailed.newBuilder().setEnvelope(e).setProvider(r.provider())
                    .setReferenceId(r.reference()).setAmount(amount).setReason(reason).build();
        }
        return new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event);
    }

    private static Envelope envelope(PaymentPending pending, Class<?> type, Requery r, Instant at) {
        return Envelopes.following(pending.getEnvelope(), type, r.reference(), at, SOURCE);
    }

    @Override
    public Optional<OutboxEntry> unresolved(Requery r, Instant at, String lastCode, String reason,
                                            List<Reply> replies) {
        PaymentPending pending = (PaymentPending) r.cause();
        Envelope e = envelope(pending, PaymentUnresolved.class, r, at);
        PaymentUnresolved event = PaymentUnresolved.newBuilder().setEnvelope(e).setProvider(r.provider())
                .setKind(r.kind() == Kind.PAYOUT ? PaymentKind.PAYOUT : PaymentKind.COLLECTION)
                .setReferenceId(r.reference()).setAmount(pending.getAmount()).setFirstPendingAt(r.firstPendingAt())
                .setRequeryCount(r.attempts() + 1).setLastProviderStatus(lastCode)
                .setRequeryUntil(schedules.forProvider(r.provider()).requeryUntil(r.firstPendingAt())).build();
        return Optional.of(new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event));
    }
}
