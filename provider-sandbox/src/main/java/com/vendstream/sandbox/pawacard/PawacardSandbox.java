package com.vendstream.sandbox.pawacard;

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
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Pawacard Kenya Power API v3 (docs/providers.md, Pawacard; seed 004): login key in every body, Luhn-checked
 * meters, elec000/001/003/100 codes, general statuses 0, 1, 102-105, transaction statuses 0/5 pending,
 * 1 complete, 2 failed, one vend per meter per 5 minutes, a daily cap per meter (105). A repeated
 * {@code ref} returns the original transaction (Pawacard does not document it; never a second vend).
 */
@RestController
@RequestMapping("/pawacard/v3")
public class PawacardSandbox implements Resettable {

    public static final String PROVIDER = "pawacard";
    static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
    /** The seed's date format: d-M-yyyy H:m:s, no zero padding. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d-M-yyyy H:m:s");

    /** The seed's meter and accounts succeed; generic suffixes sit before the Luhn check digit. */
    public static final ScenarioTable SCENARIOS = ScenarioTable.builder().checkDigit()
            .exact("01451174955", Scenario.SUCCESS)
            .exact("0203754-01", Scenario.SUCCESS)
            .exact("0203755-01", Scenario.SUCCESS)
            .otherwise(Scenario.SUCCESS)
            .build();

    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger(3000);
    private final CallRecord record;
    private final Faults faults;
    private final Replies replies;
    private final Transactions transactions;
    private final Throttle throttle;
    private final SandboxSettings settings;

    public PawacardSandbox(CallRecord record, Faults faults, Replies replies, Transactions transactions,
                           Throttle throttle, SandboxSettings settings, ScenarioRegistry registry) {
        this.record = record;
        this.faults = faults;
        this.replies = replies;
        this.transactions = transactions;
        this.throttle = throttle;
        this.settings = settings;
        registry.register(PROVIDER, SCENARIOS);
    }

    @Override
    public void reset() {
        keys.clear();
    }

    private Mono<ResponseEntity<Object>> status(int status, String msg) {
        return replies.ok(PROVIDER, Map.of("status", status, "msg", msg));
    }

    @PostMapping(path = "/login", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> login(@RequestBody Map<String, Object> body, ServerHttpRequest http) {
        Scenario fault = faults.take(PROVIDER, "auth");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "auth", null, null, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, status(1, "Connection error"), null);
        }
        boolean ok = settings.string(PROVIDER, "username", "testvendor").equals(str(body.get("username")))
                && settings.string(PROVIDER, "password", "sandbox-password").equals(str(body.get("password")));
        record.call(PROVIDER, "auth", null, null, ok ? "0" : "1");
        if (!ok) {
            return status(1, "Wrong Username or Password");
        }
        String key = UUID.randomUUID().toString().replace("-", "") + "68c724";
        keys.add(key);
        return replies.ok(PROVIDER, Map.of("status", 0, "msg", "success", "balance",
                settings.string(PROVIDER, "balance", "500000"), "key", key));
    }

    private boolean authorised(Map<String, Object> body) {
        return settings.string(PROVIDER, "username", "testvendor").equals(str(body.get("username")))
                && keys.contains(str(body.get("key")));
    }

    @PostMapping(path = "/balance", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> balance(@RequestBody Map<String, Object> body) {
        if (!authorised(body)) {
            return status(1, "Invalid key");
        }
        record.call(PROVIDER, "balance", null, null, "0");
        return replies.ok(PROVIDER, Map.of("status", 0, "msg", "success", "balance",
                settings.string(PROVIDER, "balance", "500000")));
    }

    @PostMapping(path = {"/verify", "/postpaidverify"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> verify(@RequestBody Map<String, Object> body, ServerHttpRequest http) {
        boolean postpaid = http.getPath().value().endsWith("postpaidverify");
        String account = str(body.get(postpaid ? "accountNo" : "meter"));
        if (!authorised(body)) {
            record.call(PROVIDER, "verify", null, account, "1/key");
            return status(1, "Invalid key");
        }
        Scenario fault = faults.take(PROVIDER, "verify");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "verify", null, account, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, status(1, "Connection error"), null);
        }
        if (fault != null) {
            record.call(PROVIDER, "verify", null, account, "elec100");
            return postpaid ? status(1, "Connection error") : replies.ok(PROVIDER, Map.of("status", 1,
                    "msg", "Request timed out. please fetch the response again", "code", "elec100"));
        }
        if (!postpaid && !luhn(account)) {
            record.call(PROVIDER, "verify", null, account, "elec100");
            return replies.ok(PROVIDER, Map.of("status", 1, "msg", "The specified MSNO " + account + " did not pass"
                    + " the Luhn validation. Please specify a valid MSNO. ALERT ID-010072 Contact the Support services"
                    + " for assistance if required.", "code", "elec100"));
        }
        record.call(PROVIDER, "verify", null, account, "0");
        return replies.ok(PROVIDER, postpaid
                ? Map.of("status", 0, "msg", "", "customerName", "Bilbo Baggins", "customer_balance", "10")
                : Map.of("status", 0, "msg", "success", "customerName", "Bilbo Baggins"));
    }

    @PostMapping(path = {"/vend", "/postpaidbill"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> vend(@RequestBody Map<String, Object> body, ServerHttpRequest http) {
        boolean postpaid = http.getPath().value().endsWith("postpaidbill");
        String ref = str(body.get("ref"));
        String account = str(body.get(postpaid ? "accountNo" : "meter"));
        if (!authorised(body)) {
            record.call(PROVIDER, "vend", ref, account, "1/key");
            return status(1, "Invalid key");
        }
        Scenario fault = faults.take(PROVIDER, "vend");
        if (fault == Scenario.TOO_MANY_REQUESTS) {
            record.call(PROVIDER, "vend", ref, account, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http, null, null);
        }
        if (ref == null || !ref.matches("\\d{6,20}")) {
            record.call(PROVIDER, "vend", ref, account, "103");
            return status(103, "Bad reference number");
        }
        SandboxTransaction existing = transactions.find(PROVIDER, ref);
        if (existing != null) {
            record.call(PROVIDER, "vend", ref, account, "original");
            return replies.ok(PROVIDER, render(existing));
        }
        if (account == null || (!postpaid && !luhn(account))) {
            record.call(PROVIDER, "vend", ref, account, "elec100");
            return replies.ok(PROVIDER, Map.of("status", 1, "msg", "The specified MSNO " + account
                    + " did not pass the Luhn validation. Please specify a valid MSNO.", "code", "elec100"));
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(str(body.get("amount")).trim());
        } catch (RuntimeException e) {
            record.call(PROVIDER, "vend", ref, account, "1");
            return status(1, "Invalid amount");
        }
        Scenario scenario = fault != null ? fault : SCENARIOS.of(account);
        BigDecimal balance = new BigDecimal(settings.string(PROVIDER, "balance", "500000"));
        if (scenario == Scenario.INSUFFICIENT_FLOAT || amount.compareTo(balance) > 0) {
            record.call(PROVIDER, "vend", ref, account, "102");
            return status(102, "Insufficient balance");
        }
        Duration window = settings.duration(PROVIDER, "meter-window", Duration.ofMinutes(5));
        if (scenario == Scenario.THROTTLED || (!postpaid && !throttle.once(PROVIDER, account, window, transactions.now()))) {
            record.call(PROVIDER, "vend", ref, account, "1/too-soon");
            return status(1, "This transaction has been done too soon from the last one. Please wait for a few minutes.");
        }
        if (!postpaid && !throttle.daily(PROVIDER, account, settings.integer(PROVIDER, "meter-daily-cap", 10),
                transactions.now(), NAIROBI)) {
            record.call(PROVIDER, "vend", ref, account, "105");
            return status(105, "Meter has reached maximum vends allowed per day");
        }
        long minor = amount.movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
        Transactions.Created created = transactions.create(PROVIDER, ref, () -> {
            SandboxTransaction tx = new SandboxTransaction(PROVIDER, ref, Integer.toString(ids.incrementAndGet()),
                    postpaid ? "postpaid" : "prepaid", account, minor, "KES", scenario, transactions.now());
            tx.details().put("customerName", str(body.get("customerName")) == null ? "Bilbo Baggins"
                    : str(body.get("customerName")));
            tx.details().put("amount", amount.stripTrailingZeros().toPlainString());
            return tx;
        });
        SandboxTransaction tx = created.transaction();
        Map<String, Object> reply = render(tx);
        record.call(PROVIDER, "vend", ref, account, scenario.isTransportFault() ? "fault:" + scenario : answer(reply));
        if (scenario.isTransportFault()) {
            return replies.transport(PROVIDER, scenario, http, replies.ok(PROVIDER, reply), null);
        }
        return replies.ok(PROVIDER, reply);
    }

    @PostMapping(path = {"/transaction", "/postpaidtransaction"}, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> transaction(@RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String ref = str(body.get("ref"));
        if (!authorised(body)) {
            record.call(PROVIDER, "requery", ref, null, "1/key");
            return status(1, "Invalid key");
        }
        Scenario fault = faults.take(PROVIDER, "requery");
        SandboxTransaction tx = transactions.find(PROVIDER, ref);
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "requery", ref, null, "fault:" + fault);
            return replies.transport(PROVIDER, fault, http,
                    tx == null ? status(104, "Transaction not found") : replies.ok(PROVIDER, render(tx)), null);
        }
        if (tx == null) {
            record.call(PROVIDER, "requery", ref, null, "104");
            return status(104, "Transaction not found");
        }
        tx.requery(settings.pendingPolicy(PROVIDER), transactions.now());
        Map<String, Object> reply = render(tx);
        record.call(PROVIDER, "requery", ref, tx.account(), answer(reply));
        return replies.ok(PROVIDER, reply);
    }

    private static String answer(Map<String, Object> reply) {
        Object code = reply.get("code");
        Object inner = reply.get("transaction") instanceof Map<?, ?> t ? t.get("status") : null;
        return (code != null ? code : "status " + reply.get("status")) + (inner != null ? "/tx " + inner : "");
    }

    /** The seed's shapes: a prepaid success has no top-level status; pending and failed carry a transaction. */
    private static Map<String, Object> render(SandboxTransaction tx) {
        boolean postpaid = "postpaid".equals(tx.operation());
        String date = tx.createdAt().atZone(NAIROBI).format(DATE);
        String name = (String) tx.details().get("customerName");
        String amount = (String) tx.details().get("amount");
        int id = Integer.parseInt(tx.providerTransactionId());
        Map<String, Object> out = new LinkedHashMap<>();
        if (tx.status() == Scenario.Status.SUCCEEDED && !postpaid) {
            out.put("code", "elec000");
            out.put("token", token(tx.reference()));
            out.put("stdTokenRctNum", "RADIXOVS010VS" + (224_000 + id));
            out.put("date", date);
            out.put("totalAmount", amount);
            out.put("transactionId", id);
            out.put("fixed", List.of(Map.of("REPCharge", "6486"), Map.of("MonthlyFC", "12000"),
                    Map.of("ERCCharge", "593"), Map.of("TotalTax", "1440"), Map.of("FuelIndexCharge", "92770"),
                    Map.of("ForexCharge", "31055"), Map.of("InflationAdjustment", "5934")));
            out.put("ref", tx.reference());
            out.put("customerName", name);
            return out;
        }
        Map<String, Object> t = new LinkedHashMap<>();
        int innerStatus = switch (tx.status()) {
            case SUCCEEDED -> 1;
            case FAILED -> 2;
            case PENDING -> tx.requeries() % 2 == 0 ? 5 : 0;
        };
        t.put("status", innerStatus);
        if (postpaid) {
            t.put("vendor", "testvendor");
            t.put("accountNo", tx.account());
            t.put("amount", amount);
            t.put("date", date);
        }
        if (innerStatus == 1) {
            t.put("rctNum", "1511720561090" + id);
        } else {
            t.put("msg", innerStatus == 2 ? "Failed, please try again" : "transaction still pending");
        }
        t.put("transactionId", id);
        t.put("ref", tx.reference());
        if (postpaid) {
            t.put("customerName", name);
        }
        out.put("status", innerStatus == 1 ? 0 : 1);
        out.put("msg", innerStatus == 1 ? "success" : "");
        if (!postpaid && innerStatus == 2) {
            // elec001: refused at Kenya Power; elec003: lost on the way after pending.
            out.put("code", tx.scenario() == Scenario.PENDING_THEN_FAIL ? "elec003" : "elec001");
        }
        out.put("transaction", t);
        return out;
    }

    static String token(String ref) {
        return String.format("%020d", Math.floorMod((long) ref.hashCode() * 69_069L + 12_345L, 100_000_000_000_000_000L));
    }

    static boolean luhn(String number) {
        if (number == null || !number.matches("\\d{2,}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < number.length(); i++) {
            int d = number.charAt(number.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
