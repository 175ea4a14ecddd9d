package com.vendstream.ops.audit;

import com.vendstream.events.Envelope;
import com.vendstream.events.OpsAudit;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.TreeMap;

/** OpsAudit events on vendstream.ops.audit (ops-service is its one writer). */
public final class AuditEvents {

    public static final String SOURCE = "ops-service";
    /** Output binding of the audit topic (see ops-service.yml). */
    public static final String BINDING = "audit-out";
    /** Envelope merchant of entries that concern no single merchant (logins, lockouts). */
    public static final String ALL_MERCHANTS = "*";
    /** Kafka key of an entry whose actor is not a configured user. */
    public static final String UNKNOWN_ACTOR = "-";

    private AuditEvents() {
    }

    /** The Kafka key: the actor, so one user's entries keep their order on one partition. */
    public static String key(AuditEntry entry) {
        return entry.actor() == null ? UNKNOWN_ACTOR : entry.actor();
    }

    public static OpsAudit event(AuditEntry entry) {
        // An entry that concerns no order is its own correlation (a login is one fact); one that concerns an order
        // names it and its merchant, and correlates by the decision it belongs to.
        AuditEntry.Concerning about = entry.concerning();
        Envelope envelope = Envelopes.create(entry.eventId(), OpsAudit.class, about == null ? null : about.orderId(),
                entry.occurredAt(), entry.occurredAt().atZone(ZoneOffset.UTC).toLocalDate(),
                about == null || about.merchantId() == null ? ALL_MERCHANTS : about.merchantId(), SOURCE,
                about == null || about.correlationId() == null ? entry.eventId() : about.correlationId(), null);
        return OpsAudit.newBuilder().setEnvelope(envelope).setAction(entry.action()).setActor(entry.actor())
                .setActorRoles(new ArrayList<>(entry.actorRoles())).setSubject(entry.subject())
                .setReason(entry.reason()).setClientAddress(entry.clientAddress())
                .setDetails(new TreeMap<>(entry.details())).build();
    }
}
