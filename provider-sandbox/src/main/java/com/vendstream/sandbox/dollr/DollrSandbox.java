package com.vendstream.sandbox.dollr;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Dollr (docs.heydollr.app) under {@code /dollr/v1}: parties, counterparties, invoices with items and
 * publishing, fee and MMO predictions, checkout and payout sessions, payment accounts, collection and
 * payout executions by {@code reference_id} (UUID v4), status by reference, receipts. Errors are
 * FastAPI-style: 401/403/404 {@code {"detail": "..."}}, 422 {@code {"detail": [{loc, msg, type}]}}.
 * The documented type drift is enforced: executions want {@code session_id} and
 * {@code payment_account_id} as strings, {@code payout_account_id} as a number. Response shapes the
 * docs leave open are this sandbox's choices (providers/PAY4POWER_DOLLR.md).
 *
 * <p>The payer's (or payee's) wallet number decides: see {@link #COLLECTIONS} and {@link #PAYOUTS};
 * 231770000004 answers the first execution of each reference with 429 and {@code Retry-After}
 * ({@code vendstream.sandbox.dollr.retry-after-seconds}, 1), then completes.
 */
@RestController
@RequestMapping("/dollr/v1")
public class DollrSandbox implements Resettable {

    static final String PROVIDER = DollrTokens.PROVIDER;
    static final String THROTTLED_ONCE = "231770000004";
    private static final Pattern UUID_V4 = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", Pattern.CASE_INSENSITIVE);
    private static final Set<String> CURRENCIES = Set.of("LRD", "USD", "RWF");

    public static final ScenarioTable COLLECTIONS = ScenarioTable.builder()
            .exact("231770000001", Scenario.PENDING_THEN_SUCCESS)
            .exact("231770000002", Scenario.FAIL)
            .exact("231770000003", Scenario.PENDING_FOREVER)
            .exact(THROTTLED_ONCE, Scenario.SUCCESS)
            .otherwise(Scenario.SUCCESS)
            .build();

    public static final ScenarioTable PAYOUTS = ScenarioTable.builder()
            .exact("231770000005", Scenario.PENDING_THEN_SUCCESS)
            .exact("231770000009", Scenario.FAIL)
            .exact(THROTTLED_ONCE, Scenario.SUCCESS)
            .otherwise(Scenario.SUCCESS)
            .build();

    private record Account(long id, String operationType, String phone, String method, long partyId) {
    }

    private record Session(long id, String kind, long sourceId, Long paymentAccountId, BigDecimal amount,
                           String currency, Instant expiresAt, Instant createdAt) {
    }

    private static final class Invoice {
        final long id;
        final long counterpartyId;
        final String currency;
        final String feeBearer;
        final String note;
        final List<Map<String, Object>> items = new CopyOnWriteArrayList<>();
        volatile String status = "IDLE";
        volatile String paidBy;
        volatile Instant paidAt;

        Invoice(long id, long counterpartyId, String currency, String feeBearer, String note) {
            this.id = id;
            this.counterpartyId = counterpartyId;
            this.currency = currency;
            this.feeBearer = feeBearer;
            this.note = note;
        }

        BigDecimal total() {
            return items.stream().map(i -> ((BigDecimal) i.get("amount")).multiply(BigDecimal.valueOf((Integer) i.get("qty"))))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<Long, Map<String, Object>> parties = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> counterparties = new ConcurrentHashMap<>();
    private final Map<Long, Invoice> invoices = new ConcurrentHashMap<>();
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final Map<Long, Account> accounts = new ConcurrentHashMap<>();
    private final Set<String> throttledOnce = ConcurrentHashMap.newKeySet();
    private final DollrTokens tokens;
    private final CallRecord record;
    private final Faults faults;
    private final Replies replies;
    private final Transactions transactions;
    private final SandboxSettings settings;

    public DollrSandbox(DollrTokens tokens, CallRecord record, Faults faults, Replies replies, Transactions transactions,
                        SandboxSettings settings, ScenarioRegistry registry) {
        this.tokens = tokens;
        this.record = record;
        this.faults = faults;
        this.replies = replies;
        this.transactions = transactions;
        this.settings = settings;
        registry.register(PROVIDER, COLLECTIONS);
        registry.register(PROVIDER + "-payout", PAYOUTS);
    }

    @Override
    public void reset() {
        parties.clear();
        counterparties.clear();
        invoices.clear();
        sessions.clear();
        accounts.clear();
        throttledOnce.clear();
    }

    // ---- auth ----------------------------------------------------------------------------------

    @PostMapping(path = "/jwt/client/obtain/token", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> token(@RequestBody Map<String, Object> body, ServerHttpRequest http) {
        Scenario fault = faults.take(PROVIDER, "auth");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "auth", null, null, "fault:" + fault);
            return transport(fault, http, detail(503, "Service Unavailable"));
        }
        String token = tokens.issue(str(body.get("client_id")), str(body.get("client_secret")));
        record.call(PROVIDER, "auth", null, null, token == null ? "401" : "200");
        if (token == null) {
            return detail(401, "Incorrect client credentials");
        }
        // expires_in is in minutes, as Dollr documents.
        return replies.ok(PROVIDER, Map.of("access_token", token, "token_type", "bearer", "expires_in", tokens.minutes()));
    }

    // ---- parties, counterparties, invoices -----------------------------------------------------

    @PostMapping(path = "/parties/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> party(@RequestHeader(name = "Authorization", required = false) String auth,
                                              @RequestBody Map<String, Object> body) {
        return authed(auth, "party", () -> {
            if (blank(body.get("name"))) {
                return invalid("name", "Field required", "missing");
            }
            long id = ids.incrementAndGet();
            Map<String, Object> party = new LinkedHashMap<>(body);
            party.put("id", id);
            party.put("created_at", Instant.now().toString());
            parties.put(id, party);
            return replies.status(PROVIDER, 201, party);
        });
    }

    @PostMapping(path = "/counterparties/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> counterparty(@RequestHeader(name = "Authorization", required = false) String auth,
                                                     @RequestBody Map<String, Object> body) {
        return authed(auth, "counterparty", () -> {
            Long partyId = integer(body.get("party_id"));
            if (partyId == null || !parties.containsKey(partyId)) {
                return invalid("party_id", "Party not found", "value_error");
            }
            String relationship = str(body.get("relationship_type"));
            if (!Set.of("CUSTOMER", "SUPPLIER", "PARTNER").contains(relationship)) {
                return invalid("relationship_type", "Input should be 'CUSTOMER', 'SUPPLIER' or 'PARTNER'", "enum");
            }
            long id = ids.incrementAndGet();
            Map<String, Object> cp = new LinkedHashMap<>();
            cp.put("id", id);
            cp.put("party_id", partyId);
            cp.put("relationship_type", relationship);
            counterparties.put(id, cp);
            return replies.status(PROVIDER, 201, cp);
        });
    }

    @PostMapping(path = "/invoices/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> invoice(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @RequestBody Map<String, Object> body) {
        return authed(auth, "invoice", () -> {
            Long counterparty = integer(body.get("counterparty_id"));
            if (counterparty == null || !counterparties.containsKey(counterparty)) {
                return invalid("counterparty_id", "Counterparty not found", "value_error");
            }
            String currency = str(body.get("currency"));
            if (!CURRENCIES.contains(currency)) {
                return invalid("currency", "Unsupported currency", "value_error");
            }
            long id = ids.incrementAndGet();
            Invoice invoice = new Invoice(id, counterparty, currency, str(body.getOrDefault("fee_bearer", "CUSTOMER")),
                    str(body.get("note")));
            invoices.put(id, invoice);
            return replies.status(PROVIDER, 201, render(invoice));
        });
    }

    @PostMapping(path = "/invoices/{invoiceId}/items/add", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> item(@RequestHeader(name = "Authorization", required = false) String auth,
                                             @PathVariable long invoiceId, @RequestBody Map<String, Object> body) {
        return authed(auth, "invoice-item", () -> {
            Invoice invoice = invoices.get(invoiceId);
            if (invoice == null) {
                return detail(404, "Invoice not found");
            }
            if (!"IDLE".equals(invoice.status)) {
                return invalid("invoice_id", "Invoice is " + invoice.status + " and can no longer be edited", "value_error");
            }
            BigDecimal amount = decimal(body.get("amount"));
            Long qty = integer(body.get("qty"));
            if (amount == null || amount.signum() <= 0 || amount.scale() > digits(invoice.currency)) {
                return invalid("amount", "Amount must be positive with at most " + digits(invoice.currency) + " decimals",
                        "value_error");
            }
            if (qty == null || qty < 1) {
                return invalid("qty", "Input should be greater than or equal to 1", "greater_than_equal");
            }
            if (!invoice.currency.equals(str(body.get("currency")))) {
                return invalid("currency", "Item currency must match the invoice", "value_error");
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", ids.incrementAndGet());
            item.put("invoice_id", invoiceId);
            item.put("name", str(body.get("name")));
            item.put("currency", invoice.currency);
            item.put("qty", qty.intValue());
            item.put("amount", amount);
            invoice.items.add(item);
            return replies.status(PROVIDER, 201, item);
        });
    }

    @PutMapping(path = "/invoices/publish/{invoiceId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> publish(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @PathVariable long invoiceId) {
        return authed(auth, "invoice-publish", () -> {
            Invoice invoice = invoices.get(invoiceId);
            if (invoice == null) {
                return detail(404, "Invoice not found");
            }
            if (invoice.items.isEmpty()) {
                return invalid("invoice_id", "An invoice needs at least one item", "value_error");
            }
            if ("IDLE".equals(invoice.status)) {
                invoice.status = "ACTIVE";
            }
            return replies.ok(PROVIDER, render(invoice));
        });
    }

    @GetMapping(path = "/invoices/receipt/{invoiceId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> receipt(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @PathVariable long invoiceId) {
        return authed(auth, "receipt", () -> {
            Invoice invoice = invoices.get(invoiceId);
            if (invoice == null) {
                return detail(404, "Invoice not found");
            }
            if (!"PAID".equals(invoice.status)) {
                return invalid("invoice_id", "The receipt is available once the invoice is paid", "value_error");
            }
            SandboxTransaction tx = transactions.find(PROVIDER, invoice.paidBy);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("invoice_id", invoice.id);
            r.put("status", invoice.status);
            r.put("currency", invoice.currency);
            r.put("subtotal", invoice.total());
            r.put("fees", tx == null ? BigDecimal.ZERO : tx.details().get("fee"));
            r.put("total", tx == null ? invoice.total() : tx.details().get("payer_amount"));
            r.put("fx_rate", "1.00");
            r.put("provider", tx == null ? null : tx.details().get("method"));
            r.put("reference_id", invoice.paidBy);
            r.put("paid_at", invoice.paidAt == null ? null : invoice.paidAt.toString());
            r.put("items", invoice.items);
            return replies.ok(PROVIDER, r);
        });
    }

    // ---- predictions ---------------------------------------------------------------------------

    @GetMapping(path = "/predictions/amount-and-fees", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> fees(@RequestHeader(name = "Authorization", required = false) String auth,
                                             @RequestParam(required = false) String amount,
                                             @RequestParam(required = false) String currency,
                                             @RequestParam(name = "fee_bearer", defaultValue = "CUSTOMER") String feeBearer) {
        return authed(auth, "predict-fees", () -> {
            BigDecimal value = decimal(amount);
            if (value == null || value.signum() <= 0) {
                return invalid("amount", "Input should be a valid decimal", "decimal_parsing");
            }
            if (!CURRENCIES.contains(currency)) {
                return invalid("currency", "Unsupported currency", "value_error");
            }
            BigDecimal fee = fee(value, currency);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("amount", value.setScale(digits(currency), RoundingMode.HALF_UP));
            r.put("fee", fee);
            r.put("fee_bearer", feeBearer);
            r.put("payer_amount", "CUSTOMER".equals(feeBearer) ? value.add(fee) : value);
            r.put("payee_amount", "CUSTOMER".equals(feeBearer) ? value : value.subtract(fee));
            r.put("currency", currency);
            r.put("fx_rate", "1.00");
            return replies.ok(PROVIDER, r);
        });
    }

    @GetMapping(path = "/predictions/mmo-provider-info", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> mmo(@RequestHeader(name = "Authorization", required = false) String auth,
                                            @RequestParam(required = false) String phone) {
        return authed(auth, "predict-mmo", () -> {
            String method = method(phone);
            if (method == null) {
                return invalid("phone", "No mobile money operator for this number", "value_error");
            }
            return replies.ok(PROVIDER, Map.of("phone", phone, "payment_method", method, "gateway_provider", method,
                    "country_code", phone.startsWith("250") ? "RW" : "LR"));
        });
    }

    // ---- sessions and accounts -----------------------------------------------------------------

    @PostMapping(path = "/sessions/checkout", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> checkout(@RequestHeader(name = "Authorization", required = false) String auth,
                                                 @RequestBody Map<String, Object> body) {
        return authed(auth, "session-checkout", () -> {
            Long sourceId = integer(body.get("source_id"));
            // Dollr's own drift: source_kind on the older checkout endpoint, source_type here.
            String sourceType = str(body.get("source_type") != null ? body.get("source_type") : body.get("source_kind"));
            if (!"INVOICE".equals(sourceType) && !"ORDER".equals(sourceType)) {
                return invalid("source_type", "Input should be 'INVOICE' or 'ORDER'", "enum");
            }
            Invoice invoice = sourceId == null ? null : invoices.get(sourceId);
            if (invoice == null) {
                return invalid("source_id", "Source not found", "value_error");
            }
            if (!"ACTIVE".equals(invoice.status)) {
                return invalid("source_id", "Invoice is " + invoice.status + "; publish it first", "value_error");
            }
            Session session = new Session(ids.incrementAndGet(), "CHECKOUT", invoice.id, null, invoice.total(),
                    invoice.currency, Instant.now().plus(Duration.ofMinutes(30)), Instant.now());
            sessions.put(session.id(), session);
            return replies.status(PROVIDER, 201, render(session, sourceType));
        });
    }

    @PostMapping(path = "/sessions/payout", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> payoutSession(@RequestHeader(name = "Authorization", required = false) String auth,
                                                      @RequestBody Map<String, Object> body) {
        return authed(auth, "session-payout", () -> {
            Long accountId = integer(body.get("payment_account_id") != null ? body.get("payment_account_id")
                    : body.get("payout_account_id"));
            Account account = accountId == null ? null : accounts.get(accountId);
            if (account == null || !"PAYOUT".equals(account.operationType())) {
                return invalid("payment_account_id", "Payout account not found", "value_error");
            }
            String currency = str(body.get("currency"));
            if (!CURRENCIES.contains(currency)) {
                return invalid("currency", "Unsupported currency", "value_error");
            }
            BigDecimal amount = decimal(body.get("amount"));
            if (amount == null || amount.signum() <= 0 || amount.scale() > digits(currency)) {
                return invalid("amount", "Amount must be positive with at most " + digits(currency) + " decimals",
                        "value_error");
            }
            Instant expires;
            try {
                expires = body.get("expires_at") == null ? Instant.now().plus(Duration.ofMinutes(15))
                        : java.time.OffsetDateTime.parse(str(body.get("expires_at"))).toInstant();
            } catch (RuntimeException e) {
                return invalid("expires_at", "Input should be a valid datetime", "datetime_parsing");
            }
            Session session = new Session(ids.incrementAndGet(), "PAYOUT", 0, accountId, amount, currency, expires,
                    Instant.now());
            sessions.put(session.id(), session);
            return replies.status(PROVIDER, 201, render(session, null));
        });
    }

    @PostMapping(path = "/payment-accounts/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> account(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @RequestParam(name = "operation_type", required = false) String operationType,
                                                @RequestBody Map<String, Object> body) {
        return authed(auth, "payment-account", () -> {
            if (!Set.of("COLLECTION", "PAYOUT", "TRANSFER", "REFUND").contains(operationType)) {
                return invalidQuery("operation_type", "Input should be 'COLLECTION', 'PAYOUT', 'TRANSFER' or 'REFUND'");
            }
            if (blank(body.get("account_name"))) {
                return invalid("account_name", "Field required", "missing");
            }
            Long partyId = integer(body.get("party_id"));
            if (partyId == null || !parties.containsKey(partyId)) {
                return invalid("party_id", "Party not found", "value_error");
            }
            String phone = str(body.get("insensitive_account_number"));
            if (phone == null || !phone.matches("\\d{8,15}")) {
                return invalid("insensitive_account_number", "E.164 digits without '+'", "value_error");
            }
            String method = str(body.get("method"));
            if (method == null) {
                return invalid("method", "Field required", "missing");
            }
            // Mobile-money accounts are reused per party, phone, method and operation.
            Account account = accounts.values().stream().filter(a -> a.partyId() == partyId && a.phone().equals(phone)
                    && a.method().equals(method) && a.operationType().equals(operationType)).findFirst().orElse(null);
            if (account == null) {
                account = new Account(ids.incrementAndGet(), operationType, phone, method, partyId);
                accounts.put(account.id(), account);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", account.id());
            r.put("account_name", str(body.get("account_name")));
            r.put("provider", str(body.get("provider")));
            r.put("method", method);
            r.put("party_id", partyId);
            r.put("country_code", str(body.get("country_code")));
            r.put("insensitive_account_number", phone);
            r.put("operation_type", operationType);
            r.put("is_active", true);
            return replies.status(PROVIDER, 201, r);
        });
    }

    // ---- executions ----------------------------------------------------------------------------

    @PostMapping(path = "/executions/collection", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> collect(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String reference = str(body.get("reference_id"));
        String problem = tokens.problem(auth);
        if (problem != null) {
            record.call(PROVIDER, "collection", reference, null, "401");
            return detail(401, problem);
        }
        if (!(body.get("session_id") instanceof String sessionText)) {
            return rejected("collection", reference, "session_id", "Input should be a valid string", "string_type");
        }
        if (!(body.get("payment_account_id") instanceof String accountText)) {
            return rejected("collection", reference, "payment_account_id", "Input should be a valid string", "string_type");
        }
        if (reference == null || !UUID_V4.matcher(reference).matches()) {
            return rejected("collection", reference, "reference_id", "reference_id must be a UUID v4", "uuid_version");
        }
        Session session = sessions.get(integer(sessionText));
        Account account = accounts.get(integer(accountText));
        if (session == null || !"CHECKOUT".equals(session.kind())) {
            record.call(PROVIDER, "collection", reference, null, "404");
            return detail(404, "Session not found");
        }
        if (account == null || !"COLLECTION".equals(account.operationType())) {
            record.call(PROVIDER, "collection", reference, null, "404");
            return detail(404, "Payment account not found");
        }
        Invoice invoice = invoices.get(session.sourceId());
        String currency = str(body.get("currency"));
        if (!invoice.currency.equals(currency)) {
            return rejected("collection", reference, "currency", "Currency must match the invoice", "value_error");
        }
        return execute("collection", reference, session, account, http, () -> {
            BigDecimal amount = invoice.total();
            BigDecimal fee = fee(amount, currency);
            boolean customerPays = !"MERCHANT".equals(invoice.feeBearer);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("invoice_id", invoice.id);
            d.put("payer_amount", customerPays ? amount.add(fee) : amount);
            d.put("payee_amount", customerPays ? amount : amount.subtract(fee));
            d.put("fee", fee);
            return d;
        }, COLLECTIONS, currency, invoice);
    }

    @PostMapping(path = "/executions/payout", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> payout(@RequestHeader(name = "Authorization", required = false) String auth,
                                               @RequestBody Map<String, Object> body, ServerHttpRequest http) {
        String reference = str(body.get("reference_id"));
        String problem = tokens.problem(auth);
        if (problem != null) {
            record.call(PROVIDER, "payout", reference, null, "401");
            return detail(401, problem);
        }
        if (!(body.get("session_id") instanceof String sessionText)) {
            return rejected("payout", reference, "session_id", "Input should be a valid string", "string_type");
        }
        if (!(body.get("payout_account_id") instanceof Number accountNumber)) {
            return rejected("payout", reference, "payout_account_id", "Input should be a valid integer", "int_type");
        }
        if (reference == null || !UUID_V4.matcher(reference).matches()) {
            return rejected("payout", reference, "reference_id", "reference_id must be a UUID v4", "uuid_version");
        }
        String passcodeProblem = passcode(body.get("passcode"));
        if (passcodeProblem != null && passcodeProblem.startsWith("422:")) {
            return rejected("payout", reference, passcodeProblem.substring(4), "Field required", "missing");
        }
        if (passcodeProblem != null) {
            record.call(PROVIDER, "payout", reference, null, "403");
            return detail(403, passcodeProblem);
        }
        Session session = sessions.get(integer(sessionText));
        Account account = accounts.get(accountNumber.longValue());
        if (session == null || !"PAYOUT".equals(session.kind()) || account == null
                || !"PAYOUT".equals(account.operationType()) || session.paymentAccountId() != account.id()) {
            record.call(PROVIDER, "payout", reference, null, "404");
            return detail(404, "Payout session or account not found");
        }
        return execute("payout", reference, session, account, http, () -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("payer_amount", session.amount());
            d.put("payee_amount", session.amount());
            d.put("fee", BigDecimal.ZERO.setScale(digits(session.currency())));
            return d;
        }, PAYOUTS, session.currency(), null);
    }

    private Mono<ResponseEntity<Object>> execute(String kind, String reference, Session session, Account account,
                                                 ServerHttpRequest http,
                                                 java.util.function.Supplier<Map<String, Object>> amounts,
                                                 ScenarioTable table, String currency, Invoice invoice) {
        SandboxTransaction existing = transactions.find(PROVIDER, reference);
        if (existing != null) {
            return repeat(kind, existing, session, account);
        }
        Scenario fault = faults.take(PROVIDER, kind);
        if (fault == Scenario.TOO_MANY_REQUESTS || fault == Scenario.THROTTLED
                || (THROTTLED_ONCE.equals(account.phone()) && throttledOnce.add(reference))) {
            record.call(PROVIDER, kind, reference, account.phone(), "429");
            return tooMany();
        }
        Scenario scenario = fault != null ? fault : table.of(account.phone());
        if (scenario == Scenario.TOO_MANY_REQUESTS || scenario == Scenario.THROTTLED) {
            record.call(PROVIDER, kind, reference, account.phone(), "429");
            return tooMany();
        }
        Map<String, Object> details = amounts.get();
        long minor = ((BigDecimal) details.get("payer_amount")).movePointRight(digits(currency)).longValueExact();
        Transactions.Created created = transactions.create(PROVIDER, reference, () -> {
            SandboxTransaction tx = new SandboxTransaction(PROVIDER, reference, "EXE" + ids.incrementAndGet(), kind,
                    account.phone(), minor, currency, scenario, transactions.now());
            tx.details().putAll(details);
            tx.details().put("session_id", session.id());
            tx.details().put("account_id", account.id());
            tx.details().put("method", account.method());
            return tx;
        });
        if (!created.fresh()) {
            return repeat(kind, created.transaction(), session, account);
        }
        SandboxTransaction tx = created.transaction();
        settled(tx);
        Map<String, Object> reply = render(tx);
        record.call(PROVIDER, kind, reference, account.phone(), scenario.isTransportFault() ? "fault:" + scenario
                : (String) reply.get("status"));
        if (scenario.isTransportFault()) {
            return transport(scenario, http, replies.ok(PROVIDER, reply));
        }
        return replies.ok(PROVIDER, reply);
    }

    /** The same reference again: the same payment gets its current state, another payment a 422. */
    private Mono<ResponseEntity<Object>> repeat(String kind, SandboxTransaction tx, Session session, Account account) {
        boolean same = tx.operation().equals(kind) && session.id() == (Long) tx.details().get("session_id")
                && account.id() == (Long) tx.details().get("account_id");
        if (!same) {
            record.call(PROVIDER, kind, tx.reference(), account.phone(), "422 duplicate");
            return replies.status(PROVIDER, 422, Map.of("detail", List.of(Map.of("loc", List.of("body", "reference_id"),
                    "msg", "reference_id already exists for a different payment", "type", "value_error.duplicate"))));
        }
        record.call(PROVIDER, kind, tx.reference(), account.phone(), "repeat:" + word(tx.status()));
        return replies.ok(PROVIDER, render(tx));
    }

    // ---- status --------------------------------------------------------------------------------

    @GetMapping(path = "/status/{kind}/{reference}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> status(@RequestHeader(name = "Authorization", required = false) String auth,
                                               @PathVariable String kind, @PathVariable String reference,
                                               ServerHttpRequest http) {
        String problem = tokens.problem(auth);
        if (problem != null) {
            return detail(401, problem);
        }
        SandboxTransaction tx = transactions.find(PROVIDER, reference);
        Scenario fault = faults.take(PROVIDER, "status");
        if (fault != null && fault.isTransportFault()) {
            record.call(PROVIDER, "status", reference, null, "fault:" + fault);
            return transport(fault, http, tx == null ? detail(404, "Not found") : replies.ok(PROVIDER, render(tx)));
        }
        if (tx == null || !tx.operation().equals(kind)) {
            record.call(PROVIDER, "status", reference, null, "404");
            return detail(404, "Not found");
        }
        tx.requery(settings.pendingPolicy(PROVIDER), transactions.now());
        settled(tx);
        Map<String, Object> reply = render(tx);
        record.call(PROVIDER, "status", reference, tx.account(), (String) reply.get("status"));
        return replies.ok(PROVIDER, reply);
    }

    /** A collection that completed pays its invoice. */
    private void settled(SandboxTransaction tx) {
        if ("collection".equals(tx.operation()) && tx.status() == Scenario.Status.SUCCEEDED) {
            Invoice invoice = invoices.get((Long) tx.details().get("invoice_id"));
            if (invoice != null && !"PAID".equals(invoice.status)) {
                invoice.paidBy = tx.reference();
                invoice.paidAt = Instant.now();
                invoice.status = "PAID";
            }
        }
    }

    // ---- rendering -----------------------------------------------------------------------------

    private Map<String, Object> render(SandboxTransaction tx) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", word(tx.status()));
        r.put("reference_id", tx.reference());
        r.put("session_id", String.valueOf(tx.details().get("session_id")));
        r.put("currency", tx.currency());
        r.put("payer_amount", tx.details().get("payer_amount"));
        r.put("payee_amount", tx.details().get("payee_amount"));
        r.put("fee", tx.details().get("fee"));
        r.put("requires_action", false);
        r.put("client_secret", null);
        r.put("gateway_message", message(tx));
        r.put("created_at", tx.createdAt().toString());
        return r;
    }

    private static String message(SandboxTransaction tx) {
        boolean payout = "payout".equals(tx.operation());
        return switch (tx.status()) {
            case SUCCEEDED -> payout ? "Payout delivered" : "Payment received";
            case PENDING -> "Waiting for the customer to approve on their phone";
            case FAILED -> payout ? "Payee wallet could not receive funds"
                    : tx.scenario() == Scenario.PENDING_THEN_FAIL ? "Customer did not approve in time"
                    : "Payer has insufficient funds";
        };
    }

    private static String word(Scenario.Status status) {
        return switch (status) {
            case PENDING -> "PROCESSING";
            case SUCCEEDED -> "COMPLETED";
            case FAILED -> "FAILED";
        };
    }

    private static Map<String, Object> render(Invoice invoice) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", invoice.id);
        r.put("counterparty_id", invoice.counterpartyId);
        r.put("currency", invoice.currency);
        r.put("note", invoice.note);
        r.put("fee_bearer", invoice.feeBearer);
        r.put("as_payment_link", false);
        r.put("status", invoice.status);
        r.put("total_amount", invoice.total().setScale(digits(invoice.currency), RoundingMode.HALF_UP));
        r.put("items", invoice.items);
        return r;
    }

    private static Map<String, Object> render(Session session, String sourceType) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", session.id());
        if (sourceType != null) {
            r.put("source_id", session.sourceId());
            r.put("source_type", sourceType);
        }
        r.put("status", "OPEN");
        r.put("payment_account_id", session.paymentAccountId());
        r.put("amount", session.amount());
        r.put("currency", session.currency());
        r.put("expires_at", session.expiresAt().toString());
        r.put("created_at", session.createdAt().toString());
        r.put("updated_at", session.createdAt().toString());
        return r;
    }

    /** null when the passcode is acceptable; "422:&lt;field&gt;" when a field is missing; else the 403 detail. */
    @SuppressWarnings("unchecked")
    private String passcode(Object passcode) {
        if (!(passcode instanceof Map<?, ?> p)) {
            return "422:passcode";
        }
        if (!(p.get("token") instanceof Map<?, ?> token)) {
            return "422:passcode.token";
        }
        if (!(p.get("device") instanceof Map<?, ?> device)) {
            return "422:passcode.device";
        }
        for (String field : List.of("name", "type", "platform", "user_agent", "client_ip")) {
            if (blank(device.get(field))) {
                return "422:passcode.device." + field;
            }
        }
        if (!"SERVER".equals(str(device.get("type")))) {
            return "422:passcode.device.type";
        }
        if (blank(token.get("phone")) && token.get("user_id") == null) {
            return "422:passcode.token.phone";
        }
        if (!settings.string(PROVIDER, "payout-passcode", "246810").equals(str(token.get("code")))) {
            return "Invalid passcode";
        }
        return null;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Mono<ResponseEntity<Object>> authed(String auth, String operation,
                                                java.util.function.Supplier<Mono<ResponseEntity<Object>>> then) {
        String problem = tokens.problem(auth);
        if (problem != null) {
            record.call(PROVIDER, operation, null, null, "401");
            return detail(401, problem);
        }
        record.call(PROVIDER, operation, null, null, "call");
        return then.get();
    }

    private Mono<ResponseEntity<Object>> tooMany() {
        long seconds = settings.integer(PROVIDER, "retry-after-seconds", 1);
        return Mono.delay(Duration.ofMillis(5)).thenReturn(ResponseEntity.status(429)
                .header("Retry-After", Long.toString(seconds)).contentType(MediaType.APPLICATION_JSON)
                .body((Object) Map.of("detail", "Too Many Requests: exceeded the allowed request rate for your merchant")));
    }

    private Mono<ResponseEntity<Object>> transport(Scenario scenario, ServerHttpRequest http,
                                                   Mono<ResponseEntity<Object>> normal) {
        if (scenario == Scenario.TOO_MANY_REQUESTS) {
            return tooMany();
        }
        return replies.transport(PROVIDER, scenario, http, normal, null);
    }

    private Mono<ResponseEntity<Object>> rejected(String kind, String reference, String field, String msg, String type) {
        record.call(PROVIDER, kind, reference, null, "422");
        return invalid(field, msg, type);
    }

    private Mono<ResponseEntity<Object>> invalid(String field, String msg, String type) {
        List<Object> loc = new ArrayList<>(List.of("body"));
        loc.addAll(List.of(field.split("\\.")));
        return replies.status(PROVIDER, 422, Map.of("detail", List.of(Map.of("loc", loc, "msg", msg, "type", type))));
    }

    private Mono<ResponseEntity<Object>> invalidQuery(String field, String msg) {
        return replies.status(PROVIDER, 422, Map.of("detail", List.of(Map.of("loc", List.of("query", field), "msg", msg,
                "type", "enum"))));
    }

    private Mono<ResponseEntity<Object>> detail(int status, String detail) {
        return replies.status(PROVIDER, status, Map.of("detail", detail));
    }

    private static String method(String phone) {
        if (phone == null) {
            return null;
        }
        if (phone.startsWith("23188") || phone.startsWith("23155")) {
            return "MTN_MOMO_LBR";
        }
        if (phone.startsWith("23177") || phone.startsWith("23178")) {
            return "ORANGE_MONEY_LBR";
        }
        if (phone.startsWith("25078") || phone.startsWith("25079")) {
            return "MTN_MOMO_RWA";
        }
        if (phone.startsWith("25072") || phone.startsWith("25073")) {
            return "AIRTEL_RWA";
        }
        return null;
    }

    private static BigDecimal fee(BigDecimal amount, String currency) {
        // One percent, the sandbox's own tariff.
        return amount.movePointLeft(2).setScale(digits(currency), RoundingMode.HALF_UP);
    }

    static int digits(String currency) {
        return "RWF".equals(currency) ? 0 : 2;
    }

    private static BigDecimal decimal(Object o) {
        try {
            return o == null ? null : new BigDecimal(o.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long integer(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        try {
            return o == null ? null : Long.parseLong(o.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean blank(Object o) {
        return o == null || o.toString().isBlank();
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
