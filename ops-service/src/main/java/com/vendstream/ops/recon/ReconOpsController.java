package com.vendstream.ops.recon;

import com.vendstream.events.OpsAction;
import com.vendstream.kit.web.Problems;
import com.vendstream.ops.audit.AuditEntry;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.ops.recon.ReconOpsConfiguration.ReconLink;
import com.vendstream.ops.user.OpsUser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reconciliation in the back office, over reconciliation-service's HTTP API (the one writer of discrepancies):
 * lists, CSV downloads and the day's volumes for every role; acknowledging and resolving a discrepancy for
 * FINANCE (OpsSecurityConfiguration). A change is audited here first (subject the discrepancy id, reason the
 * resolution; the note stays out of the trail), then forwarded with this user's name in
 * {@value #ACTING_USER} (reconciliation-service honours it only from this service's credential, configured there
 * as acting for others, and records {@code <user> via <credential>}); reconciliation-service makes it
 * idempotently, so repeating one after a 503 is safe. The first entry records the request; when the change is
 * not made (a problem from reconciliation-service, or it is unreachable) a second entry of the same action records
 * the outcome (details {@code outcome}: the problem's reason code) before the answer.
 *
 * <p>Answers are passed on as reconciliation-service gives them, its 4xx problem details included (400, 404
 * {@code no-such-discrepancy}, 409 {@code already-resolved}). Unreachable, slow, failing (5xx) or refusing this
 * service's own credential (401/403: a configuration fault, not the user's; passed on it would read as the user's
 * session) is 503 {@code recon-unavailable}.
 */
@RestController
@RequestMapping("/ops/v1/recon")
class ReconOpsController {

    static final String ACTING_USER = "X-Vendstream-Acting-User";
    /** The audit detail of a change that was not made: the reason code of the problem answered instead. */
    static final String OUTCOME = "outcome";
    /** reconciliation-service's discrepancy ids are UUIDs; anything else names none (and is not audited). */
    private static final Pattern DISCREPANCY_ID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final Set<String> RESOLUTIONS = Set.of("RECOVERED", "WRITTEN_OFF", "REFUNDED");
    private static final int MAX_NOTE = 1000;
    /** reconciliation-service's headers a download needs. */
    private static final List<String> PASSED_HEADERS = List.of(HttpHeaders.CONTENT_TYPE,
            HttpHeaders.CONTENT_DISPOSITION, "X-Recon-Provisional");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Logger log = LoggerFactory.getLogger(ReconOpsController.class);

    private final ReconLink recon;
    private final AuditTrail audit;

    ReconOpsController(ReconLink recon, AuditTrail audit) {
        this.recon = recon;
        this.audit = audit;
    }

    /** What reconciliation-service answered. */
    private record Reply(HttpStatusCode status, HttpHeaders headers, byte[] body) {
    }

    @GetMapping("/discrepancies")
    Mono<ResponseEntity<byte[]>> discrepancies(@RequestParam(required = false) String day,
                                               @RequestParam(required = false) String provider,
                                               @RequestParam(required = false) String status,
                                               @RequestParam(required = false) String merchantId) {
        return get("/v1/recon/discrepancies", selection(day, provider, status, merchantId))
                .map(ReconOpsController::passOn);
    }

    @GetMapping("/discrepancies.csv")
    Mono<ResponseEntity<byte[]>> discrepanciesCsv(@RequestParam(required = false) String day,
                                                  @RequestParam(required = false) String provider,
                                                  @RequestParam(required = false) String status,
                                                  @RequestParam(required = false) String merchantId) {
        return get("/v1/recon/discrepancies.csv", selection(day, provider, status, merchantId))
                .map(ReconOpsController::passOn);
    }

    @GetMapping("/ledgers")
    Mono<ResponseEntity<byte[]>> ledgers(@RequestParam(required = false) String day,
                                         @RequestParam(required = false) String merchantId,
                                         @RequestParam(required = false) String merchant) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("day", day);
        query.put("merchantId", merchantId);
        query.put("merchant", merchant);
        return get("/v1/recon/ledgers", query).map(ReconOpsController::passOn);
    }

    @GetMapping("/days/{day}/ledger.csv")
    Mono<ResponseEntity<byte[]>> ledgerCsv(@PathVariable String day,
                                           @RequestParam(required = false) String merchantId) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("merchantId", merchantId);
        return get("/v1/recon/days/{day}/ledger.csv", query, Map.of("day", day)).map(ReconOpsController::passOn);
    }

    /** The day's ledgers summed per provider and currency (the chart's data); refusals passed on as they are. */
    @GetMapping("/days/{day}/volumes")
    Mono<ResponseEntity<?>> volumes(@PathVariable String day) {
        return get("/v1/recon/ledgers", Map.of("day", day)).map(reply -> reply.status().is2xxSuccessful()
                        ? ResponseEntity.ok(Volumes.of(ledgerFigures(reply.body()))) : passOn(reply));
    }

    /** Body {@code {"note": "..."}} (optional). */
    @PostMapping("/discrepancies/{id}/acknowledge")
    Mono<ResponseEntity<byte[]>> acknowledge(@PathVariable String id, @RequestBody(required = false) String body,
                                             @AuthenticationPrincipal OpsUser user, ServerWebExchange exchange) {
        ObjectNode forwarded = JSON.createObjectNode();
        String note = note(object(body), false);
        forwarded.put("note", note);
        return change(OpsAction.DISCREPANCY_ACKNOWLEDGED, id, null, note, forwarded, "acknowledge", user, exchange);
    }

    /** Body {@code {"resolution": "RECOVERED|WRITTEN_OFF|REFUNDED", "note": "..."}}, the note required. */
    @PostMapping("/discrepancies/{id}/resolve")
    Mono<ResponseEntity<byte[]>> resolve(@PathVariable String id, @RequestBody(required = false) String body,
                                         @AuthenticationPrincipal OpsUser user, ServerWebExchange exchange) {
        JsonNode json = object(body);
        JsonNode resolution = json.path("resolution");
        if (!resolution.isString() || !RESOLUTIONS.contains(resolution.asString())) {
            throw Problems.invalid("resolution must be one of RECOVERED, WRITTEN_OFF, REFUNDED");
        }
        String note = note(json, true);
        ObjectNode forwarded = JSON.createObjectNode().put("resolution", resolution.asString()).put("note", note);
        return change(OpsAction.DISCREPANCY_RESOLVED, id, resolution.asString(), note, forwarded, "resolve", user,
                exchange);
    }

    /**
     * Audited first, then forwarded: an answered change has its entry. A change that was not made is followed by
     * its outcome, so the trail does not read a refused or failed attempt as a change (on a 503 the change may or
     * may not have been made there; the user repeats it and reconciliation-service makes it once).
     */
    private Mono<ResponseEntity<byte[]>> change(OpsAction action, String id, String reason, String note,
                                                ObjectNode forwarded, String verb, OpsUser user,
                                                ServerWebExchange exchange) {
        if (!DISCREPANCY_ID.matcher(id).matches()) {
            throw Problems.of(HttpStatus.NOT_FOUND, "no-such-discrepancy", "Not found",
                    "A discrepancy id is a UUID; this is none");
        }
        WebClient client = client();
        byte[] payload = JSON.writeValueAsBytes(forwarded);
        // The note is free text a person typed: it goes to reconciliation-service, not into the audit trail.
        Map<String, String> details = Map.of("noteGiven", Boolean.toString(note != null));
        String address = clientAddress(exchange);
        Mono<Reply> forward = exchange(client.post().uri(uri -> uri.path("/v1/recon/discrepancies/{id}/" + verb)
                        .build(Map.of("id", id)))
                .header(ACTING_USER, user.username()).contentType(MediaType.APPLICATION_JSON).bodyValue(payload));
        Function<String, Mono<AuditEntry>> notMade = outcome -> audit.record(action, user, id, reason, address,
                Map.of(OUTCOME, outcome));
        return audit.record(action, user, id, reason, address, details)
                .then(forward.onErrorResume(ErrorResponseException.class, e -> notMade
                                .apply(reasonCode(e.getBody().getType(), e.getStatusCode())).then(Mono.<Reply>error(e)))
                        .flatMap(reply -> reply.status().is2xxSuccessful() ? Mono.just(reply) : notMade
                                .apply(reasonCode(problemType(reply.body()), reply.status())).thenReturn(reply)))
                .map(ReconOpsController::passOn);
    }

    /** The reason code a problem's type names ({@code .../problems/already-resolved}), or {@code http-<status>}. */
    private static String reasonCode(URI type, HttpStatusCode status) {
        String t = type == null ? "" : type.toString();
        return t.startsWith(Problems.BASE) && t.length() > Problems.BASE.length()
                ? t.substring(Problems.BASE.length()) : "http-" + status.value();
    }

    private static URI problemType(byte[] body) {
        try {
            JsonNode type = JSON.readTree(body).path("type");
            return type.isString() ? URI.create(type.asString()) : null;
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }

    private Mono<Reply> get(String path, Map<String, String> query) {
        return get(path, query, Map.of());
    }

    /**
     * Every value the user gave goes in as a URI variable, so it is encoded whole ("&", "+", "/" included) and
     * can never add a parameter or a path segment of its own; null query values are left out.
     */
    private Mono<Reply> get(String path, Map<String, String> query, Map<String, String> pathVariables) {
        WebClient client = client();
        Map<String, Object> variables = new HashMap<>(pathVariables);
        return exchange(client.get().uri(builder -> {
            builder.path(path);
            query.forEach((name, value) -> {
                if (value != null) {
                    builder.queryParam(name, "{q_" + name + "}");
                    variables.put("q_" + name, value);
                }
            });
            return builder.build(variables);
        }));
    }

    private WebClient client() {
        if (recon.client() == null) {
            throw unavailable("ops-service has no link to reconciliation-service configured"
                    + " (vendstream.ops.recon.url and .token)");
        }
        return recon.client();
    }

    private Mono<Reply> exchange(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(response -> response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0])
                        .map(body -> new Reply(response.statusCode(), response.headers().asHttpHeaders(), body)))
                .timeout(recon.timeout())
                .onErrorMap(e -> !(e instanceof ErrorResponseException), e -> {
                    log.warn("reconciliation-service did not answer: {}", e.toString());
                    return unavailable("reconciliation-service did not answer; a change may or may not have been "
                            + "made there: repeat it (acknowledging and resolving are idempotent)");
                })
                .map(reply -> {
                    int status = reply.status().value();
                    if (status == 401 || status == 403) {
                        log.warn("reconciliation-service refused ops-service's credential ({}): check "
                                + "vendstream.ops.recon.token", status);
                        throw unavailable("reconciliation-service refused ops-service's credential");
                    }
                    if (!reply.status().is2xxSuccessful() && !reply.status().is4xxClientError()) {
                        log.warn("reconciliation-service answered {}", status);
                        throw unavailable("reconciliation-service failed (" + status + ")");
                    }
                    return reply;
                });
    }

    private static ResponseEntity<byte[]> passOn(Reply reply) {
        HttpHeaders headers = new HttpHeaders();
        PASSED_HEADERS.forEach(name -> {
            String value = reply.headers().getFirst(name);
            if (value != null) {
                headers.set(name, value);
            }
        });
        return ResponseEntity.status(reply.status()).headers(headers).body(reply.body());
    }

    private static ErrorResponseException unavailable(String detail) {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "recon-unavailable", "Service Unavailable", detail);
    }

    private static Map<String, String> selection(String day, String provider, String status, String merchantId) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("day", day);
        query.put("provider", provider);
        query.put("status", status);
        query.put("merchantId", merchantId);
        return query;
    }

    private static List<Volumes.LedgerFigures> ledgerFigures(byte[] body) {
        List<Volumes.LedgerFigures> out = new ArrayList<>();
        for (JsonNode l : JSON.readTree(body)) {
            out.add(new Volumes.LedgerFigures(l.path("provider").asString(), l.path("currency").asString(),
                    l.path("ordersAccepted").asLong(), l.path("debitsMinor").asLong()));
        }
        return out;
    }

    private static JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json.isObject()) {
                return json;
            }
        } catch (JacksonException e) {
            // answered below
        }
        throw Problems.invalid("The body must be a JSON object");
    }

    private static String note(JsonNode json, boolean required) {
        JsonNode note = json.path("note");
        if (note.isMissingNode() || note.isNull() || (note.isString() && note.asString().isBlank())) {
            if (required) {
                throw Problems.invalid("note is required: say why (e.g. the provider's credit note, the refund)");
            }
            return null;
        }
        if (!note.isString() || note.asString().strip().length() > MAX_NOTE) {
            throw Problems.invalid("note must be text of at most " + MAX_NOTE + " characters");
        }
        return note.asString().strip();
    }

    private static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
