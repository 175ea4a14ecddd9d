package com.vendstream.ops.deadletter;

import com.vendstream.kit.web.Problems;
import com.vendstream.ops.user.OpsUser;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.KafkaException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Dead letters over HTTP (ops-api contract): every role lists them; an OPERATOR re-drives or discards one
 * (OpsSecurityConfiguration). Refusals are problem details: 400 {@code not-a-dead-letter-topic} for a topic that
 * is not one of the catalogue's dead-letter topics, 400 {@code invalid-request} for a bad partition, offset,
 * status, limit or a missing reason, 404 {@code no-such-record}, 409 {@code already-handled} (also for the
 * losers of a race: the first re-drive or discard to store its disposition wins), 503
 * {@code dead-letters-unavailable} when the broker does not answer (a re-drive's claim is then dropped).
 */
@RestController
@RequestMapping("/ops/v1/dead-letters")
class DeadLetterController {

    static final int MAX_LIMIT = 500;
    static final int MAX_REASON = 500;

    record DiscardRequest(String reason) {
    }

    private final DeadLetterDesk desk;

    DeadLetterController(DeadLetterDesk desk) {
        this.desk = desk;
    }

    @GetMapping
    Mono<List<DeadLetterDesk.Summary>> summaries() {
        return answer(desk.summaries());
    }

    @GetMapping("/{dlqTopic}")
    Mono<List<DeadLetterDesk.Entry>> list(@PathVariable("dlqTopic") String topic,
                                          @RequestParam(name = "status", defaultValue = "WAITING") String status,
                                          @RequestParam(name = "limit", defaultValue = "100") String limit) {
        DeadLetterDesk.Status wanted;
        try {
            wanted = DeadLetterDesk.Status.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Mono.error(Problems.invalid("status must be WAITING, REDRIVING, REDRIVEN, DISCARDED or ALL"));
        }
        long n = number(limit);
        if (n < 1 || n > MAX_LIMIT) {
            return Mono.error(Problems.invalid("limit must be a whole number from 1 to " + MAX_LIMIT));
        }
        return answer(Mono.defer(() -> desk.list(topic, wanted, (int) n)));
    }

    @PostMapping("/{dlqTopic}/{partition}/{offset}/redrive")
    Mono<DeadLetterDesk.Entry> redrive(@PathVariable("dlqTopic") String topic,
                                       @PathVariable("partition") String partition,
                                       @PathVariable("offset") String offset, ServerWebExchange exchange) {
        long p = number(partition);
        long o = number(offset);
        if (p < 0 || p > Integer.MAX_VALUE || o < 0) {
            return Mono.error(Problems.invalid("partition and offset must be whole numbers, 0 or more"));
        }
        return answer(operator().flatMap(user -> desk.redrive(topic, (int) p, o, user, clientAddress(exchange))));
    }

    @PostMapping("/{dlqTopic}/{partition}/{offset}/discard")
    Mono<DeadLetterDesk.Entry> discard(@PathVariable("dlqTopic") String topic,
                                       @PathVariable("partition") String partition,
                                       @PathVariable("offset") String offset,
                                       @RequestBody(required = false) DiscardRequest request,
                                       ServerWebExchange exchange) {
        long p = number(partition);
        long o = number(offset);
        if (p < 0 || p > Integer.MAX_VALUE || o < 0) {
            return Mono.error(Problems.invalid("partition and offset must be whole numbers, 0 or more"));
        }
        String reason = request == null || request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            return Mono.error(Problems.invalid("A discard needs a reason (JSON {\"reason\": ...}), 1 to "
                    + MAX_REASON + " characters"));
        }
        return answer(operator().flatMap(user -> desk.discard(topic, (int) p, o, reason, user,
                clientAddress(exchange))));
    }

    /** The desk's refusals as problem details. */
    private static <T> Mono<T> answer(Mono<T> result) {
        return Mono.defer(() -> result).onErrorMap(DeadLetterDesk.UnknownTopic.class, e -> Problems.of(
                        HttpStatus.BAD_REQUEST, "not-a-dead-letter-topic", "Not a dead-letter topic",
                        "Only the catalogue's dead-letter topics (<topic>.<group>.dlq) are read here"))
                .onErrorMap(DeadLetterDesk.NoSuchRecord.class, e -> Problems.of(HttpStatus.NOT_FOUND,
                        "no-such-record", "Not found",
                        "The dead-letter topic holds no record at this partition and offset"))
                .onErrorMap(DispositionStore.AlreadyHandled.class, e -> Problems.of(HttpStatus.CONFLICT,
                        "already-handled", "Already handled",
                        "This dead letter has already been re-driven or discarded"))
                .onErrorMap(KafkaException.class, e -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                        "dead-letters-unavailable", "Service unavailable", "The broker did not answer; try again"));
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Mono<OpsUser> operator() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(c -> c.getAuthentication() == null ? null : c.getAuthentication().getPrincipal())
                .ofType(OpsUser.class);
    }

    private static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
