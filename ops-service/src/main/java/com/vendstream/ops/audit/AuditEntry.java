package com.vendstream.ops.audit;

import com.vendstream.events.OpsAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of the audit trail, as stored and listed; its event is {@link AuditEvents#event}. Holds no password,
 * session id or CSRF token: nothing that comes in with a request is copied here except the user's name (only
 * when it is a configured user) and the client's address. {@code orderId} and {@code merchantId} are the order an
 * action concerns and its merchant (the event's envelope), null when it concerns no single order or merchant.
 */
public record AuditEntry(String eventId, Instant occurredAt, OpsAction action, String actor, List<String> actorRoles,
                         String subject, String reason, String clientAddress, Map<String, String> details,
                         String orderId, String merchantId) {

    public AuditEntry {
        actorRoles = actorRoles == null ? List.of() : List.copyOf(actorRoles);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** An entry that concerns no single order (logins, user changes). */
    public AuditEntry(String eventId, Instant occurredAt, OpsAction action, String actor, List<String> actorRoles,
                      String subject, String reason, String clientAddress, Map<String, String> details) {
        this(eventId, occurredAt, action, actor, actorRoles, subject, reason, clientAddress, details, null, null);
    }
}
