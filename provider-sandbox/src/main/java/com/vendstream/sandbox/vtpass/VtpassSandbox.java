package com.vendstream.sandbox.vtpass;

import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Latency;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
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
 * VTpass's API (sandbox.vtpass.com/api) as documented: static keys, request_id rules (12-digit
 * Africa/Lagos date-time prefix, 085 if wrong, 014 if reused), 019 for the same biller code within
 * the duplicate window, 000 with an inner transaction status, requery by request_id. Accounts decide
 * the outcome, following VTpass's sandbox values and extending them:
 *
 * <ul>
 *   <li>08011111111, 1111111111111 (prepaid), 1010101010101 (postpaid), 1212121212 (smartcard), and any
 *       account starting 0801111: delivered</li>
 *   <li>201000000000 or prefix 2010: pending, delivered after {@code pending-requeries} requeries;
 *       prefix 2020: pending then failed (016); prefix 2030: pending forever</li>
 *   <li>500000000000 or prefix 5000: processed, unexpected reply body</li>
 *   <li>400000000000 or prefix 4000: processed, then the connection is reset (no response)</li>
 *   <li>300000000000 or prefix 3000: processed, reply delayed past the caller's timeout</li>
 *   <li>prefix 0180: 018 LOW WALLET BALANCE (insufficient float; nothing processed)</li>
 *   <li>anything else: 016 TRANSACTION FAILED</li>
 * </ul>
 */
@RestController
@RequestMapping("/vtpass/api")
public class VtpassSandbox {

    static final String PROVIDER = "vtpass";
    private static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");
    private static final DateTimeFormatter REQUEST_ID_PREFIX = DateTimeFormatter.ofPattern("yyyyMMddHHmm");
    private static final Set<String> DELIVERED = Set.of("08011111111", "1111111111111", "1010101010101", "1212121212");

    /** What the sandbox did with one request_id. */
    private static final class Transaction {
        final String requestId;
        final Map<String, Object> request;
        final String transactionId = Long.toString(ThreadLocalRandom.current().nextLong(10_000_000_000L, 99_999_999_999L));
        final Instant at = Instant.now();
        final AtomicInteger requeries = new AtomicInteger();
        volatile String status;

        Transaction(String requestId, Map<String, Object> request, String status) {
            this.requestId = requestId;
            this.request = request;
            this.status = status;
        }
    }

    private final Map<String, Transaction> transactions = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastByBillerCode = new ConcurrentHashMap<>();
    private final CallRecord record;
    private final Faults faults;
    private final Latency latency;
    private final String apiKey;
    private final String publicKey;
    private final String secretKey;
    private final Duration timeoutDelay;
    private final int pendingRequeries;
    private final Duration duplicateWindow;

    public VtpassSandbox(CallRecord record, Faults faults, Latency latency,
                         @Value("${vendstream.sandbox.vtpass.api-key}") String apiKey,
                         @Value("${vendstream.sandbox.vtpass.public-key}") String publicKey,
                         @Value("${vendstream.sandbox.vtpass.secret-key}") String secretKey,
                         @Value("${vendstream.sandbox.vtpass.timeout-delay:6s}") Duration timeoutDelay,
                         @Value("${vendstream.sandbox.vtpass.pending-requeries:2}") int pendingRequeries,
                         @Value("${vendstream.sandbox.vtpass.duplicate-window:30s}") Duration duplicateWindow) {
        this.record = record;
        this.faults = faults;
        this.latency = latency;
        this.apiKey = apiKey;
        this.publicKey = publicKey;
        this.secretKey = secretKey;
        this.timeoutDelay = timeoutDelay;
        this.pendingRequeries = pendingRequeries;
        this.duplicateWindow = duplicateWindow;
    }

    @PostMapping(path = "/pay", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> pay(@RequestHeader(name = "api-key", required = false) String key,
                                            @RequestHeader(name = "secret-key", required = false) String secret,
                                            @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String requestId = str(body.get("request_id"));
        String account = str(body.get("billersCode")) != null ? str(body.get("billersCode")) : str(body.get("phone"));
        if (!apiKey.equals(key) || !secretKey.equals(secret)) {
            record.call(PROVIDER, "vend", requestId, account, "087");
            return reply(Map.of("code", "087", "response_description", "INVALID CREDENTIALS"));
        }
        Faults.Kind fault = faults.take(PROVIDER, "vend");
        if (fault != null && fault != Faults.Kind.TIMEOUT_AFTER_PROCESSING) {
            record.call(PROVIDER, "vend", requestId, account, "fault:" + fault);
            return injected(fault, http);
        }
        String problem = checkRequestId(requestId);
        if (problem != null) {
            record.call(PROVIDER, "vend", requestId, account, "085");
            return reply(Map.of("code", "085", "response_description", "IMPROPER REQUEST ID: " + problem));
        }
        if (transactions.containsKey(requestId)) {
            record.call(PROVIDER, "vend", requestId, account, "014");
            return reply(Map.of("code", "014", "response_description", "REQUEST ID ALREADY EXIST"));
        }
        String serviceId = str(body.get("serviceID"));
        String billerKey = serviceId + "/" + account;
        Instant now = Instant.now();
        Instant last = lastByBillerCode.get(billerKey);
        if (!duplicateWindow.isZero() && last != null && last.plus(duplicateWindow).isAfter(now)) {
            record.call(PROVIDER, "vend", requestId, account, "019");
            return reply(Map.of("code", "019", "response_description", "LIKELY DUPLICATE TRANSACTION"));
        }
        if (account != null && account.startsWith("0180")) {
            record.call(PROVIDER, "vend", requestId, account, "018");
            return reply(Map.of("code", "018", "response_description", "LOW WALLET BALANCE"));
        }
        lastByBillerCode.put(billerKey, now);
        String behaviour = behaviour(account);
        String status = switch (behaviour) {
            case "delivered", "unexpected", "no-response", "timeout" -> "delivered";
            case "pending", "pending-fail", "pending-forever" -> "pending";
            default -> "failed";
        };
        Transaction tx = new Transaction(requestId, body, status);
        transactions.put(requestId, tx);
        if (!"failed".equals(status)) {
            record.vended(PROVIDER, requestId);
        }
        record.call(PROVIDER, "vend", requestId, account, behaviour);
        if (fault == Faults.Kind.TIMEOUT_AFTER_PROCESSING || "timeout".equals(behaviour)) {
            return Mono.delay(timeoutDelay).then(reply(render(tx, behaviour)));
        }
        if ("no-response".equals(behaviour)) {
            return Mono.delay(latency.of(PROVIDER)).then(Mono.defer(() -> {
                Faults.reset(http);
                return Mono.empty();
            }));
        }
        if ("unexpected".equals(behaviour)) {
            return reply(Map.of("code", "000", "content", "<html>upstream says: ok?</html>"));
        }
        return reply(render(tx, behaviour));
    }

    @PostMapping(path = "/requery", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> requery(@RequestHeader(name = "api-key", required = false) String key,
                                                @RequestHeader(name = "secret-key", required = false) String secret,
                                                @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String requestId = str(body.get("request_id"));
        if (!apiKey.equals(key) || !secretKey.equals(secret)) {
            return reply(Map.of("code", "087", "response_description", "INVALID CREDENTIALS"));
        }
        Faults.Kind fault = faults.take(PROVIDER, "requery");
        if (fault != null) {
            record.call(PROVIDER, "requery", requestId, null, "fault:" + fault);
            return injected(fault, http);
        }
        Transaction tx = transactions.get(requestId);
        if (tx == null) {
            record.call(PROVIDER, "requery", requestId, null, "015");
            return reply(Map.of("code", "015", "response_description", "INVALID REQUEST ID"));
        }
        String account = str(tx.request.get("billersCode")) != null ? str(tx.request.get("billersCode"))
                : str(tx.request.get("phone"));
        String behaviour = behaviour(account);
        if ("pending".equals(tx.status) && tx.requeries.incrementAndGet() > pendingRequeries) {
            if ("pending".equals(behaviour)) {
                tx.status = "delivered";
            } else if ("pending-fail".equals(behaviour)) {
                tx.status = "failed";
            }
        }
        record.call(PROVIDER, "requery", requestId, account, tx.status);
        return reply(render(tx, "requery"));
    }

    @PostMapping(path = "/merchant-verify", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> verify(@RequestHeader(name = "api-key", required = false) String key,
                                               @RequestHeader(name = "secret-key", required = false) String secret,
                                               @RequestBody Map<String, Object> body) {
        if (!apiKey.equals(key) || !secretKey.equals(secret)) {
            return reply(Map.of("code", "087", "response_description", "INVALID CREDENTIALS"));
        }
        String account = str(body.get("billersCode"));
        record.call(PROVIDER, "verify", null, account, "verify");
        Map<String, Object> content = new LinkedHashMap<>();
        if (DELIVERED.contains(account) || (account != null && account.startsWith("0801111"))) {
            content.put("Customer_Name", "TESTMETER1");
            content.put("Address", "ABULE - EGBA BU ABULE");
            content.put("Meter_Number", account);
            content.put("Customer_Arrears", "1000.00");
            content.put("Minimum_Amount", "500");
            content.put("Can_Vend", "yes");
            content.put("Meter_Type", "postpaid".equals(str(body.get("type"))) ? "POSTPAID" : "PREPAID");
            content.put("WrongBillersCode", false);
        } else {
            // VTpass answers 000 for a wrong number too, with an error inside.
            content.put("error", "This meter is not correct or is not a valid " + str(body.get("serviceID")) + " meter");
            content.put("WrongBillersCode", true);
        }
        return reply(Map.of("code", "000", "content", content));
    }

    @GetMapping(path = "/service-variations", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> variations(@RequestHeader(name = "api-key", required = false) String key,
                                                   @RequestHeader(name = "public-key", required = false) String pub,
                                                   @RequestParam("serviceID") String serviceId) {
        if (!apiKey.equals(key) || !publicKey.equals(pub)) {
            return reply(Map.of("code", "087", "response_description", "INVALID CREDENTIALS"));
        }
        List<Map<String, Object>> variations = switch (serviceId) {
            case "mtn-data" -> List.of(variation("mtn-10mb-100", "N100 100MB - 24 hrs", "100.00"),
                    variation("mtn-50mb-200", "N200 200MB - 2 days", "200.00"),
                    variation("mtn-100mb-1000", "N1000 1.5GB - 30 days", "1000.00"));
            case "dstv" -> List.of(variation("dstv-padi", "DStv Padi N2,900", "2900.00"),
                    variation("dstv-yanga", "DStv Yanga N3,500", "3500.00"));
            default -> List.of();
        };
        return reply(Map.of("response_description", "000", "content", Map.of("ServiceName", serviceId,
                "serviceID", serviceId, "convinience_fee", "0 %", "variations", variations)));
    }

    private static Map<String, Object> variation(String code, String name, String amount) {
        return Map.of("variation_code", code, "name", name, "variation_amount", amount, "fixedPrice", "Yes");
    }

    static String behaviour(String account) {
        if (account == null) {
            return "failed";
        }
        if (DELIVERED.contains(account) || account.startsWith("0801111")) {
            return "delivered";
        }
        if (account.equals("201000000000") || account.startsWith("2010")) {
            return "pending";
        }
        if (account.startsWith("2020")) {
            return "pending-fail";
        }
        if (account.startsWith("2030")) {
            return "pending-forever";
        }
        if (account.startsWith("5000")) {
            return "unexpected";
        }
        if (account.startsWith("4000")) {
            return "no-response";
        }
        if (account.startsWith("3000")) {
            return "timeout";
        }
        return "failed";
    }

    private static String checkRequestId(String requestId) {
        if (requestId == null || requestId.length() < 12 || !requestId.substring(0, 12).chars().allMatch(Character::isDigit)) {
            return "does not start with a 12-digit date and time";
        }
        LocalDateTime stamped;
        try {
            stamped = LocalDateTime.parse(requestId.substring(0, 12), REQUEST_ID_PREFIX);
        } catch (RuntimeException e) {
            return "not a proper date format";
        }
        if (!stamped.toLocalDate().equals(LocalDateTime.now(LAGOS).toLocalDate())) {
            return "date is not today's date in Africa/Lagos";
        }
        return null;
    }

    private Map<String, Object> render(Transaction tx, String behaviour) {
        Map<String, Object> req = tx.request;
        String serviceId = str(req.get("serviceID"));
        String account = str(req.get("billersCode")) != null ? str(req.get("billersCode")) : str(req.get("phone"));
        String amount = str(req.get("amount"));
        Map<String, Object> transactions = new LinkedHashMap<>();
        transactions.put("status", tx.status);
        transactions.put("product_name", serviceId);
        transactions.put("unique_element", account);
        transactions.put("unit_price", amount);
        transactions.put("quantity", 1);
        transactions.put("commission", commission(amount));
        transactions.put("total_amount", amount);
        transactions.put("type", serviceId);
        transactions.put("phone", str(req.get("phone")));
        transactions.put("amount", amount);
        transactions.put("platform", "api");
        transactions.put("method", "api");
        transactions.put("channel", "api");
        transactions.put("transactionId", tx.transactionId);
        Map<String, Object> out = new LinkedHashMap<>();
        if ("failed".equals(tx.status)) {
            out.put("code", "016");
            out.put("response_description", "TRANSACTION FAILED");
        } else if ("pending".equals(tx.status)) {
            out.put("code", "pending".equals(behaviour) && !"requery".equals(behaviour) ? "099" : "000");
            out.put("response_description", "TRANSACTION IS PROCESSING");
        } else {
            out.put("code", "000");
            out.put("response_description", "TRANSACTION SUCCESSFUL");
        }
        out.put("content", Map.of("transactions", transactions));
        out.put("requestId", tx.requestId);
        out.put("amount", amount);
        out.put("transaction_date", tx.at.toString());
        if ("delivered".equals(tx.status)) {
            String variation = str(req.get("variation_code"));
            if (serviceId != null && serviceId.endsWith("-electric") && "prepaid".equals(variation)) {
                String token = token(tx.requestId);
                out.put("purchased_code", "Token : " + token);
                out.put("token", "Token : " + token);
                out.put("units", "79.9 kWh");
                out.put("customerName", "TESTMETER1");
                out.put("tariff", "R2 SINGLE PHASE");
                out.put("taxAmount", "0.00");
            } else if ("jamb".equals(serviceId) || "waec".equals(serviceId)) {
                String pin = token(tx.requestId).substring(0, 12);
                out.put("purchased_code", "Pin : " + pin);
                out.put("cards", List.of(Map.of("Serial", "WRN" + tx.transactionId, "Pin", pin)));
            } else {
                out.put("purchased_code", "");
            }
        }
        return out;
    }

    private static String commission(String amount) {
        try {
            return new BigDecimal(amount).multiply(new BigDecimal("0.02")).setScale(2, java.math.RoundingMode.HALF_UP)
                    .toPlainString();
        } catch (RuntimeException e) {
            return "0";
        }
    }

    /** A 20-digit STS-style token derived from the request, so a requery shows the same token. */
    private static String token(String requestId) {
        long h = Math.abs((long) requestId.hashCode() * 2_654_435_761L);
        String digits = String.format("%020d", h % 100_000_000_000_000_000L);
        return digits.substring(0, 4) + " " + digits.substring(4, 8) + " " + digits.substring(8, 12) + " "
                + digits.substring(12, 16) + " " + digits.substring(16, 20);
    }

    private Mono<ResponseEntity<Object>> reply(Object body) {
        return Mono.delay(latency.of(PROVIDER)).thenReturn(ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(body));
    }

    private Mono<ResponseEntity<Object>> injected(Faults.Kind fault, ServerHttpRequest http) {
        return switch (fault) {
            case SERVER_ERROR -> Mono.just(ResponseEntity.status(HttpStatus.BAD_GATEWAY).body("Bad Gateway"));
            case CONNECTION_REFUSED_STYLE_503 -> Mono.just(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .body("Service Unavailable"));
            case TOO_MANY_REQUESTS -> Mono.just(ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body("Too Many Requests"));
            case GARBAGE -> Mono.just(ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body("{\"code\": 0"));
            case CONNECTION_RESET -> Mono.defer(() -> {
                Faults.reset(http);
                return Mono.empty();
            });
            case TIMEOUT_AFTER_PROCESSING -> Mono.delay(timeoutDelay).thenReturn(ResponseEntity.ok().body("{}"));
        };
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
