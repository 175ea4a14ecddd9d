package com.vendstream.ops.api;

import com.vendstream.kit.web.Problems;
import com.vendstream.ops.audit.AuditEntry;
import com.vendstream.ops.audit.AuditTrail;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The audit trail, newest first; every role may read it. */
@RestController
class AuditController {

    static final int MAX_LIMIT = 500;

    record Entry(String eventId, String occurredAt, String action, String actor, List<String> actorRoles,
                 String subject, String reason, String clientAddress, Map<String, String> details) {
        static Entry of(AuditEntry e) {
            return new Entry(e.eventId(), e.occurredAt().toString(), e.action().name(), e.actor(), e.actorRoles(),
                    e.subject(), e.reason(), e.clientAddress(), e.details());
        }
    }

    private final AuditTrail audit;

    AuditController(AuditTrail audit) {
        this.audit = audit;
    }

    @GetMapping("/ops/v1/audit")
    Mono<List<Entry>> recent(@RequestParam(name = "limit", defaultValue = "100") String limit) {
        return audit.recent(parseLimit(limit, MAX_LIMIT)).map(Entry::of).collectList();
    }

    /** A listing's limit, 1 to {@code max}; a 400 problem otherwise. */
    static int parseLimit(String limit, int max) {
        int n;
        try {
            n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > max) {
            throw Problems.invalid("limit must be a whole number from 1 to " + max);
        }
        return n;
    }
}
