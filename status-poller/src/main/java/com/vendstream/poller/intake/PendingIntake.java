package com.vendstream.poller.intake;

import com.vendstream.events.PaymentPending;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendSucceeded;
import com.vendstream.kit.deadletter.Payloads;
import com.vendstream.kit.events.Events;
import com.vendstream.poller.payment.PaymentPendings;
import com.vendstream.poller.requery.ManualSettlements;
import com.vendstream.poller.requery.Owner;
import com.vendstream.poller.requery.RequeryEngine;
import com.vendstream.poller.vend.VendPendings;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * The Kafka edge of intake: picks the pending events out of the topics they share with other event
 * types and hands them to the engine with the partition they came from (the schedule's owner).
 * Handled synchronously on the listener thread, so the schedule is stored before the offset commits
 * and before a rebalance can hand the partition to another instance.
 */
public class PendingIntake {

    private static final Logger log = LoggerFactory.getLogger(PendingIntake.class);

    private final RequeryEngine engine;
    private final ManualSettlements settlements;

    public PendingIntake(RequeryEngine engine, ManualSettlements settlements) {
        this.engine = engine;
        this.settlements = settlements;
    }

    /**
     * vendstream.vend.outcomes: VendPending starts a schedule; VendSucceeded and VendFailed are final already, and
     * only compared with a vend this poller follows (against a settlement, one that disagrees is flagged; for a vend
     * still unresolved, it is kept as evidence a decision is checked against; never applied).
     */
    public void vendOutcome(Message<SpecificRecord> message) {
        SpecificRecord event = Payloads.event(message);
        if (event instanceof VendPending pending) {
            engine.accept(VendPendings.toRequery(pending, owner(message)));
        } else if (event instanceof VendSucceeded s) {
            settlements.laterOutcome(new ManualSettlements.VendReport(s.getEnvelope().getEventId(),
                    s.getEnvelope().getOrderId(), s.getVend().getProvider(), s.getVend().getProviderReference(),
                    s.getAmount().getAmountMinor(), s.getAmount().getCurrency(), true, null));
        } else if (event instanceof VendFailed f) {
            settlements.laterOutcome(new ManualSettlements.VendReport(f.getEnvelope().getEventId(),
                    f.getEnvelope().getOrderId(), f.getVend().getProvider(), f.getVend().getProviderReference(),
                    f.getAmount().getAmountMinor(), f.getAmount().getCurrency(), false, f.getProviderCode()));
        } else {
            log.debug("Ignoring {}", Events.describe(event));
        }
    }

    /** vendstream.payments: PaymentPending starts a schedule; the other payment events are not ours to follow. */
    public void payment(Message<SpecificRecord> message) {
        SpecificRecord event = Payloads.event(message);
        if (event instanceof PaymentPending pending) {
            engine.accept(PaymentPendings.toRequery(pending, owner(message)));
        } else {
            log.debug("Ignoring {}", Events.describe(event));
        }
    }

    static Owner owner(Message<?> message) {
        String topic = message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC, String.class);
        Integer partition = message.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION, Integer.class);
        if (topic == null || partition == null) {
            throw new IllegalStateException("Pending event without its topic and partition");
        }
        return new Owner(topic, partition);
    }
}
