package com.vendstream.sandbox.pagamio;

import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Replies;
import com.vendstream.sandbox.core.Resettable;
import com.vendstream.sandbox.core.SandboxSettings;
import com.vendstream.sandbox.core.SandboxTransaction;
import com.vendstream.sandbox.core.Scenario;
import com.vendstream.sandbox.core.ScenarioRegistry;
import com.vendstream.sandbox.core.ScenarioTable;
import com.vendstream.sandbox.core.Throttle;
import com.vendstream.sandbox.core.Transactions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Pagamio VAS API (docs/providers.md, Pagamio; seed 001): bearer tokens with refresh, catalogue per merchant,
 * lookups, idempotent purchase by merchantReference (409 for the same reference with another body),
 * 10 purchases a minute per token, and POST /transactions for status and end-of-day reports.
 */
@RestController
@RequestMapping("/pagamio/api/v1")
public class PagamioSandbox implements Resettable {

    public static final String PROVIDER = "pagamio";
    static final ZoneId SAST = ZoneId.of("Africa/Johannesburg");

    /**
     * Pagamio documents test meters but not what each does, so the sandbox gives them outcomes; the DSTV
     * test account 81715524 (and 93888880 of the sample payload) succeeds.
     */
    public static final ScenarioTable SCENARIOS = ScenarioTable.builder()
            .exact("000001020001", Scenario.SUCCESS)
            .exact("00001100000", Scenario.SUCCESS)
            .exact("00001000000", Scenario.SUCCESS)
            .exact("00000100000", Scenario.SUCCESS)
            .exact("00000100100", Scenario.PENDING_THEN_SUCCESS)
            .exact("00000110000", Scenario.PENDING_THEN_FAIL)
            .exact("00000100110", Scenario.FAIL)
            .exact("00000110100", Scenario.TIMEOUT_AFTER_PROCESSING)
            .exact("00200100000", Scenario.CONNECTION_RESET)
            .exact("0020110000", Scenario.SERVER_ERROR)
            .exact("00201100000", Scenario.INSUFFICIENT_FLOAT)
            .exact("00000210011", Scenario.PENDING_FOREVER)
            .exact("00000130000", Scenario.GARBAGE)
            .exact("81715524", Scenario.SUCCESS)
            .exact("93888880", Scenario.SUCCESS)
            .exact("+27820000000", Scenario.SUCCESS)
            .prefix("+2782", Scenario.SUCCESS)
            .prefix("+2783", Scenario.FAIL)
            .otherwise(Scenario.SUCCESS)
            .build();

    record Product(String code, String name, String shortName, String category, String brand, BigDecimal min,
                   BigDecimal max, BigDecimal fixed) {
    }

    static final Map<String, Product> PRODUCTS = Map.of(
            "AIR-VOD-001", new Product("AIR-VOD-001", "Vodacom Airtime", "Vodacom", "Airtime", "Vodacom",
                    new BigDecimal("5"), new BigDecimal("1000"), null),
            "AIR-MTN-001", new Product("AIR-MTN-001", "MTN Airtime", "MTN", "Airtime", "MTN", new BigDecimal("5"),
                    new BigDecimal("1000"), null),
            "ELE-ESK-001", new Product("ELE-ESK-001", "Eskom Prepaid Electricity", "Eskom", "Electricity", "Eskom",
                    new BigDecimal("10"), new BigDecimal("3000"), null),
            "ELE-FLS-001", new Product("ELE-FLS-001", "Flash Electricity", "Flash", "Electricity", "Flash",
                    new BigDecimal("10"), new BigDecimal("3000"), null),
            "BIL-DST-001", new Product("BIL-DST-001", "DStv Bill Payment", "DStv", "Bill Payment", "DStv",
                    new BigDecimal("10"), new BigDecimal("5000"), null),
            "VOU-NFX-001", new Product("VOU-NFX-001", "Netflix Voucher R99", "Netflix", "Vouchers", "Netflix",
                    null, null, new BigDecimal("99")));

    /** Products activated per merchant; the sandbox merchant has all but the Netflix voucher. */
    static final List<String> ACTIVE = List.of("AIR-VOD-001", "AIR-MTN-001", "ELE-ESK-001", "ELE-FLS-001", "BIL-DST-001");

    /**
     * A sub-merchant fixture whose parent activated everything but who may sell airtime only, so
     * per-sub-merchant availability can be seen without setup. Others inherit every parent product
     * until the admin API switches one off.
     */
    public static final String AIRTIME_ONLY_SUB_MERCHANT = "SUB-AIRTIME-ONLY";

    /** Products switched off per sub-merchant (sub-merchants inherit the parent's products minus these). */
    private final Map<String, java.util.Set<String>> inactive = new ConcurrentHashMap<>();

    private record Session(String user, String refreshToken, Instant expires) {
    }

    private final Map<String, Session> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final CallRecord record;
    private final Faults faults;
    private final Replies replies;
    private final Transactions transactions;
    private final Throttle throttle;
    private final SandboxSettings settings;

    public PagamioSandbox(CallRecord record, Faults faults, Replies replies, Transactions transactions,
                          Throttle throttle, SandboxSettings settings, ScenarioRegistry registry) {
        this.record = record;
        this.faults = faults;
        this.replies = replies;
        this.transactions = transactions;
        this.throttle = throttle;
        this.settings = settings;
        registry.register(PROVIDER, SCENARIOS);
        reset();
    }

    /** Switches one product on or off for a sub-merchant (sandbox admin). */
    void setActive(String subMerchant, String productCode, boolean active) {
        java.util.Set<String> off = inactive.computeIfAbsent(subMerchant, k -> ConcurrentHashMap.newKeySet());
        if (active) {
            off.remove(productCode);
        } else {
            off.add(productCode);
        }
    }

    @Override
    public void reset() {
        tokens.clear();
        refreshTokens.clear();
        inactive.clear();
        inactive.put(AIRTIME_ONLY_SUB_MERCHANT, ConcurrentHashMap.newKeySet());
        ACTIVE.stream().filter(code -> !code.startsWith("AIR-")).forEach(inactive.get(AIRTIME_ONLY_SUB_MERCHANT)::add);
    }

    private String merchantId() {
        return settings.string(PROVIDER, "merchant-id", "MER-1001");
    }

    private Mono<ResponseEntity<Object>> issue(String user) {
        Duration ttl = settings.duration(PROVIDER, "token-ttl", Duration.ofMinutes(30));
        String token = "pgm_" + UUID.randomUUID().toString().replace("-", "");
        String refresh = "pgr_" + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, new Session(user, refresh, transactions.now().plus(ttl)));
        refreshTokens.put(refresh, user);
        // The API reference's reply: no account id in it (clients configure theirs).
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("token", token);
        data.put("refreshToken", refresh);
        data.put("expiresIn", ttl.toSeconds());
        return replies.ok(PROVIDER, Map.of("successful", true, "data", data));
    }

    private Mono<ResponseEntity<Object>> forbidden(String message) {
        return replies.status(PROVIDER, 403, Map.of("success", false, "error", Map.of("code", 403, "message", message)));
    }

    private static Mono<ResponseEntity<Object>> unauthorized(Replies replies, String message) {
        return replies.status(PROVIDER, 401, Map.of("successful", false, "error", Map.of("code", 401, "message", message)));
    }

    @PostMapping(path = "/auth/token", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> token(@RequestBody Map<String, Object> body, ServerHttpRequest http) {
        Scenario fault = faults.take(PROVIDER, "auth");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "auth", null, null, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, unauthorized(replies, "unavailable"),
                    Map.of("error", "Too Many Requests", "message", "Rate limit exceeded for /auth/token"));
        }
        boolean ok = settings.string(PROVIDER, "username", "sandbox-merchant").equals(str(body.get("username")))
                && settings.string(PROVIDER, "password", "sandbox-password").equals(str(body.get("password")));
        record.call(PROVIDER, "auth", null, null, ok ? "200" : "401");
        return ok ? issue(str(body.get("username"))) : unauthorized(replies, "Invalid username or password");
    }

    @PostMapping(path = "/auth/token/refresh", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> refresh(@RequestBody Map<String, Object> body) {
        String user = refreshTokens.remove(String.valueOf(body.get("refreshToken")));
        record.call(PROVIDER, "refresh", null, null, user != null ? "200" : "401");
        return user != null ? issue(user) : unauthorized(replies, "Invalid refresh token");
    }

    /** The session behind a bearer token, or null when missing or expired. */
    private String session(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String token = authorization.substring(7).trim();
        Session s = tokens.get(token);
        if (s == null || !transactions.now().isBefore(s.expires())) {
            return null;
        }
        return token;
    }

    @GetMapping(path = "/merchants/{id}/products", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> products(@RequestHeader(name = "Authorization", required = false) String auth,
                                                 @PathVariable String id) {
        if (session(auth) != null && !merchantId().equals(id)) {
            record.call(PROVIDER, "catalog", null, null, "403");
            return forbidden("Not allowed to view products of merchant " + id);
        }
        return listing(auth, java.util.Set.of());
    }

    @GetMapping(path = "/sub-merchants/{id}/products", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> subMerchantProducts(@RequestHeader(name = "Authorization", required = false) String auth,
                                                            @PathVariable String id) {
        return listing(auth, inactive.getOrDefault(id, java.util.Set.of()));
    }

    private Mono<ResponseEntity<Object>> listing(String auth, java.util.Set<String> off) {
        if (session(auth) == null) {
            return unauthorized(replies, "Token expired or invalid");
        }
        record.call(PROVIDER, "catalog", null, null, "200");
        List<Map<String, Object>> out = new ArrayList<>();
        for (String code : ACTIVE.stream().filter(c -> !off.contains(c)).toList()) {
            Product p = PRODUCTS.get(code);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("productCode", p.code());
            m.put("name", p.name());
            m.put("categoryName", p.category());
            m.put("brandName", p.brand());
            m.put("minAmount", p.min());
            m.put("maxAmount", p.max());
            m.put("fixedAmount", p.fixed());
            m.put("active", true);
            out.add(m);
        }
        return replies.ok(PROVIDER, Map.of("successful", true, "data", out));
    }

    @GetMapping(path = "/products/categories", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> categories(@RequestHeader(name = "Authorization", required = false) String auth) {
        if (session(auth) == null) {
            return unauthorized(replies, "Token expired or invalid");
        }
        record.call(PROVIDER, "catalog", null, null, "200");
        return replies.ok(PROVIDER, Map.of("successful", true, "data", List.of(
                Map.of("id", 1, "name", "Airtime"), Map.of("id", 2, "name", "Electricity"),
                Map.of("id", 3, "name", "Bill Payment"), Map.of("id", 4, "name", "Vouchers"))));
    }

    @GetMapping(path = "/products/categories/{id}/fields", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> fields(@RequestHeader(name = "Authorization", required = false) String auth,
                                               @PathVariable int id) {
        if (session(auth) == null) {
            return unauthorized(replies, "Token expired or invalid");
        }
        record.call(PROVIDER, "catalog", null, null, "200");
        Map<String, Object> data = switch (id) {
            case 1 -> Map.of("fields", List.of(Map.of("name", "mobileNumber", "type", "string", "required", true)),
                    "receiptFields", List.of("receipt.amount", "receipt.mobileNumber", "receipt.receiptNumber"));
            case 2 -> Map.of("fields", List.of(Map.of("name", "meterNumber", "type", "string", "required", true)),
                    "receiptFields", List.of("receipt.tokens[0].token", "receipt.tokens[0].quantity",
                            "receipt.tokens[0].unit", "receipt.amount", "receipt.meterNumber", "receipt.receiptNumber"));
            case 3 -> Map.of("fields", List.of(Map.of("name", "accountNumber", "type", "string", "required", true)),
                    "receiptFields", List.of("receipt.amount", "receipt.accountNumber", "receipt.receiptNumber"));
            default -> Map.of("fields", List.of(), "receiptFields", List.of("receipt.items[0].pin"));
        };
        return replies.ok(PROVIDER, Map.of("successful", true, "data", data));
    }

    @PostMapping(path = {"/lookup/electricity", "/lookup/bill-payment"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> lookup(@RequestHeader(name = "Authorization", required = false) String auth,
                                               @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        if (session(auth) == null) {
            return unauthorized(replies, "Token expired or invalid");
        }
        String account = str(body.get("meterNumber")) != null ? str(body.get("meterNumber")) : str(body.get("accountNumber"));
        Scenario fault = faults.take(PROVIDER, "verify");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "verify", null, account, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, errorCode("1202", "Provider unavailable"), null);
        }
        if (account == null || !account.matches("\\d{8,13}")) {
            record.call(PROVIDER, "verify", null, account, "1104");
            return errorCode(http.getPath().value().endsWith("electricity") ? "1104" : "1101",
                    http.getPath().value().endsWith("electricity") ? "Invalid meter number" : "Account not found");
        }
        record.call(PROVIDER, "verify", null, account, "0");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("customerName", "T SANDBOX");
        data.put("accountNumber", account);
        data.put("meterNumber", account);
        data.put("utility", "Eskom Direct");
        data.put("outstandingAmount", "0.00");
        data.put("valid", true);
        return replies.ok(PROVIDER, Map.of("responseCode", "0", "responseMessage", "Lookup successful",
                "successful", true, "data", data));
    }

    private Mono<ResponseEntity<Object>> errorCode(String code, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("responseCode", code);
        out.put("responseMessage", message);
        out.put("successful", false);
        out.put("responseDateTime", java.time.LocalDateTime.now(SAST).toString());
        return replies.ok(PROVIDER, out);
    }

    @PostMapping(path = "/purchase", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> purchase(@RequestHeader(name = "Authorization", required = false) String auth,
                                                 @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String reference = str(body.get("merchantReference"));
        String account = account(body);
        String token = session(auth);
        if (token == null) {
            record.call(PROVIDER, "vend", reference, account, "401");
            return unauthorized(replies, "Token expired or invalid");
        }
        Scenario fault = faults.take(PROVIDER, "vend");
        int perMinute = settings.integer(PROVIDER, "purchases-per-minute", 10);
        if (fault == Scenario.TOO_MANY_REQUESTS || !throttle.perMinute(PROVIDER, token, perMinute, transactions.now())) {
            record.call(PROVIDER, "vend", reference, account, "429");
            return replies.status(PROVIDER, 429, Map.of("error", "Too Many Requests",
                    "message", "Rate limit exceeded for /purchase"));
        }
        if (reference == null || reference.isBlank()) {
            record.call(PROVIDER, "vend", reference, account, "1001");
            return errorCode("1001", "Required fields missing: merchantReference");
        }
        SandboxTransaction existing = transactions.find(PROVIDER, reference);
        if (existing != null) {
            // Idempotent by merchantReference: the original's result, or 409 if the body differs.
            if (!Objects.equals(existing.details().get("request"), canonical(body))) {
                record.call(PROVIDER, "vend", reference, account, "409");
                return replies.status(PROVIDER, 409, Map.of("responseCode", "409", "responseMessage",
                        "Duplicate merchantReference with different content", "successful", false));
            }
            record.call(PROVIDER, "vend", reference, account, "original");
            return replies.ok(PROVIDER, render(existing));
        }
        Product product = PRODUCTS.get(str(body.get("productCode")));
        if (product == null) {
            record.call(PROVIDER, "vend", reference, account, "1000");
            return errorCode("1000", "Product not supported");
        }
        if (!ACTIVE.contains(product.code())) {
            record.call(PROVIDER, "vend", reference, account, "1009");
            return errorCode("1009", "This product is not available for your account");
        }
        if (body.get("channelId") == null || body.get("paymentMethod") == null || account == null) {
            record.call(PROVIDER, "vend", reference, account, "1001");
            return errorCode("1001", "Required fields missing");
        }
        if ("Airtime".equals(product.category()) && !account.matches("\\+27\\d{9}")) {
            record.call(PROVIDER, "vend", reference, account, "1005");
            return errorCode("1005", "Invalid phone number format");
        }
        BigDecimal amount;
        try {
            // "Amount in ZAR", a number in the API reference (200.00); a string is not that.
            if (!(body.get("amount") instanceof Number)) {
                throw new NumberFormatException("amount is not a JSON number");
            }
            amount = new BigDecimal(str(body.get("amount")));
        } catch (RuntimeException e) {
            record.call(PROVIDER, "vend", reference, account, "1008");
            return errorCode("1008", "Invalid fields format: amount");
        }
        if (product.fixed() != null ? amount.compareTo(product.fixed()) != 0
                : amount.compareTo(product.min()) < 0 || amount.compareTo(product.max()) > 0) {
            record.call(PROVIDER, "vend", reference, account, "1004");
            return errorCode("1004", "Invalid purchase amount");
        }
        Scenario scenario = fault != null ? fault : SCENARIOS.of(account);
        if (scenario == Scenario.INSUFFICIENT_FLOAT) {
            record.call(PROVIDER, "vend", reference, account, "1103");
            // The error-code reference page's shape, the other one Pagamio uses.
            return replies.status(PROVIDER, 400, Map.of("success", false, "error",
                    Map.of("code", 1103, "message", "Insufficient balance")));
        }
        if (scenario == Scenario.THROTTLED) {
            record.call(PROVIDER, "vend", reference, account, "1107");
            return errorCode("1107", "Meter request not allowed");
        }
        long minor = amount.movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
        Map<String, Object> canonical = canonical(body);
        Transactions.Created created = transactions.create(PROVIDER, reference, () -> {
            SandboxTransaction tx = new SandboxTransaction(PROVIDER, reference, UUID.randomUUID().toString(),
                    product.code(), account, minor, "ZAR", scenario, transactions.now());
            tx.details().put("request", canonical);
            return tx;
        });
        SandboxTransaction tx = created.transaction();
        if (!created.fresh()) {
            record.call(PROVIDER, "vend", reference, account, "original");
            return replies.ok(PROVIDER, render(tx));
        }
        Map<String, Object> reply = render(tx);
        record.call(PROVIDER, "vend", reference, account, scenario.isTransportFault() ? "fault:" + scenario
                : (String) reply.get("responseCode"));
        if (scenario.isTransportFault()) {
            return replies.transport(PROVIDER, scenario, http, replies.ok(PROVIDER, reply), null);
        }
        return replies.ok(PROVIDER, reply);
    }

    /**
     * Status and reports. {@code keyWord} matches a merchantReference or transactionId exactly (how to
     * find one transaction is not documented; this is the sandbox's choice); {@code startDate} and
     * {@code endDate} (yyyy-MM-dd, SAST) are the seed's date filter.
     */
    @PostMapping(path = "/transactions", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> transactions(@RequestHeader(name = "Authorization", required = false) String auth,
                                                     @RequestParam(required = false) String userType,
                                                     @RequestParam(required = false) String userTypeId,
                                                     @RequestParam(required = false) Integer status,
                                                     @RequestParam(required = false) String keyWord,
                                                     @RequestParam(required = false) LocalDate startDate,
                                                     @RequestParam(required = false) LocalDate endDate,
                                                     @RequestParam(defaultValue = "false") boolean exportAll,
                                                     @RequestParam(defaultValue = "0") int page,
                                                     @RequestParam(defaultValue = "20") int size,
                                                     ServerHttpRequest http) {
        if (session(auth) == null) {
            return unauthorized(replies, "Token expired or invalid");
        }
        String operation = keyWord != null ? "requery" : "report";
        if (userType == null || userTypeId == null) {
            record.call(PROVIDER, operation, keyWord, null, "400");
            return replies.status(PROVIDER, 400, Map.of("success", false, "error",
                    Map.of("code", 1001, "message", "userType and userTypeId are required")));
        }
        // Our merchant, or one of its sub-merchants (the sandbox does not model whose purchase is whose).
        boolean ours = "MERCHANT".equals(userType) ? merchantId().equals(userTypeId)
                : "SUB_MERCHANT".equals(userType) && userTypeId.matches("[A-Za-z0-9_-]{1,64}");
        if (!ours) {
            record.call(PROVIDER, operation, keyWord, null, "403");
            return forbidden("Not allowed to view transactions of " + userType + " " + userTypeId);
        }
        Scenario fault = faults.take(PROVIDER, operation);
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, operation, keyWord, null, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, replies.ok(PROVIDER, Map.of("content", List.of())), null);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant now = transactions.now();
        for (SandboxTransaction tx : transactions.list(PROVIDER, null, SAST)) {
            LocalDate day = tx.createdAt().atZone(SAST).toLocalDate();
            if ((startDate != null && day.isBefore(startDate)) || (endDate != null && day.isAfter(endDate))) {
                continue;
            }
            if (keyWord != null && !keyWord.equals(tx.reference()) && !keyWord.equals(tx.providerTransactionId())) {
                continue;
            }
            if (keyWord != null) {
                tx.requery(settings.pendingPolicy(PROVIDER), now);
            } else {
                tx.settle(settings.pendingPolicy(PROVIDER), now);
            }
            Map<String, Object> row = row(tx);
            if (status != null && !status.equals(((Map<?, ?>) row.get("status")).get("code"))) {
                continue;
            }
            rows.add(row);
        }
        int total = rows.size();
        List<Map<String, Object>> pageRows = exportAll ? rows
                : rows.subList(Math.min(total, page * size), Math.min(total, (page + 1) * size));
        record.call(PROVIDER, operation, keyWord, null, "200/" + pageRows.size());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("content", pageRows);
        out.put("totalElements", total);
        out.put("totalPages", exportAll || size == 0 ? 1 : (total + size - 1) / size);
        out.put("number", exportAll ? 0 : page);
        out.put("size", exportAll ? total : size);
        return replies.ok(PROVIDER, out);
    }

    private Map<String, Object> row(SandboxTransaction tx) {
        Product p = PRODUCTS.get(tx.operation());
        int code = switch (tx.status()) {
            case SUCCEEDED -> 0;
            case PENDING -> tx.requeries() == 0 ? 1 : 2;
            case FAILED -> 3;
        };
        String label = switch (code) {
            case 0 -> "COMPLETED";
            case 1 -> "PENDING";
            case 2 -> "PROCESSING";
            default -> "FAILED";
        };
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", Math.abs(tx.providerTransactionId().hashCode()));
        row.put("status", Map.of("code", code, "label", label, "description", label.charAt(0)
                + label.substring(1).toLowerCase(), "badgeColor", code == 0 ? "green" : code == 3 ? "red" : "orange"));
        row.put("productName", p.name());
        row.put("productShortName", p.shortName());
        row.put("quantity", 1);
        BigDecimal amount = BigDecimal.valueOf(tx.amountMinor(), 2);
        row.put("price", amount);
        row.put("totalAmount", amount);
        row.put("transactionId", tx.providerTransactionId());
        row.put("merchantReference", tx.reference());
        row.put("responseDate", tx.createdAt().atZone(SAST).toLocalDateTime().toString());
        row.put("brandName", p.brand());
        row.put("categoryName", p.category());
        row.put("channelName", "API");
        row.put("merchantName", "Sandbox Merchant");
        if (code == 0) {
            row.put("receipt", receipt(tx));
        }
        return row;
    }

    private Map<String, Object> render(SandboxTransaction tx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("transactionId", tx.providerTransactionId());
        String code;
        String message;
        switch (tx.status()) {
            case SUCCEEDED -> {
                code = "0";
                message = "Purchase successful";
            }
            case FAILED -> {
                code = "1203";
                message = "Transaction failed at provider";
            }
            default -> {
                code = tx.scenario() == Scenario.PENDING_THEN_FAIL ? "1200" : "1204";
                message = "1200".equals(code) ? "Provider processing error" : "Transaction timeout";
            }
        }
        out.put("responseCode", code);
        out.put("responseMessage", message);
        out.put("responseDateTime", tx.createdAt().atZone(SAST).toLocalDateTime().toString());
        out.put("successful", "0".equals(code));
        if ("0".equals(code)) {
            out.put("receipt", receipt(tx));
        }
        return out;
    }

    private static Map<String, Object> receipt(SandboxTransaction tx) {
        Product p = PRODUCTS.get(tx.operation());
        Map<String, Object> r = new LinkedHashMap<>();
        // Pagamio's receipt amount reads like cents (R200 -> 20000); the sandbox keeps that.
        r.put("amount", tx.amountMinor());
        r.put("receiptNumber", "RCP" + Math.abs(tx.reference().hashCode()));
        if ("Electricity".equals(p.category())) {
            r.put("meterNumber", tx.account());
            r.put("aggregator", "BLUE_LABEL");
            r.put("name", "T SANDBOX");
            r.put("utility", "Eskom Direct");
            BigDecimal kwh = BigDecimal.valueOf(tx.amountMinor(), 2).multiply(new BigDecimal("0.3057"))
                    .setScale(2, RoundingMode.HALF_UP);
            String digits = String.format("%020d", Math.floorMod((long) tx.reference().hashCode() * 48_271L,
                    100_000_000_000_000_000L));
            r.put("tokens", List.of(Map.of("token", digits, "tokenDescription", "Electricity Credit", "quantity",
                    kwh, "unit", "kWh", "free", false)));
            r.put("fixedCosts", List.of(Map.of("description", "VAT 15%")));
        } else if ("Airtime".equals(p.category())) {
            r.put("mobileNumber", tx.account());
        } else {
            r.put("accountNumber", tx.account());
        }
        return r;
    }

    private static Map<String, Object> canonical(Map<String, Object> body) {
        Map<String, Object> m = new LinkedHashMap<>();
        body.forEach((k, v) -> m.put(k, v == null ? null : v.toString()));
        return m;
    }

    private static String account(Map<String, Object> body) {
        for (String k : new String[] {"meterNumber", "accountNumber", "mobileNumber"}) {
            String v = str(body.get(k));
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
