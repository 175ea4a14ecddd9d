package com.vendstream.sandbox.pay4power;

import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Replies;
import com.vendstream.sandbox.core.Resettable;
import com.vendstream.sandbox.core.SandboxSettings;
import com.vendstream.sandbox.core.SandboxTransaction;
import com.vendstream.sandbox.core.Scenario;
import com.vendstream.sandbox.core.ScenarioRegistry;
import com.vendstream.sandbox.core.ScenarioTable;
import com.vendstream.sandbox.core.Transactions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Pay4Power's B2B bill-payment API (docs.pay4power.com) under {@code /pay4power/api/v2.1/b2b}: the
 * envelope {success, message, errors, statusCode, correlationId, data} with the HTTP status equal
 * to statusCode. Product paths answer both singly ({@code /power/vend}) and with the doubled
 * {@code /b2b} of the docs' full URLs. Undocumented shapes are this sandbox's choices
 * (providers/PAY4POWER_DOLLR.md). A client reference is vended at most once: repeating it returns
 * the first transaction's current state.
 *
 * <p>The receiver (phone, meter; for TV the verified smartcard) decides the outcome: see
 * {@link #SCENARIOS}, plus prefix 4000 = 400 Validation Error (verify and initiate refuse it too).
 */
@RestController
@RequestMapping("/pay4power/api/v2.1/b2b")
public class Pay4PowerSandbox implements Resettable {

    static final String PROVIDER = Pay4PowerTokens.PROVIDER;

    /** Magic receivers. The docs' data example number succeeds; everything unlisted succeeds too. */
    public static final ScenarioTable SCENARIOS = ScenarioTable.builder()
            .exact("08011111111", Scenario.SUCCESS)
            .exact("1111111111111", Scenario.SUCCESS)
            .prefix("2020", Scenario.PENDING_THEN_SUCCESS)
            .prefix("2021", Scenario.PENDING_THEN_FAIL)
            .prefix("2029", Scenario.PENDING_FOREVER)
            .prefix("4170", Scenario.FAIL)
            .prefix("3000", Scenario.TIMEOUT_AFTER_PROCESSING)
            .prefix("5000", Scenario.SERVER_ERROR)
            .prefix("6000", Scenario.CONNECTION_RESET)
            .prefix("9000", Scenario.GARBAGE)
            .prefix("4290", Scenario.TOO_MANY_REQUESTS)
            .prefix("0180", Scenario.INSUFFICIENT_FLOAT)
            .otherwise(Scenario.SUCCESS)
            .build();

    private final Map<String, String> verifications = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> initiations = new ConcurrentHashMap<>();
    private final Pay4PowerTokens tokens;
    private final CallRecord record;
    private final Faults faults;
    private final Replies replies;
    private final Transactions transactions;
    private final SandboxSettings settings;

    public Pay4PowerSandbox(Pay4PowerTokens tokens, CallRecord record, Faults faults, Replies replies,
                            Transactions transactions, SandboxSettings settings, ScenarioRegistry registry) {
        this.tokens = tokens;
        this.record = record;
        this.faults = faults;
        this.replies = replies;
        this.transactions = transactions;
        this.settings = settings;
        registry.register(PROVIDER, SCENARIOS);
    }

    @Override
    public void reset() {
        verifications.clear();
        initiations.clear();
    }

    @PostMapping(path = "/auth/token", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> token(@RequestBody Map<String, Object> body, ServerHttpRequest http) {
        Scenario fault = faults.take(PROVIDER, "auth");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "auth", null, null, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, envelope(503, false, "Unavailable", null, null), null);
        }
        String issued = tokens.issue(str(body.get("clientId")), str(body.get("clientSecret")), str(body.get("publicKey")),
                str(body.get("privateKey")));
        record.call(PROVIDER, "auth", null, null, issued == null ? "401" : "200");
        if (issued == null) {
            return envelope(401, false, "Invalid credentials",
                    List.of("clientId/clientSecret or publicKey/privateKey rejected"), null);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accessToken", issued);
        data.put("tokenType", "Bearer");
        data.put("expiresIn", tokens.ttl().toSeconds());
        return envelope(200, true, "Token generated successfully", null, data);
    }

    @GetMapping(path = "/services", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> services(@RequestHeader(name = "Authorization", required = false) String auth) {
        if (!tokens.valid(auth)) {
            return unauthorized();
        }
        record.call(PROVIDER, "catalog", null, null, "services");
        return envelope(200, true, "Retrieved Successfully", null, List.of(
                Map.of("code", "power", "name", "Electricity"), Map.of("code", "airtime", "name", "Airtime"),
                Map.of("code", "data", "name", "Data"), Map.of("code", "tv", "name", "TV")));
    }

    @GetMapping(path = "/providers", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> providers(@RequestHeader(name = "Authorization", required = false) String auth) {
        if (!tokens.valid(auth)) {
            return unauthorized();
        }
        record.call(PROVIDER, "catalog", null, null, "providers");
        return envelope(200, true, "Retrieved Successfully", null, List.of(
                provider("YEDC", "Yola Electricity Distribution Company", "power"),
                provider("IKEDC", "Ikeja Electric", "power"),
                provider("EKEDC", "Eko Electricity Distribution Company", "power"),
                provider("AEDC", "Abuja Electricity Distribution Company", "power"),
                provider("MTN", "MTN Nigeria", "airtime"), provider("GLO", "Globacom", "airtime"),
                provider("AIRTEL", "Airtel Nigeria", "airtime"), provider("9MOBILE", "9mobile", "airtime"),
                provider("MTN", "MTN Nigeria", "data"), provider("DSTV", "DStv", "tv"), provider("GOTV", "GOtv", "tv")));
    }

    @PostMapping(path = {"/power/verify", "/b2b/power/verify"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> verifyMeter(@RequestHeader(name = "Authorization", required = false) String auth,
                                                    @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        return verify("power", auth, body, http);
    }

    @PostMapping(path = {"/tv/verify", "/b2b/tv/verify"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> verifySmartcard(@RequestHeader(name = "Authorization", required = false) String auth,
                                                        @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        return verify("tv", auth, body, http);
    }

    private Mono<ResponseEntity<Object>> verify(String service, String auth, Map<String, Object> body,
                                                ServerHttpRequest http) {
        if (!tokens.valid(auth)) {
            return unauthorized();
        }
        String receiver = str(body.get("receiver"));
        Scenario fault = faults.take(PROVIDER, "verify");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "verify", null, receiver, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, envelope(503, false, "Unavailable", null, null), null);
        }
        if (receiver == null || receiver.length() < 6 || receiver.startsWith("4000") || str(body.get("provider")) == null) {
            record.call(PROVIDER, "verify", null, receiver, "400");
            return envelope(400, false, "Validation Error", List.of("receiver is not a valid " + service + " account"), null);
        }
        record.call(PROVIDER, "verify", null, receiver, "200");
        String reference = "VRF" + hex(20);
        verifications.put(reference, receiver);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("customerName", "TEST CUSTOMER");
        data.put("address", "12 SANDBOX CLOSE, JIMETA");
        data.put("receiver", receiver);
        if ("power".equals(service)) {
            data.put("meterType", str(body.getOrDefault("meterType", "PREPAID")));
            data.put("minimumAmount", "500");
        } else {
            data.put("currentBouquet", "DStv Padi");
        }
        data.put("verificationReference", reference);
        return envelope(200, true, "Meter Verified Successfully", null, data);
    }

    @PostMapping(path = {"/power/initiate", "/b2b/power/initiate"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> initiate(@RequestHeader(name = "Authorization", required = false) String auth,
                                                 @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        if (!tokens.valid(auth)) {
            return unauthorized();
        }
        String receiver = str(body.get("receiver"));
        String reference = str(body.get("clientTransactionReference"));
        Scenario fault = faults.take(PROVIDER, "initiate");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "initiate", reference, receiver, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, envelope(503, false, "Unavailable", null, null), null);
        }
        List<String> errors = new ArrayList<>();
        if (receiver == null || receiver.startsWith("4000")) {
            errors.add("receiver is not a valid meter");
        }
        if (amount(body) == null || amount(body).signum() <= 0) {
            errors.add("amount must be a positive number");
        }
        if (str(body.get("provider")) == null) {
            errors.add("provider is required");
        }
        if (!errors.isEmpty()) {
            record.call(PROVIDER, "initiate", reference, receiver, "400");
            return envelope(400, false, "Validation Error", errors, null);
        }
        record.call(PROVIDER, "initiate", reference, receiver, "200");
        String transactionId = "INI" + hex(16);
        initiations.put(transactionId, body);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("transactionId", transactionId);
        data.put("customerName", "TEST CUSTOMER");
        data.put("receiver", receiver);
        data.put("amount", body.get("amount"));
        data.put("meterType", str(body.getOrDefault("meterType", "PREPAID")));
        return envelope(200, true, "Meter Verified and Transaction Initiated", null, data);
    }

    @PostMapping(path = {"/power/vend", "/b2b/power/vend"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> vendPower(@RequestHeader(name = "Authorization", required = false) String auth,
                                                  @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        List<String> errors = new ArrayList<>();
        String initiated = str(body.get("transactionId"));
        if (initiated != null && !initiations.containsKey(initiated)) {
            errors.add("transactionId was not initiated");
        }
        if (amount(body) == null || amount(body).signum() <= 0) {
            errors.add("amount must be a positive number");
        }
        return vend("power", auth, str(body.get("clientTransactionReference")), str(body.get("receiver")), body, errors,
                "Transaction Successful", http);
    }

    @PostMapping(path = {"/airtime/vend", "/b2b/airtime/vend"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> vendAirtime(@RequestHeader(name = "Authorization", required = false) String auth,
                                                    @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        List<String> errors = new ArrayList<>();
        if (amount(body) == null || amount(body).signum() <= 0) {
            errors.add("amount must be a positive number");
        }
        return vend("airtime", auth, str(body.get("clientTransactionReference")), str(body.get("receiver")), body, errors,
                "Airtime vend successful", http);
    }

    @PostMapping(path = {"/data/vend", "/b2b/data/vend"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> vendData(@RequestHeader(name = "Authorization", required = false) String auth,
                                                 @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        List<String> errors = new ArrayList<>();
        if (str(body.get("package")) == null) {
            errors.add("package is required");
        }
        return vend("data", auth, str(body.get("clientTransactionReference")), str(body.get("receiver")), body, errors,
                "Mock data vend successful", http);
    }

    @PostMapping(path = {"/tv/vend", "/b2b/tv/vend"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> vendTv(@RequestHeader(name = "Authorization", required = false) String auth,
                                               @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        List<String> errors = new ArrayList<>();
        String receiver = verifications.get(String.valueOf(body.get("verificationReference")));
        if (receiver == null) {
            errors.add("verificationReference is unknown or missing");
        }
        return vend("tv", auth, str(body.get("transactionReference")), receiver, body, errors, "Mock TV vend successful",
                http);
    }

    private Mono<ResponseEntity<Object>> vend(String service, String auth, String reference, String receiver,
                                              Map<String, Object> body, List<String> errors, String successMessage,
                                              ServerHttpRequest http) {
        if (!tokens.valid(auth)) {
            record.call(PROVIDER, "vend", reference, receiver, "401");
            return unauthorized();
        }
        Scenario fault = faults.take(PROVIDER, "vend");
        if (fault == Scenario.TOO_MANY_REQUESTS) {
            record.call(PROVIDER, "vend", reference, receiver, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, null, tooMany());
        }
        if (reference == null || reference.isBlank()) {
            errors.add("a client transaction reference is required");
        }
        if (receiver == null || receiver.isBlank()) {
            errors.add("receiver is required");
        } else if (receiver.startsWith("4000")) {
            errors.add("receiver failed validation");
        }
        SandboxTransaction existing = transactions.find(PROVIDER, reference);
        if (existing != null) {
            // Repeating a reference never vends again; the caller sees the first transaction.
            record.call(PROVIDER, "vend", reference, receiver, "duplicate:" + existing.status());
            return render(existing, successMessage);
        }
        if (!errors.isEmpty()) {
            record.call(PROVIDER, "vend", reference, receiver, "400");
            return envelope(400, false, "Validation Error", errors, null);
        }
        Scenario scenario = fault != null ? fault : SCENARIOS.of(receiver);
        if (scenario == Scenario.TOO_MANY_REQUESTS || scenario == Scenario.THROTTLED) {
            record.call(PROVIDER, "vend", reference, receiver, "429");
            return replies.status(PROVIDER, 429, tooMany());
        }
        if (scenario == Scenario.INSUFFICIENT_FLOAT) {
            record.call(PROVIDER, "vend", reference, receiver, "417");
            return envelope(417, false, "Transaction Failed", List.of("Insufficient wallet balance"), null);
        }
        long minor = amount(body) == null ? 0
                : amount(body).movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
        Transactions.Created created = transactions.create(PROVIDER, reference, () -> {
            SandboxTransaction tx = new SandboxTransaction(PROVIDER, reference, "P4P" + hex(16).toUpperCase(), service,
                    receiver, minor, "NGN", scenario, transactions.now());
            tx.details().put("request", new LinkedHashMap<>(body));
            return tx;
        });
        SandboxTransaction tx = created.transaction();
        if (!created.fresh()) {
            record.call(PROVIDER, "vend", reference, receiver, "duplicate:" + tx.status());
            return render(tx, successMessage);
        }
        record.call(PROVIDER, "vend", reference, receiver, scenario.isTransportFault() ? "fault:" + scenario
                : Integer.toString(httpStatus(tx)));
        if (scenario.isTransportFault()) {
            return replies.transport(PROVIDER, scenario, http, render(tx, successMessage), tooMany());
        }
        return render(tx, successMessage);
    }

    @GetMapping(path = "/requery", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> requery(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @RequestParam(required = false) String serviceType,
                                                @RequestParam(required = false) String clientReference,
                                                @RequestParam(required = false) String transactionId,
                                                ServerHttpRequest http) {
        if (!tokens.valid(auth)) {
            return unauthorized();
        }
        if (serviceType == null || (clientReference == null && transactionId == null)) {
            record.call(PROVIDER, "requery", clientReference, null, "400");
            return envelope(400, false, "Validation Error",
                    List.of("serviceType and clientReference or transactionId are required"), null);
        }
        SandboxTransaction tx = clientReference != null ? transactions.find(PROVIDER, clientReference)
                : transactions.list(PROVIDER, null, null).stream()
                        .filter(t -> t.providerTransactionId().equals(transactionId)).findFirst().orElse(null);
        Scenario fault = faults.take(PROVIDER, "requery");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "requery", clientReference, null, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, tx == null ? notFound(serviceType) : requeryReply(tx),
                    tooMany());
        }
        if (tx == null || !tx.operation().equals(serviceType)) {
            record.call(PROVIDER, "requery", clientReference, null, "404");
            return notFound(serviceType);
        }
        tx.requery(settings.pendingPolicy(PROVIDER), transactions.now());
        record.call(PROVIDER, "requery", tx.reference(), tx.account(), "200/" + tx.status());
        return requeryReply(tx);
    }

    private Mono<ResponseEntity<Object>> requeryReply(SandboxTransaction tx) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("clientReference", tx.reference());
        data.put("transactionId", tx.providerTransactionId());
        data.put("serviceType", tx.operation());
        data.put("status", word(tx.status()));
        data.put("receiver", tx.account());
        data.put("amount", request(tx).get("amount"));
        if (tx.status() == Scenario.Status.SUCCEEDED && "power".equals(tx.operation()) && prepaid(tx)) {
            // The requery nests the token differently from the vend; clients must look it up leniently.
            data.put("vendDetails", Map.of("creditToken", token(tx.reference()), "units", "45.6 kWh"));
        }
        return envelope(200, true, "Retrieved Successfully", null, data);
    }

    private Mono<ResponseEntity<Object>> notFound(String serviceType) {
        return envelope(404, false, "Transaction not found", List.of("no " + serviceType + " transaction for that reference"),
                null);
    }

    private Mono<ResponseEntity<Object>> render(SandboxTransaction tx, String successMessage) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("clientTransactionReference", tx.reference());
        data.put("transactionId", tx.providerTransactionId());
        data.put("status", word(tx.status()));
        data.put("receiver", tx.account());
        data.put("amount", request(tx).get("amount"));
        return switch (tx.status()) {
            case PENDING -> envelope(202, true, "Transaction In-Progress", null, data);
            case FAILED -> envelope(417, false, "Transaction Failed", List.of("the biller declined the transaction"), data);
            case SUCCEEDED -> {
                if ("power".equals(tx.operation()) && prepaid(tx)) {
                    data.put("token", "Token : " + token(tx.reference()));
                    data.put("units", "45.6 kWh");
                    data.put("customerName", "TEST CUSTOMER");
                }
                yield envelope(200, true, successMessage, null, data);
            }
        };
    }

    private static int httpStatus(SandboxTransaction tx) {
        return switch (tx.status()) {
            case PENDING -> 202;
            case FAILED -> 417;
            case SUCCEEDED -> 200;
        };
    }

    private static String word(Scenario.Status status) {
        return switch (status) {
            case PENDING -> "PENDING";
            case FAILED -> "FAILED";
            case SUCCEEDED -> "SUCCESSFUL";
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> request(SandboxTransaction tx) {
        Object r = tx.details().get("request");
        return r instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static boolean prepaid(SandboxTransaction tx) {
        return !"POSTPAID".equalsIgnoreCase(str(request(tx).get("meterType")));
    }

    /** A 20-digit STS-style token derived from the reference, so vend and requery agree. */
    static String token(String reference) {
        long h = Math.abs((long) reference.hashCode() * 2_654_435_761L);
        String d = String.format("%020d", h % 100_000_000_000_000_000L);
        return d.substring(0, 4) + " " + d.substring(4, 8) + " " + d.substring(8, 12) + " " + d.substring(12, 16) + " "
                + d.substring(16, 20);
    }

    private static Map<String, Object> tooMany() {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("success", false);
        envelope.put("message", "Too Many Requests");
        envelope.put("errors", List.of("rate limit exceeded"));
        envelope.put("statusCode", 429);
        envelope.put("correlationId", UUID.randomUUID().toString());
        envelope.put("data", null);
        return envelope;
    }

    private Mono<ResponseEntity<Object>> unauthorized() {
        return envelope(401, false, "Unauthorized", List.of("Invalid or expired token"), null);
    }

    private Mono<ResponseEntity<Object>> envelope(int status, boolean success, String message, List<String> errors,
                                                  Object data) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("success", success);
        envelope.put("message", message);
        envelope.put("errors", errors);
        envelope.put("statusCode", status);
        envelope.put("correlationId", UUID.randomUUID().toString());
        envelope.put("data", data);
        return replies.status(PROVIDER, status, envelope);
    }

    private static Map<String, Object> provider(String code, String name, String service) {
        return Map.of("code", code, "name", name, "service", service);
    }

    private static String hex(int length) {
        return UUID.randomUUID().toString().replace("-", "").substring(0, length);
    }

    private static BigDecimal amount(Map<String, Object> body) {
        try {
            return body.get("amount") == null ? null : new BigDecimal(body.get("amount").toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
