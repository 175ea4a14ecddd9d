package com.vendstream.kit.events;

import com.vendstream.events.Envelope;
import org.apache.avro.specific.SpecificRecord;

/** Reads the envelope every vendstream event carries, whatever its type. */
public final class Events {

    private Events() {
    }

    public static Envelope envelope(SpecificRecord event) {
        int pos = event.getSchema().getField("envelope").pos();
        return (Envelope) event.get(pos);
    }

    public static String typeOf(SpecificRecord event) {
        return event.getClass().getSimpleName();
    }

    /** For diagnostics: the event type and id, never the payload (it carries customer data). */
    public static String describe(SpecificRecord event) {
        Envelope e = envelope(event);
        return typeOf(event) + "[eventId=" + e.getEventId() + ", orderId=" + e.getOrderId() + "]";
    }

}
