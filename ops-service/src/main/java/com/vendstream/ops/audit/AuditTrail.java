package com.vendstream.ops.audit;

import com.vendstream.events.OpsAction;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.ops.user.OpsUser;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Records what happens in the back office. An entry is acknowledged once it is stored with its event; the event
 * then goes to vendstream.ops.audit through the outbox (at least once, deduplicated by event id).
 */
public class AuditTrail {

    private final AuditStore store;
    private final OutboxTrigger relay;
    private final Clock clock;

    public AuditTrail(AuditStore store, OutboxTrigger relay, Clock clock) {
        this.store = store;
        this.relay = relay;
        this.clock = clock;
    }

    /**
     * Records one entry; completes when it is stored.
     *
     * @param actor the configured user who acted, or null when the request named none
     */
    public Mono<AuditEntry> record(OpsAction action, OpsUser actor, String subject, String reason,
                                   String clientAddress, Map<String, String> details) {
        return record(action, actor, subject, reason, clientAddress, details, null);
    }

    /**
     * Records one entry about an order (its id and merchant in the event's envelope, correlated by
     * {@code concerning.correlationId()}); completes when it is stored.
     */
    public Mono<AuditEntry> record(OpsAction action, OpsUser actor, String subject, String reason,
                                   String clientAddress, Map<String, String> details,
                                   AuditEntry.Concerning concerning) {
        AuditEntry entry = new AuditEntry(UUID.randomUUID().toString(), clock.instant(), action,
                actor == null ? null : actor.username(), actor == null ? List.of() : actor.roleNames(), subject,
                reason, clientAddress, details, concerning);
        return store.append(entry).then(Mono.fromRunnable(() -> relay.relay(AuditStore.COLLECTION, entry.eventId())))
                .thenReturn(entry);
    }

    public Flux<AuditEntry> recent(int limit) {
        return store.recent(limit);
    }
}
