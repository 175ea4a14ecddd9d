package com.vendstream.ops.api;

import com.vendstream.kit.web.Problems;
import com.vendstream.ops.user.OpsRole;
import com.vendstream.ops.user.OpsUser;
import com.vendstream.ops.vend.ProposalRequest;
import com.vendstream.ops.vend.UnresolvedVend;
import com.vendstream.ops.vend.UnresolvedVend.State;
import com.vendstream.ops.vend.UnresolvedVends;
import com.vendstream.ops.vend.VendRefusal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The unresolved-vend queue: every role lists it; an OPERATOR proposes, a second OPERATOR approves or rejects
 * (OpsSecurityConfiguration). Proposals show the customer's token and PINs in full only to OPERATORs (the checker
 * must see what is approved), masked to FINANCE and READ_ONLY, and masked to everyone once the entry is SETTLED.
 */
@RestController
@RequestMapping("/ops/v1/unresolved-vends")
class UnresolvedVendController {

    static final int MAX_LIMIT = 1000;
    private static final int MAX_BODY = 16 * 1024;
    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Requests are read strictly: an unknown member, a duplicate or a number for a text is refused, not guessed. */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer,
                    CoercionAction.Fail).setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    record Amount(long minor, String currency) {
    }

    record Requery(String at, String providerCode, String decision, String detail) {
    }

    record Proposal(String id, String outcome, String token, String units, List<String> pins,
                    Map<String, String> receipt, String note, String proposedBy, String proposedAt, String approvedBy,
                    String approvedAt, String decisionId) {
    }

    record Settlement(String outcome, String by, String approvedBy, String at) {
    }

    record Rejection(String proposalId, String outcome, String note, String proposedBy, String proposedAt,
                     String rejectedBy, String rejectedAt, String reason, String approvedBy, String decisionId) {
    }

    record Vend(String orderId, String merchantId, String provider, String providerReference,
                String providerTransactionId, Amount amount, String firstPendingAt, String escalatedAt, String reason,
                String lastProviderCode, int requeryCount, List<Requery> requeries, String state, Proposal proposal,
                Settlement settlement, List<Rejection> rejections) {

        /** The entry as {@code viewer} may see it. */
        static Vend of(UnresolvedVend vend, OpsUser viewer) {
            UnresolvedVend v = vend.state() == State.SETTLED || !viewer.roles().contains(OpsRole.OPERATOR)
                    ? vend.masked() : vend;
            UnresolvedVend.Proposal p = v.proposal();
            UnresolvedVend.Settlement s = v.settlement();
            return new Vend(v.orderId(), v.merchantId(), v.provider(), v.providerReference(),
                    v.providerTransactionId(), new Amount(v.amountMinor(), v.currency()), text(v.firstPendingAt()),
                    text(v.escalatedAt()), v.reason(), v.lastProviderCode(), v.requeryCount(),
                    v.requeries().stream().map(r -> new Requery(text(r.at()), r.providerCode(), r.decision(),
                            r.detail())).toList(),
                    v.state().name(),
                    p == null ? null : new Proposal(p.id(), p.outcome().name(), p.token(), p.units(), p.pins(),
                            new TreeMap<>(p.receipt()), p.note(), p.proposedBy(), text(p.proposedAt()),
                            p.approvedBy(), text(p.approvedAt()), p.decisionId()),
                    s == null ? null : new Settlement(s.outcome().name(), s.by(),
                            UnresolvedVend.Settlement.MANUAL.equals(s.by()) && p != null ? p.approvedBy() : null,
                            text(s.at())),
                    v.rejections().stream().map(r -> new Rejection(r.proposalId(), r.outcome().name(), r.note(),
                            r.proposedBy(), text(r.proposedAt()), r.rejectedBy(), text(r.rejectedAt()), r.reason(),
                            r.approvedBy(), r.decisionId()))
                            .toList());
        }
    }

    /** An approval names the proposal the checker saw. */
    record ApproveRequest(String proposalId) {
    }

    record RejectRequest(String proposalId, String reason) {
    }

    private final UnresolvedVends vends;

    UnresolvedVendController(UnresolvedVends vends) {
        this.vends = vends;
    }

    /** OPEN and PROPOSED by default, oldest escalation first. */
    @GetMapping
    Mono<List<Vend>> list(@RequestParam(name = "state", required = false) String state,
                          @RequestParam(name = "limit", defaultValue = "500") String limit) {
        EnumSet<State> states;
        if (state == null || state.isEmpty()) {
            states = EnumSet.of(State.OPEN, State.PROPOSED);
        } else if (state.equals("ALL")) {
            states = EnumSet.allOf(State.class);
        } else {
            try {
                states = EnumSet.of(State.valueOf(state));
            } catch (IllegalArgumentException e) {
                return Mono.error(Problems.invalid("state must be OPEN, PROPOSED, SETTLED or ALL"));
            }
        }
        int n = AuditController.parseLimit(limit, MAX_LIMIT);
        return SessionController.Current.user()
                .flatMap(user -> vends.list(states, n).map(v -> Vend.of(v, user)).collectList());
    }

    @GetMapping("/{orderId}")
    Mono<Vend> one(@PathVariable("orderId") String orderId) {
        String id = checked(orderId);
        return SessionController.Current.user().flatMap(user -> vends.find(id).map(v -> Vend.of(v, user)))
                .switchIfEmpty(Mono.error(() -> Problems.refused(HttpStatus.NOT_FOUND, "no-such-vend", "Not found",
                        "No unresolved vend has this order id")));
    }

    @PostMapping("/{orderId}/proposal")
    Mono<ResponseEntity<Vend>> propose(@PathVariable("orderId") String orderId,
                                       @RequestBody(required = false) byte[] body, ServerWebExchange exchange) {
        ProposalRequest request = read(body, ProposalRequest.class,
                "a proposal is a JSON object: outcome, note, and token, units, pins, receipt when delivered");
        return SessionController.Current.user()
                .flatMap(user -> vends.propose(user, checked(orderId), request,
                        LoginRequestConverter.clientAddress(exchange)))
                .flatMap(v -> shown(v).map(vend -> ResponseEntity.status(HttpStatus.CREATED).body(vend)))
                .onErrorMap(VendRefusal.class, UnresolvedVendController::problem);
    }

    @PostMapping("/{orderId}/proposal/approve")
    Mono<Vend> approve(@PathVariable("orderId") String orderId, @RequestBody(required = false) byte[] body,
                       ServerWebExchange exchange) {
        ApproveRequest request = read(body, ApproveRequest.class,
                "an approval is a JSON object with the proposalId of the proposal shown");
        return SessionController.Current.user()
                .flatMap(user -> vends.approve(user, checked(orderId), request.proposalId(),
                        LoginRequestConverter.clientAddress(exchange)))
                .flatMap(UnresolvedVendController::shown)
                .onErrorMap(VendRefusal.class, UnresolvedVendController::problem);
    }

    @PostMapping("/{orderId}/proposal/reject")
    Mono<Vend> reject(@PathVariable("orderId") String orderId, @RequestBody(required = false) byte[] body,
                      ServerWebExchange exchange) {
        RejectRequest request = read(body, RejectRequest.class,
                "a rejection is a JSON object with the proposalId of the proposal shown and a reason");
        return SessionController.Current.user()
                .flatMap(user -> vends.reject(user, checked(orderId), request.proposalId(), request.reason(),
                        LoginRequestConverter.clientAddress(exchange)))
                .flatMap(UnresolvedVendController::shown)
                .onErrorMap(VendRefusal.class, UnresolvedVendController::problem);
    }

    /** A step's answer, as the user who took it may see it. */
    private static Mono<Vend> shown(UnresolvedVend vend) {
        return SessionController.Current.user().map(user -> Vend.of(vend, user));
    }

    private static String checked(String orderId) {
        if (!ORDER_ID.matcher(orderId).matches()) {
            throw Problems.invalid("an order id is 1 to 128 of A-Z a-z 0-9 . _ : -");
        }
        return orderId;
    }

    /** The body as {@code type}; the parser's message is not passed on (it may quote a token or a PIN). */
    private static <T> T read(byte[] body, Class<T> type, String shape) {
        if (body == null || body.length == 0) {
            throw Problems.invalid(shape);
        }
        if (body.length > MAX_BODY) {
            throw Problems.invalid("the request is at most " + MAX_BODY + " bytes");
        }
        try {
            T value = STRICT.readValue(body, type);
            if (value == null) {
                throw Problems.invalid(shape);
            }
            return value;
        } catch (JacksonException e) {
            throw Problems.invalid(shape);
        }
    }

    private static RuntimeException problem(VendRefusal refusal) {
        if (refusal.reason() == VendRefusal.Reason.INVALID_REQUEST) {
            return Problems.invalid(refusal.getMessage());
        }
        HttpStatus status = HttpStatus.valueOf(refusal.reason().status());
        return Problems.refused(status, refusal.reason().code(), status.getReasonPhrase(), refusal.getMessage());
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
