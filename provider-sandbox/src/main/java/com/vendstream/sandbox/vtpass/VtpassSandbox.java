package com.vendstream.sandbox.vtpass;

import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Replies;
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
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
 * VTpass's API (sandbox.vtpass.com/api, docs/providers.md, VTpass): static keys, request_id rules (12-digit
 * Africa/Lagos date-time prefix, 085 if wrong, 014 if reused), 019 for the same service and biller
 * code within the duplicate window, 000 with an inner transaction status, requery by request_id.
 * Magic accounts: see {@link #SCENARIOS} and the module README.
 */
@RestController
@RequestMapping("/vtpass/api")
public class VtpassSandbox {

    public static final String PROVIDER = "vtpass";
    private static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");
    private static final DateTimeFormatter REQUEST_ID_PREFIX = DateTimeFormatter.ofPattern("yyyyMMddHHmm");

    /** VTpass's documented sandbox values first, then our extensions; any other account fails (016). */
    public static final ScenarioTable SCENARIOS = ScenarioTable.builder()
            .exact("08011111111", Scenario.SUCCESS)
            .exact("201000000000", Scenario.PENDING_THEN_SUCCESS)
            .exact("500000000000", Scenario.GARBAGE)
            .exact("400000000000", Scenario.CONNECTION_RESET)
            .exact("300000000000", Scenario.TIMEOUT_AFTER_PROCESSING)
            .exact("1111111111111", Scenario.SUCCESS)
            .exact("1010101010101", Scenario.SUCCESS)
            .exact("1212121212", Scenario.SUCCESS)
            .prefix("2010", Scenario.PENDING_THEN_SUCCESS)
            .prefix("2020", Scenario.PENDING_THEN_FAIL)
            .prefix("2030", Scenario.PENDING_FOREVER)
            .prefix("5000", Scenario.GARBAGE)
            .prefix("4000", Scenario.CONNECTION_RESET)
            .prefix("3000", Scenario.TIMEOUT_AFTER_PROCESSING)
            .prefix("6000", Scenario.SERVER_ERROR)
            .prefix("0180", Scenario.INSUFFICIENT_FLOAT)
            .prefix("0190", Scenario.THROTTLED)
            .prefix("0801111", Scenario.SUCCESS)
            .prefix("0801", Scenario.SUCCESS)
            .otherwise(Scenario.FAIL)
            .build();

    private final CallRecord record;
    private final Faults faults;
    private final Replies replies;
    private final Transactions transactions;
    private final Throttle throttle;
    private final SandboxSettings settings;

    public VtpassSandbox(CallRecord record, Faults faults, Replies replies, Transactions transactions,
                         Throttle throttle, SandboxSettings settings, ScenarioRegistry registry) {
        this.record = record;
        this.faults = faults;
        this.replies = replies;
        this.transactions = transactions;
        this.throttle = throttle;
        this.settings = settings;
        registry.register(PROVIDER, SCENARIOS);
    }

    private boolean postAuth(String key, String secret) {
        return settings.string(PROVIDER, "api-key", "sandbox-api-key").equals(key)
                && settings.string(PROVIDER, "secret-key", "SK_sandbox").equals(secret);
    }

    private boolean getAuth(String key, String pub) {
        return settings.string(PROVIDER, "api-key", "sandbox-api-key").equals(key)
                && settings.string(PROVIDER, "public-key", "PK_sandbox").equals(pub);
    }

    private Mono<ResponseEntity<Object>> code(String code, String description) {
        return replies.ok(PROVIDER, Map.of("code", code, "response_description", description));
    }

    @PostMapping(path = "/pay", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> pay(@RequestHeader(name = "api-key", required = false) String key,
                                            @RequestHeader(name = "secret-key", required = false) String secret,
                                            @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String requestId = str(body.get("request_id"));
        String serviceId = str(body.get("serviceID"));
        String account = account(body);
        if (!postAuth(key, secret)) {
            record.call(PROVIDER, "vend", requestId, account, "087");
            return code("087", "INVALID CREDENTIALS");
        }
        Scenario fault = faults.take(PROVIDER, "vend");
        if (fault == Scenario.TOO_MANY_REQUESTS) {
            record.call(PROVIDER, "vend", requestId, account, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, null, null);
        }
        String problem = checkRequestId(requestId);
        if (problem != null) {
            record.call(PROVIDER, "vend", requestId, account, "085");
            return code("085", "IMPROPER REQUEST ID " + problem);
        }
        if (transactions.find(PROVIDER, requestId) != null) {
            record.call(PROVIDER, "vend", requestId, account, "014");
            return code("014", "REQUEST ID ALREADY EXIST");
        }
        VtpassCatalog.Service service = serviceId == null ? null : VtpassCatalog.SERVICES.get(serviceId);
        if (service == null) {
            record.call(PROVIDER, "vend", requestId, account, "012");
            return code("012", "PRODUCT DOES NOT EXIST");
        }
        String variationCode = str(body.get("variation_code"));
        VtpassCatalog.Variation variation = variationCode == null ? null : service.variation(variationCode);
        BigDecimal amount = decimal(body.get("amount"));
        if (account == null || (service.needsVariation() && variationCode == null)) {
            record.call(PROVIDER, "vend", requestId, account, "011");
            return code("011", "INVALID ARGUMENTS");
        }
        if (service.needsVariation() && variation == null) {
            record.call(PROVIDER, "vend", requestId, account, "010");
            return code("010", "VARIATION CODE DOES NOT EXIST");
        }
        // WAEC result checker and WAEC registration sell `quantity` PINs in one transaction (their
        // VTpass pages list the optional field); other products sell one, whatever is sent.
        int quantity = 1;
        if (VtpassCatalog.takesQuantity(serviceId) && body.get("quantity") != null) {
            Integer q = quantity(body.get("quantity"));
            if (q == null || q < 1) {
                record.call(PROVIDER, "vend", requestId, account, "031");
                return code("031", "BELOW MINIMUM QUANTITY ALLOWED");
            }
            quantity = q;
        }
        BigDecimal unitPrice = amount;
        if (variation != null && variation.amount() != null) {
            // Fixed-price products charge the variation's price whatever amount was sent, once per unit.
            unitPrice = variation.amount();
            amount = unitPrice.multiply(BigDecimal.valueOf(quantity));
        }
        if (amount == null) {
            record.call(PROVIDER, "vend", requestId, account, "011");
            return code("011", "INVALID ARGUMENTS");
        }
        if (amount.compareTo(service.min()) < 0) {
            record.call(PROVIDER, "vend", requestId, account, "013");
            return code("013", "BELOW MINIMUM AMOUNT ALLOWED");
        }
        if (amount.compareTo(service.max()) > 0) {
            record.call(PROVIDER, "vend", requestId, account, "017");
            return code("017", "ABOVE MAXIMUM AMOUNT ALLOWED");
        }
        Scenario scenario = fault != null ? fault : SCENARIOS.of(account);
        if (scenario == Scenario.INSUFFICIENT_FLOAT) {
            record.call(PROVIDER, "vend", requestId, account, "018");
            return code("018", "LOW WALLET BALANCE");
        }
        Duration window = settings.duration(PROVIDER, "duplicate-window", Duration.ofSeconds(30));
        // The documented test values are shared by every test and demo; the 019 guard would make them flaky.
        boolean guarded = !SCENARIOS.isDocumented(account);
        if (scenario == Scenario.THROTTLED
                || (guarded && !throttle.once(PROVIDER, serviceId + "/" + account, window, transactions.now()))) {
            record.call(PROVIDER, "vend", requestId, account, "019");
            return code("019", "LIKELY DUPLICATE TRANSACTION");
        }
        long minor = amount.movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
        Map<String, Object> request = new LinkedHashMap<>(body);
        request.put("charged", amount.setScale(2, RoundingMode.HALF_UP).toPlainString());
        request.put("unit_price", unitPrice.setScale(2, RoundingMode.HALF_UP).toPlainString());
        request.put("vended_quantity", quantity);
        Transactions.Created created = transactions.create(PROVIDER, requestId, () -> {
            SandboxTransaction tx = new SandboxTransaction(PROVIDER, requestId, transactionId(), serviceId, account,
                    minor, "NGN", scenario, transactions.now());
            tx.details().put("request", request);
            return tx;
        });
        if (!created.fresh()) {
            record.call(PROVIDER, "vend", requestId, account, "014");
            return code("014", "REQUEST ID ALREADY EXIST");
        }
        SandboxTransaction tx = created.transaction();
        Map<String, Object> reply = render(tx, false);
        record.call(PROVIDER, "vend", requestId, account, scenario.isTransportFault()
                ? "fault:" + scenario : (String) reply.get("code"));
        if (scenario == Scenario.GARBAGE && fault == null) {
            // VTpass's "unexpected response" test value: 000 without the transaction block.
            return replies.ok(PROVIDER, Map.of("code", "000", "content", "<html>Service temporarily unavailable</html>"));
        }
        if (scenario.isTransportFault()) {
            return replies.transport(PROVIDER, scenario, http, replies.ok(PROVIDER, reply), null);
        }
        return replies.ok(PROVIDER, reply);
    }

    @PostMapping(path = "/requery", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> requery(@RequestHeader(name = "api-key", required = false) String key,
                                                @RequestHeader(name = "secret-key", required = false) String secret,
                                                @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String requestId = str(body.get("request_id"));
        if (!postAuth(key, secret)) {
            record.call(PROVIDER, "requery", requestId, null, "087");
            return code("087", "INVALID CREDENTIALS");
        }
        Scenario fault = faults.take(PROVIDER, "requery");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "requery", requestId, null, "fault:" + fault);
            SandboxTransaction tx = transactions.find(PROVIDER, requestId);
            return replies.transport(PROVIDER, fault, http,
                    tx == null ? code("015", "INVALID REQUEST ID") : replies.ok(PROVIDER, render(tx, true)), null);
        }
        SandboxTransaction tx = transactions.find(PROVIDER, requestId);
        if (tx == null) {
            record.call(PROVIDER, "requery", requestId, null, "015");
            return code("015", "INVALID REQUEST ID");
        }
        tx.requery(settings.pendingPolicy(PROVIDER), transactions.now());
        Map<String, Object> reply = render(tx, true);
        record.call(PROVIDER, "requery", requestId, tx.account(), reply.get("code") + "/" + tx.status());
        return replies.ok(PROVIDER, reply);
    }

    @PostMapping(path = "/merchant-verify", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> verify(@RequestHeader(name = "api-key", required = false) String key,
                                               @RequestHeader(name = "secret-key", required = false) String secret,
                                               @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String account = str(body.get("billersCode"));
        Mono<ResponseEntity<Object>> refused = verifyGate(key, secret, account, http);
        if (refused != null) {
            return refused;
        }
        String serviceId = str(body.get("serviceID"));
        if (serviceId == null || !VtpassCatalog.SERVICES.containsKey(serviceId)) {
            record.call(PROVIDER, "verify", null, account, "012");
            return code("012", "PRODUCT DOES NOT EXIST");
        }
        Map<String, Object> content = new LinkedHashMap<>();
        // Any magic account verifies, so scenario accounts reach the vend; the rest are "wrong".
        boolean valid = account != null && SCENARIOS.isMagic(account);
        if (valid) {
            String type = str(body.get("type"));
            content.put("Customer_Name", "TESTMETER1");
            if (VtpassCatalog.isElectricity(serviceId)) {
                content.put("Address", "ABULE - EGBA BU ABULE");
                content.put("Meter_Number", account);
                content.put("Customer_Arrears", "postpaid".equals(type) ? "1500.00" : "0.00");
                content.put("Minimum_Amount", "500");
                content.put("Min_Purchase_Amount", "500");
                content.put("Can_Vend", "yes");
                content.put("Business_Unit", "ABULE EGBA");
                content.put("Customer_Account_Type", "NMD");
                content.put("Meter_Type", "postpaid".equals(type) ? "POSTPAID" : "PREPAID");
            } else {
                content.put("Status", "ACTIVE");
                content.put("Due_Date", LocalDateTime.now(LAGOS).plusDays(12).toLocalDate().toString());
                content.put("Customer_Number", "275953782");
                content.put("Current_Bouquet", "DStv Compact N10,500");
                content.put("Renewal_Amount", "10500.00");
            }
            content.put("WrongBillersCode", false);
            content.put("commission_details", Map.of("amount", "0.00", "rate", "1.50",
                    "rate_type", "percent", "computation_type", "default"));
        } else {
            // VTpass answers 000 for a wrong number too; the error is inside.
            content.put("error", "This meter is not correct or is not a valid " + serviceId + " meter. Please check"
                    + " and try again");
            content.put("WrongBillersCode", true);
        }
        record.call(PROVIDER, "verify", null, account, valid ? "000" : "000/WrongBillersCode");
        return replies.ok(PROVIDER, Map.of("code", "000", "content", content));
    }

    /** Keys and transport faults for both look-ups: the reply to send instead, or null to go on. */
    private Mono<ResponseEntity<Object>> verifyGate(String key, String secret, String account, ServerHttpRequest http) {
        if (!postAuth(key, secret)) {
            record.call(PROVIDER, "verify", null, account, "087");
            return code("087", "INVALID CREDENTIALS");
        }
        Scenario fault = faults.take(PROVIDER, "verify");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "verify", null, account, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, code("030", "BILLER NOT REACHABLE AT THIS POINT"), null);
        }
        return null;
    }

    /**
     * Smile customers looked up by email (VTpass's Smile Network Payment API page): {@code billersCode}
     * the email, {@code serviceID} smile-direct. Any well-formed email is a customer with one account,
     * except those starting with {@code unknown@}, which answer 000 with an error and
     * {@code WrongBillersCode} as merchant-verify does for a wrong meter.
     */
    @PostMapping(path = "/merchant-verify/smile/email", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> verifySmileEmail(@RequestHeader(name = "api-key", required = false) String key,
                                                         @RequestHeader(name = "secret-key", required = false) String secret,
                                                         @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String email = str(body.get("billersCode"));
        Mono<ResponseEntity<Object>> refused = verifyGate(key, secret, email, http);
        if (refused != null) {
            return refused;
        }
        if (!"smile-direct".equals(str(body.get("serviceID")))) {
            record.call(PROVIDER, "verify", null, email, "012");
            return code("012", "PRODUCT DOES NOT EXIST");
        }
        Map<String, Object> content = new LinkedHashMap<>();
        String normalised = email == null ? "" : email.trim().toLowerCase(java.util.Locale.ROOT);
        boolean valid = normalised.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+") && !normalised.startsWith("unknown@");
        if (valid) {
            // The account id is a magic success account, so a vend to it (billersCode = AccountId) delivers.
            String accountId = "0801" + String.format("%07d", Math.floorMod(normalised.hashCode(), 10_000_000));
            content.put("Customer_Name", "SMILE TESTER");
            content.put("AccountList", Map.of("Account", List.of(Map.of("AccountId", accountId,
                    "FriendlyName", normalised.substring(0, normalised.indexOf('@')).toUpperCase(java.util.Locale.ROOT))),
                    "NumberOfAccounts", 1));
            content.put("WrongBillersCode", false);
        } else {
            content.put("error", "This email is not correct or is not a valid Smile customer email. Please check"
                    + " and try again");
            content.put("WrongBillersCode", true);
        }
        record.call(PROVIDER, "verify", null, email, valid ? "000" : "000/WrongBillersCode");
        return replies.ok(PROVIDER, Map.of("code", "000", "content", content));
    }

    @GetMapping(path = "/service-categories", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> categories(@RequestHeader(name = "api-key", required = false) String key,
                                                   @RequestHeader(name = "public-key", required = false) String pub) {
        if (!getAuth(key, pub)) {
            return code("087", "INVALID CREDENTIALS");
        }
        record.call(PROVIDER, "catalog", null, null, "000");
        List<Map<String, Object>> content = new ArrayList<>();
        VtpassCatalog.CATEGORIES.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> content.add(Map.of("identifier", e.getKey(), "name", e.getValue())));
        return replies.ok(PROVIDER, Map.of("response_description", "000", "content", content));
    }

    @GetMapping(path = "/services", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> services(@RequestHeader(name = "api-key", required = false) String key,
                                                 @RequestHeader(name = "public-key", required = false) String pub,
                                                 @RequestParam("identifier") String identifier) {
        if (!getAuth(key, pub)) {
            return code("087", "INVALID CREDENTIALS");
        }
        record.call(PROVIDER, "catalog", null, null, "000");
        List<Map<String, Object>> content = new ArrayList<>();
        VtpassCatalog.SERVICES.values().stream().filter(s -> s.category().equals(identifier))
                .sorted((a, b) -> a.serviceId().compareTo(b.serviceId()))
                .forEach(s -> content.add(Map.of("serviceID", s.serviceId(), "name", s.name(),
                        "minimium_amount", s.min().toPlainString(), "maximum_amount", s.max().toPlainString(),
                        "convinience_fee", "0 %", "product_type", "fix", "image",
                        "https://sandbox.vtpass.com/resources/products/200X200/" + s.serviceId() + ".jpg")));
        return replies.ok(PROVIDER, Map.of("response_description", "000", "content", content));
    }

    @GetMapping(path = "/service-variations", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> variations(@RequestHeader(name = "api-key", required = false) String key,
                                                   @RequestHeader(name = "public-key", required = false) String pub,
                                                   @RequestParam("serviceID") String serviceId) {
        if (!getAuth(key, pub)) {
            return code("087", "INVALID CREDENTIALS");
        }
        record.call(PROVIDER, "catalog", null, null, "000");
        VtpassCatalog.Service service = VtpassCatalog.SERVICES.get(serviceId);
        if (service == null) {
            return code("012", "PRODUCT DOES NOT EXIST");
        }
        List<Map<String, Object>> variations = new ArrayList<>();
        for (VtpassCatalog.Variation v : service.variations()) {
            variations.add(Map.of("variation_code", v.code(), "name", v.name(), "variation_amount",
                    v.amount() == null ? "0.00" : v.amount().setScale(2, RoundingMode.UNNECESSARY).toPlainString(),
                    "fixedPrice", v.amount() == null ? "No" : "Yes"));
        }
        return replies.ok(PROVIDER, Map.of("response_description", "000", "content", Map.of("ServiceName",
                service.name(), "serviceID", serviceId, "convinience_fee", "N0.00", "variations", variations)));
    }

    /** The pay/requery reply for the transaction's current state, in VTpass's shape. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> render(SandboxTransaction tx, boolean requery) {
        Map<String, Object> req = (Map<String, Object>) tx.details().get("request");
        String serviceId = tx.operation();
        String amount = str(req.get("charged"));
        String status = switch (tx.status()) {
            case SUCCEEDED -> "delivered";
            case FAILED -> tx.scenario() == Scenario.PENDING_THEN_FAIL ? "reversed" : "failed";
            case PENDING -> requery ? "pending" : "initiated";
        };
        Map<String, Object> transaction = new LinkedHashMap<>();
        transaction.put("status", status);
        transaction.put("product_name", VtpassCatalog.SERVICES.get(serviceId).name());
        transaction.put("unique_element", tx.account());
        transaction.put("unit_price", req.get("unit_price") == null ? amount : str(req.get("unit_price")));
        int quantity = req.get("vended_quantity") instanceof Integer q ? q : 1;
        transaction.put("quantity", quantity);
        transaction.put("service_verification", null);
        transaction.put("channel", "api");
        BigDecimal commission = new BigDecimal(amount).multiply(new BigDecimal("0.02")).setScale(2, RoundingMode.HALF_UP);
        transaction.put("commission", commission.toPlainString());
        transaction.put("total_amount", new BigDecimal(amount).subtract(commission).toPlainString());
        transaction.put("discount", null);
        transaction.put("type", VtpassCatalog.SERVICES.get(serviceId).category());
        transaction.put("email", "sandbox@vtpass.com");
        transaction.put("phone", str(req.get("phone")));
        transaction.put("name", null);
        transaction.put("convinience_fee", 0);
        // Newer replies carry amounts as strings, older ones as numbers; the sandbox mixes both on purpose.
        transaction.put("amount", new BigDecimal(amount));
        transaction.put("platform", "api");
        transaction.put("method", "api");
        transaction.put("transactionId", tx.providerTransactionId());
        transaction.put("commission_details", Map.of("amount", commission, "rate", "2.00", "rate_type", "percent",
                "computation_type", "default"));
        Map<String, Object> out = new LinkedHashMap<>();
        String variation = str(req.get("variation_code"));
        boolean prepaid = VtpassCatalog.isElectricity(serviceId) && "prepaid".equals(variation);
        boolean postpaid = VtpassCatalog.isElectricity(serviceId) && "postpaid".equals(variation);
        if (tx.status() == Scenario.Status.FAILED) {
            boolean reversed = tx.scenario() == Scenario.PENDING_THEN_FAIL;
            out.put("code", reversed ? "040" : "016");
            out.put("response_description", reversed ? "TRANSACTION REVERSAL" : "TRANSACTION FAILED");
        } else if (tx.status() == Scenario.Status.PENDING) {
            out.put("code", !requery && tx.scenario() == Scenario.PENDING_THEN_FAIL ? "099" : "000");
            out.put("response_description", "TRANSACTION IS PROCESSING");
        } else {
            out.put("code", "000");
            out.put("response_description", "TRANSACTION SUCCESSFUL");
        }
        out.put("content", Map.of("transactions", transaction));
        out.put("requestId", tx.reference());
        out.put("amount", amount);
        out.put("transaction_date", tx.createdAt().atZone(LAGOS).toOffsetDateTime().toString());
        if (tx.status() == Scenario.Status.SUCCEEDED) {
            if (prepaid) {
                String token = token(tx.reference());
                String units = new BigDecimal(amount).multiply(new BigDecimal("0.0799")).setScale(1, RoundingMode.HALF_UP)
                        .toPlainString() + " kWh";
                out.put("purchased_code", "Token : " + token);
                out.put("customerName", "TESTMETER1");
                out.put("customerAddress", "ABULE - EGBA BU ABULE");
                out.put("meterNumber", tx.account());
                out.put("token", "Token : " + token);
                out.put("tokenAmount", amount);
                out.put("exchangeReference", "EXR" + tx.providerTransactionId());
                out.put("resetToken", "N/A");
                out.put("configureToken", "N/A");
                out.put("units", units);
                out.put("tariff", "R2 SINGLE PHASE");
                out.put("taxAmount", "0.00");
                out.put("debtAmount", "0.00");
                if (requery) {
                    transaction.put("extras", "Token : " + token);
                }
            } else if (postpaid) {
                out.put("purchased_code", "");
                out.put("customerName", "TESTMETER1");
                out.put("customerAddress", "ABULE - EGBA BU ABULE");
                out.put("meterNumber", tx.account());
                out.put("utilityName", VtpassCatalog.SERVICES.get(serviceId).name());
                out.put("exchangeReference", "EXR" + tx.providerTransactionId());
                out.put("balance", "0.00");
            } else if ("jamb".equals(serviceId)) {
                // JAMB's sample: the PIN in purchased_code and Pin, no cards.
                String pin = pin(tx.reference(), 0);
                out.put("purchased_code", "Pin : " + pin);
                out.put("Pin", "Pin : " + pin);
            } else if ("waec-registration".equals(serviceId)) {
                // WAEC registration PINs come as tokens[] and "Token : …" (several joined by "||").
                List<String> tokens = new ArrayList<>();
                for (int i = 0; i < quantity; i++) {
                    tokens.add(pin(tx.reference(), i));
                }
                out.put("purchased_code", String.join("||", tokens.stream().map(t -> "Token : " + t).toList()));
                out.put("tokens", tokens);
            } else if (VtpassCatalog.isPin(serviceId)) {
                // WAEC result checker: one card {Serial, Pin} per unit bought; purchased_code lists them
                // as "Serial No:…, pin: …" joined by "||".
                List<Map<String, Object>> cards = new ArrayList<>();
                List<String> codes = new ArrayList<>();
                for (int i = 0; i < quantity; i++) {
                    String serial = "WRN" + token("serial/" + tx.reference() + "/" + i).replace(" ", "").substring(11);
                    String pin = pin(tx.reference(), i);
                    cards.add(Map.of("Serial", serial, "Pin", pin));
                    codes.add("Serial No:" + serial + ", pin: " + pin);
                }
                out.put("purchased_code", String.join("||", codes));
                out.put("cards", cards);
            } else {
                out.put("purchased_code", "");
            }
        }
        return out;
    }

    /** The i-th 12-digit PIN of a vend, derived from its request_id so a requery shows the same PINs. */
    static String pin(String requestId, int i) {
        return token(i == 0 ? requestId : requestId + "/" + i).replace(" ", "").substring(8);
    }

    private static Integer quantity(Object o) {
        try {
            return new BigDecimal(o.toString().trim()).intValueExact();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String checkRequestId(String requestId) {
        if (requestId == null || requestId.length() < 12 || !requestId.substring(0, 12).chars().allMatch(Character::isDigit)) {
            return "- REQUEST ID MUST CONTAIN DATE";
        }
        LocalDateTime stamped;
        try {
            stamped = LocalDateTime.parse(requestId.substring(0, 12), REQUEST_ID_PREFIX);
        } catch (RuntimeException e) {
            return "- REQUEST ID NOT PROPER DATE FORMAT - FIRST 8 CHARACTERS MUST BE DATE (TODAY'S DATE - YYYYMMDD)";
        }
        if (!stamped.toLocalDate().equals(LocalDateTime.now(LAGOS).toLocalDate())) {
            return "- DATE NOT TODAY'S DATE - FIRST 8 CHARACTERS MUST BE TODAY'S DATE (YYYYMMDD)";
        }
        return null;
    }

    private static String account(Map<String, Object> body) {
        String billersCode = str(body.get("billersCode"));
        return billersCode != null ? billersCode : str(body.get("phone"));
    }

    private static String transactionId() {
        return System.currentTimeMillis() + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    /** A 20-digit STS-style token derived from the request, so a requery shows the same token. */
    static String token(String requestId) {
        long h = Math.floorMod((long) requestId.hashCode() * 2_654_435_761L + requestId.length(), 100_000_000_000_000_000L);
        String digits = String.format("%020d", h);
        return digits.substring(0, 4) + " " + digits.substring(4, 8) + " " + digits.substring(8, 12) + " "
                + digits.substring(12, 16) + " " + digits.substring(16, 20);
    }

    private static BigDecimal decimal(Object o) {
        if (o == null) {
            return null;
        }
        try {
            return new BigDecimal(o.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
