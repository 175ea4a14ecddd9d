package com.vendstream.ops.audit;

import com.vendstream.events.OpsAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of the audit trail, as stored and listed; its event is {@link AuditEvents#event}. Holds no password,
 * session id or CSRF token: nothing that comes in with a request is copied here except the user's name (only
 * when it is a configured user) and the client's address.
 */
public record AuditEntry(String eventId, Instant occurredAt, OpsAction action, String actor, List<String> actorRoles,
                         String subject, String reason, String clientAddress, Map<String, String> details,
                         Concerning concerning) {

    public AuditEntry {
        actorRoles = actorRoles == null ? List.of() : List.copyOf(actorRoles);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** An entry that concerns no single order (a login, an unlock). */
    public AuditEntry(String eventId, Instant occurredAt, OpsAction action, String actor, List<String> actorRoles,
                      String subject, String reason, String clientAddress, Map<String, String> details) {
        this(eventId, occurredAt, action, actor, actorRoles, subject, reason, clientAddress, details, null);
    }

    /**
     * The order an action concerns, for the event's envelope: its order id and merchant, and the correlation id
     * that ties the action to the others of one decision (e.g. a proposal's id).
     */
    public record Concerning(String orderId, String merchantId, String correlationId) {
    }
}
