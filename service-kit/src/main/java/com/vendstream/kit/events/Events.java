package com.vendstream.kit.events;

import com.vendstream.events.Envelope;
import org.apache.avro.Schema;
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

    /**
     * For diagnostics: the event type and ids, never the payload (it carries customer data). A record without
     * an envelope (not one of ours, e.g. on a topic it does not belong to) is described by its type alone.
     */
    public static String describe(SpecificRecord event) {
        Schema.Field field = event.getSchema().getField("envelope");
        if (field == null || !(event.get(field.pos()) instanceof Envelope e)) {
            return typeOf(event);
        }
        return typeOf(event) + "[eventId=" + e.getEventId() + ", orderId=" + e.getOrderId() + "]";
    }

}
