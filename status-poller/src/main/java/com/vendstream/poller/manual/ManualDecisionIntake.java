package com.vendstream.poller.manual;

import com.vendstream.events.ManualVendDecision;
import com.vendstream.events.ManualVendOutcome;
import com.vendstream.kit.deadletter.Payloads;
import com.vendstream.kit.deadletter.UnprocessableRecord;
import com.vendstream.poller.requery.ManualDecision;
import com.vendstream.poller.requery.ManualSettlements;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.messaging.Message;

/**
 * The Kafka edge of manual decisions ({@code vendstream.ops.decisions}, written by ops-service): each approved
 * decision is handed to {@link ManualSettlements} on the listener thread, so the settlement is stored before the
 * offset commits. A decision that can never apply as it is (no vend followed for the order, another vend, a vend
 * never escalated, a decision its proposer approved, a delivery with nothing delivered) is not guessed at: it is
 * dead-lettered at once with its cause, where an operator sees it and can re-drive it once the cause is put right
 * (or discard it).
 */
public class ManualDecisionIntake {

    private final ManualSettlements settlements;

    public ManualDecisionIntake(ManualSettlements settlements) {
        this.settlements = settlements;
    }

    public void decision(Message<SpecificRecord> message) {
        ManualVendDecision event = Payloads.of(message, ManualVendDecision.class);
        ManualDecision decision = read(event);
        ManualSettlements.Result result = settlements.decide(decision);
        if (result.refused()) {
            throw new UnprocessableRecord("Decision " + decision.eventId() + " on the vend of order "
                    + decision.orderId() + " not applied: " + cause(result));
        }
    }

    private static String cause(ManualSettlements.Result result) {
        return switch (result) {
            case UNKNOWN_VEND -> "status-poller follows no vend for this order (UNKNOWN_VEND)";
            case OTHER_VEND -> "the schedule follows another vend: provider, reference or amount differ (OTHER_VEND)";
            case NOT_ESCALATED -> "the vend was never escalated and is still requeried on its schedule (NOT_ESCALATED)";
            case SELF_APPROVED -> "not checked by a second operator: approved by its proposer, or by nobody "
                    + "(SELF_APPROVED)";
            case NOTHING_DELIVERED -> "DELIVERED but nothing delivered: no token, PINs, receipt or units "
                    + "(NOTHING_DELIVERED)";
            default -> result.name();
        };
    }

    static ManualDecision read(ManualVendDecision e) {
        return new ManualDecision(e.getEnvelope().getEventId(), e.getEnvelope().getOrderId(), e.getVend().getProvider(),
                e.getVend().getProviderReference(), e.getVend().getProviderTransactionId(),
                e.getAmount().getAmountMinor(), e.getAmount().getCurrency(),
                e.getOutcome() == ManualVendOutcome.DELIVERED, e.getToken(), e.getUnits(), e.getPins(),
                e.getReceipt(), e.getProposedBy(), e.getApprovedBy(), e.getApprovedAt());
    }
}
