package com.vendstream.poller.requery;

import com.vendstream.kit.events.EventCodec;
import java.time.Instant;
import java.util.Date;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;

/** A read-only view of one schedule document (collection {@value RequeryStore#COLLECTION}). */
public record Requery(Document doc) {

    public String id() {
        return doc.getString("_id");
    }

    public Kind kind() {
        return Kind.valueOf(doc.getString("kind"));
    }

    public String orderId() {
        return doc.getString("orderId");
    }

    public String provider() {
        return doc.getString("provider");
    }

    public String reference() {
        return doc.getString("reference");
    }

    public String providerTransactionId() {
        return doc.getString("providerTransactionId");
    }

    public String service() {
        return doc.getString("service");
    }

    public String billerId() {
        return doc.getString("billerId");
    }

    public String itemId() {
        return doc.getString("itemId");
    }

    public String sessionId() {
        return doc.getString("sessionId");
    }

    public long amountMinor() {
        return doc.get("amountMinor", Number.class).longValue();
    }

    public String currency() {
        return doc.getString("currency");
    }

    public State state() {
        return State.valueOf(doc.getString("state"));
    }

    public Instant firstPendingAt() {
        return instant("firstPendingAt");
    }

    public Instant deadlineAt() {
        return instant("deadlineAt");
    }

    /** Null when nothing more is scheduled. */
    public Instant nextDueAt() {
        return instant("nextDueAt");
    }

    public Instant leaseUntil() {
        return instant("leaseUntil");
    }

    public int attempts() {
        return intValue("attempts");
    }

    public int throttles() {
        return intValue("throttles");
    }

    public int confirmationsLeft() {
        return intValue("confirmationsLeft");
    }

    public String lastCode() {
        return doc.getString("lastCode");
    }

    public Owner owner() {
        return new Owner(doc.getString("sourceTopic"), intValue("sourcePartition"));
    }

    /** The pending event this schedule was created from. */
    public SpecificRecord cause() {
        return EventCodec.decode(doc.getString("causeType"), doc.get("cause", Binary.class).getData());
    }

    private Instant instant(String field) {
        Date d = doc.getDate(field);
        return d == null ? null : d.toInstant();
    }

    private int intValue(String field) {
        Number n = doc.get(field, Number.class);
        return n == null ? 0 : n.intValue();
    }
}
