package com.vendstream.kit.outbox;

import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.tracing.Traces;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * The outbox kept inside an aggregate's own document. A state change and the events it must
 * publish are written in one single-document update (MongoDB is atomic per document and the
 * embedded store has no transactions), then {@link OutboxRelay} publishes and removes them.
 */
public final class Outbox {

    public static final String FIELD = "outbox";

    private Outbox() {
    }

    /** The entry's trace context (W3C headers) when it was written in a trace. */
    static final String TRACE = "trace";

    /**
     * One event to publish on an output binding, keyed (Kafka key) by {@code key}. It keeps the trace context
     * current when it is built (the request or record being handled), which the relay sends on with the event.
     */
    public static Document entry(String binding, String key, String eventId, SpecificRecord event) {
        Document entry = new Document("eventId", eventId)
                .append("binding", binding)
                .append("key", key)
                .append("type", event.getClass().getName())
                .append("payload", new Binary(EventCodec.encode(event)));
        Map<String, String> trace = Traces.current();
        if (!trace.isEmpty()) {
            entry.append(TRACE, new Document(trace));
        }
        return entry;
    }

    /** The stored form of an entry the domain built. */
    public static Document entry(OutboxEntry e) {
        return entry(e.binding(), e.key(), e.eventId(), e.event());
    }

    /** An entry read back from its stored form (the event decoded). */
    public static OutboxEntry read(Document stored) {
        return new OutboxEntry(stored.getString("binding"), stored.getString("key"), stored.getString("eventId"),
                EventCodec.decode(stored.getString("type"), stored.get("payload", Binary.class).getData()));
    }

    /** The update fragment that appends entries to the document's outbox. */
    public static Document push(List<Document> entries) {
        return new Document(FIELD, new Document("$each", entries));
    }
}
