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
 * payout executions by {@code reference_id} (UUID v4), status by reference, receipts. Request and
 * reply fields follow Dollr's API reference (its OpenAPI pages), not the seed's summary: a missing
 * required field is a FastAPI 422 {@code {"detail": [{loc, msg: "field required", type:
 * "value_error.missing"}]}}, as api-conventions shows, so a client sending the seed's shapes fails
 * here as it would at Dollr. Other errors: 401/403/404 {@code {"detail": "..."}}. The documented type
 * drift is enforced: executions want {@code session_id}, {@code payment_account_id} and
 * {@code payout_account_id} as strings, the payout session {@code payout_account_id} as an integer.
 * Reply shapes the reference leaves open are this sandbox's choices (providers/PAY4POWER_DOLLR.md).
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
    static final Set<String> METHODS = Set.of("MTN_MOMO_LBR", "ORANGE_MONEY_LBR", "AIRTEL_RWA", "MTN_MOMO_RWA",
            "ORANGE_MONEY_RWA", "CREDIT_CARD", "WALLET");
    static final Set<String> PROVIDERS = Set.of("MTN_MOMO_LBR", "ORANGE_MONEY_LBR", "PAWAPAY", "STRIPE", "PLATFORM");
    private static final Set<String> OPERATION_TYPES = Set.of("COLLECTION", "PAYOUT", "TRANSFER", "REFUND");
    private static final Set<String> FEE_BEARERS = Set.of("PAYER", "PAYEE");
    private static final Set<String> RELATIONSHIPS = Set.of("CUSTOMER", "FRIEND", "DONOR", "DONEE", "FAMILY", "EMPLOYEE",
            "SUPPLIER", "CONTACT", "SERVICE_PROVIDER", "PARTNER", "BENEFICIARY");
    private static final Pattern E164 = Pattern.compile("[1-9]\\d{7,14}");

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

    private record Account(long id, String operationType, String phone, String method, String provider, long partyId) {
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

        String number() {
            return "INV-" + id;
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
        Mono<ResponseEntity<Object>> missing = missing(body, "client_id", "client_secret");
        if (missing != null) {
            record.call(PROVIDER, "auth", null, null, "422");
            return missing;
        }
        String token = tokens.issue(str(body.get("client_id")), str(body.get("client_secret")));
        record.call(PROVIDER, "auth", null, null, token == null ? "401" : "200");
        if (token == null) {
            return detail(401, "Incorrect client credentials");
        }
        // expires_in is in minutes, as Dollr documents.
        return replies.ok(PROVIDER, Map.of("access_token", token, "expires_in", tokens.minutes()));
    }

    // ---- parties, counterparties, invoices -----------------------------------------------------

    /** PartyPayload: fullname and phone required (api-reference/parties/create-party). */
    @PostMapping(path = "/parties/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> party(@RequestHeader(name = "Authorization", required = false) String auth,
                                              @RequestBody Map<String, Object> body) {
        return authed(auth, "party", () -> {
            Mono<ResponseEntity<Object>> missing = missing(body, "fullname", "phone");
            if (missing != null) {
                return missing;
            }
            if (!E164.matcher(str(body.get("phone"))).matches()) {
                return invalid("phone", "string should match pattern '^[1-9]\\d{7,14}$'", "value_error.str.regex");
            }
            long id = ids.incrementAndGet();
            Map<String, Object> party = new LinkedHashMap<>();
            party.put("id", id);
            party.put("fullname", str(body.get("fullname")));
            party.put("phone", str(body.get("phone")));
            party.put("email", str(body.get("email")));
            party.put("country_code", str(body.get("country_code")));
            party.put("created_at", Instant.now().toString());
            party.put("updated_at", Instant.now().toString());
            parties.put(id, party);
            return replies.ok(PROVIDER, party);
        });
    }

    /** relationship_type required (one of the documented types); party_id optional but must exist. */
    @PostMapping(path = "/counterparties/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> counterparty(@RequestHeader(name = "Authorization", required = false) String auth,
                                                     @RequestBody Map<String, Object> body) {
        return authed(auth, "counterparty", () -> {
            Mono<ResponseEntity<Object>> missing = missing(body, "relationship_type");
            if (missing != null) {
                return missing;
            }
            String relationship = str(body.get("relationship_type"));
            if (!RELATIONSHIPS.contains(relationship)) {
                return invalid("relationship_type", "value is not a valid enumeration member", "type_error.enum");
            }
            Long partyId = integer(body.get("party_id"));
            if (body.get("party_id") != null && (partyId == null || !parties.containsKey(partyId))) {
                return detail(404, "Party not found");
            }
            long id = ids.incrementAndGet();
            Map<String, Object> cp = new LinkedHashMap<>();
            cp.put("id", id);
            cp.put("relationship_type", relationship);
            cp.put("party_id", partyId);
            cp.put("created_at", Instant.now().toString());
            cp.put("updated_at", Instant.now().toString());
            counterparties.put(id, cp);
            return replies.ok(PROVIDER, cp);
        });
    }

    /** counterparty_id, currency, note, fee_bearer (PAYER|PAYEE) and as_payment_link required (api/invoices). */
    @PostMapping(path = "/invoices/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> invoice(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @RequestBody Map<String, Object> body) {
        return authed(auth, "invoice", () -> {
            Mono<ResponseEntity<Object>> missing = missing(body, "counterparty_id", "currency", "note", "fee_bearer",
                    "as_payment_link");
            if (missing != null) {
                return missing;
            }
            String feeBearer = str(body.get("fee_bearer"));
            if (!FEE_BEARERS.contains(feeBearer)) {
                return invalid("fee_bearer", "value is not a valid enumeration member; permitted: 'PAYER', 'PAYEE'",
                        "type_error.enum");
            }
            if (!(body.get("as_payment_link") instanceof Boolean)) {
                return invalid("as_payment_link", "value could not be parsed to a boolean", "type_error.bool");
            }
            Long counterparty = integer(body.get("counterparty_id"));
            if (counterparty == null || !counterparties.containsKey(counterparty)) {
                return detail(404, "Counterparty not found");
            }
            String currency = str(body.get("currency"));
            if (!CURRENCIES.contains(currency)) {
                return invalid("currency", "Unsupported currency", "value_error");
            }
            long id = ids.incrementAndGet();
            Invoice invoice = new Invoice(id, counterparty, currency, feeBearer, str(body.get("note")));
            invoices.put(id, invoice);
            return replies.ok(PROVIDER, render(invoice));
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
            Mono<ResponseEntity<Object>> missing = missing(body, "name", "currency", "qty", "amount");
            if (missing != null) {
                return missing;
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
            item.put("created_at", Instant.now().toString());
            item.put("updated_at", Instant.now().toString());
            invoice.items.add(item);
            return replies.ok(PROVIDER, item);
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
            // InvoiceReceiptResponse (api-reference/invoices/retrieve-invoice-receipt-by-id), the fields a sandbox knows.
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("invoice_id", invoice.id);
            r.put("invoice_number", invoice.number());
            r.put("reference_id", null);
            r.put("currency", invoice.currency);
            r.put("total_amount", invoice.total());
            r.put("status", invoice.status);
            r.put("note", invoice.note);
            r.put("as_payment_link", false);
            r.put("fee_bearer", invoice.feeBearer);
            r.put("counterparty_id", invoice.counterpartyId);
            r.put("relationship_type", "CUSTOMER");
            r.put("paid_at", invoice.paidAt == null ? null : invoice.paidAt.toString());
            r.put("payer_amount", tx == null ? invoice.total() : tx.details().get("payer_amount"));
            r.put("payer_currency", invoice.currency);
            r.put("payee_amount", tx == null ? invoice.total() : tx.details().get("payee_amount"));
            r.put("payee_currency", invoice.currency);
            r.put("platform_fee", tx == null ? BigDecimal.ZERO : tx.details().get("fee"));
            r.put("platform_currency", invoice.currency);
            r.put("fx_rate", "1.00");
            r.put("payment_provider", tx == null ? null : tx.details().get("provider"));
            r.put("payment_method", tx == null ? null : tx.details().get("method"));
            r.put("provider_transaction_id", tx == null ? null : tx.providerTransactionId());
            r.put("items", invoice.items);
            return replies.ok(PROVIDER, r);
        });
    }

    // ---- predictions ---------------------------------------------------------------------------

    /**
     * Query base_amount, base_currency, target_currency, payment_method, operation_type, provider and
     * fee_bearer all required (api-reference/predictions/predict-amount-and-fee). The sandbox has no FX:
     * a target currency other than the base one is refused.
     */
    @GetMapping(path = "/predictions/amount-and-fees", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> fees(@RequestHeader(name = "Authorization", required = false) String auth,
                                             @RequestParam Map<String, String> query) {
        return authed(auth, "predict-fees", () -> {
            Mono<ResponseEntity<Object>> missing = missingQuery(query, "base_amount", "base_currency", "target_currency",
                    "payment_method", "operation_type", "provider", "fee_bearer");
            if (missing != null) {
                return missing;
            }
            BigDecimal value = decimal(query.get("base_amount"));
            String currency = query.get("base_currency");
            if (value == null || value.signum() <= 0) {
                return invalidQuery("base_amount", "value is not a valid float", "type_error.float");
            }
            if (!CURRENCIES.contains(currency) || !currency.equals(query.get("target_currency"))) {
                return invalidQuery("target_currency", "the sandbox has no FX: target_currency must be base_currency",
                        "value_error");
            }
            if (!FEE_BEARERS.contains(query.get("fee_bearer")) || !METHODS.contains(query.get("payment_method"))
                    || !PROVIDERS.contains(query.get("provider"))
                    || !OPERATION_TYPES.contains(query.get("operation_type"))) {
                return invalidQuery("fee_bearer", "value is not a valid enumeration member", "type_error.enum");
            }
            BigDecimal fee = fee(value, currency);
            boolean payerPays = "PAYER".equals(query.get("fee_bearer"));
            int digits = digits(currency);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("payer_amount", (payerPays ? value.add(fee) : value).setScale(digits, RoundingMode.HALF_UP).toPlainString());
            r.put("payer_currency", currency);
            r.put("payee_amount", (payerPays ? value : value.subtract(fee)).setScale(digits, RoundingMode.HALF_UP)
                    .toPlainString());
            r.put("payee_currency", currency);
            r.put("platform_fee", fee.toPlainString());
            r.put("platform_currency", currency);
            r.put("fx_fee", null);
            r.put("gateway_fee", null);
            r.put("gateway_currency", null);
            return replies.ok(PROVIDER, r);
        });
    }

    /** Query phone and operation_type; the reply names the wallet's payment_method and gateway_provider. */
    @GetMapping(path = "/predictions/mmo-provider-info", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> mmo(@RequestHeader(name = "Authorization", required = false) String auth,
                                            @RequestParam Map<String, String> query) {
        return authed(auth, "predict-mmo", () -> {
            Mono<ResponseEntity<Object>> missing = missingQuery(query, "phone", "operation_type");
            if (missing != null) {
                return missing;
            }
            String phone = query.get("phone");
            String method = method(phone);
            if (method == null) {
                return invalidQuery("phone", "No mobile money operator for this number", "value_error");
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("phone", phone);
            r.put("operation_type", query.get("operation_type"));
            r.put("payment_method", method);
            // Every mobile-money market routes through pawaPay (reference/payments-by-market).
            r.put("gateway_provider", "PAWAPAY");
            return replies.ok(PROVIDER, r);
        });
    }

    // ---- sessions and accounts -----------------------------------------------------------------

    @PostMapping(path = "/sessions/checkout", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> checkout(@RequestHeader(name = "Authorization", required = false) String auth,
                                                 @RequestBody Map<String, Object> body) {
        return authed(auth, "session-checkout", () -> {
            Mono<ResponseEntity<Object>> missing = missing(body, "source_id");
            if (missing != null) {
                return missing;
            }
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
            return replies.ok(PROVIDER, render(session, sourceType));
        });
    }

    /**
     * CreatePayoutSessionPayload: payout_account_id (integer), amount and currency, all required
     * (api-reference/sessions/create-payout-session). The seed's wallet_id, payment_account_id and
     * expires_at are not fields of it: without payout_account_id the request is a 422.
     */
    @PostMapping(path = "/sessions/payout", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> payoutSession(@RequestHeader(name = "Authorization", required = false) String auth,
                                                      @RequestBody Map<String, Object> body) {
        return authed(auth, "session-payout", () -> {
            Mono<ResponseEntity<Object>> missing = missing(body, "payout_account_id", "amount", "currency");
            if (missing != null) {
                return missing;
            }
            Long accountId = integer(body.get("payout_account_id"));
            if (accountId == null) {
                return invalid("payout_account_id", "value is not a valid integer", "type_error.integer");
            }
            Account account = accounts.get(accountId);
            if (account == null || !"PAYOUT".equals(account.operationType())) {
                return detail(404, "Payout account not found");
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
            Session session = new Session(ids.incrementAndGet(), "PAYOUT", 0, accountId, amount, currency,
                    Instant.now().plus(Duration.ofMinutes(15)), Instant.now());
            sessions.put(session.id(), session);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", session.id());
            r.put("wallet_id", 1);
            r.put("payout_account_id", accountId);
            r.put("amount", amount);
            r.put("currency", currency);
            r.put("status", "OPEN");
            r.put("expires_at", session.expiresAt().toString());
            r.put("created_at", session.createdAt().toString());
            r.put("updated_at", session.createdAt().toString());
            return replies.ok(PROVIDER, r);
        });
    }

    @PostMapping(path = "/payment-accounts/create", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> account(@RequestHeader(name = "Authorization", required = false) String auth,
                                                @RequestParam(name = "operation_type", required = false) String operationType,
                                                @RequestBody Map<String, Object> body) {
        return authed(auth, "payment-account", () -> {
            if (!OPERATION_TYPES.contains(operationType)) {
                return operationType == null ? missingQuery(Map.of(), "operation_type")
                        : invalidQuery("operation_type", "value is not a valid enumeration member", "type_error.enum");
            }
            Mono<ResponseEntity<Object>> missing = missing(body, "account_name", "provider", "method", "party_id");
            if (missing != null) {
                return missing;
            }
            if (!PROVIDERS.contains(str(body.get("provider")))) {
                return invalid("provider", "value is not a valid enumeration member", "type_error.enum");
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
            if (!METHODS.contains(method)) {
                return invalid("method", "value is not a valid enumeration member", "type_error.enum");
            }
            // Mobile-money accounts are reused per party, phone, method and operation.
            Account account = accounts.values().stream().filter(a -> a.partyId() == partyId && a.phone().equals(phone)
                    && a.method().equals(method) && a.operationType().equals(operationType)).findFirst().orElse(null);
            if (account == null) {
                account = new Account(ids.incrementAndGet(), operationType, phone, method, str(body.get("provider")),
                        partyId);
                accounts.put(account.id(), account);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", account.id());
            r.put("account_name", str(body.get("account_name")));
            r.put("provider", str(body.get("provider")));
            r.put("method", method);
            r.put("party_id", partyId);
            r.put("country_code", str(body.get("country_code")));
            r.put("is_active", true);
            r.put("created_at", Instant.now().toString());
            r.put("updated_at", Instant.now().toString());
            return replies.ok(PROVIDER, r);
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
        Mono<ResponseEntity<Object>> missing = missing(body, "session_id", "payment_account_id", "currency",
                "reference_id");
        if (missing != null) {
            record.call(PROVIDER, "collection", reference, null, "422");
            return missing;
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
            boolean customerPays = "PAYER".equals(invoice.feeBearer);
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
        Mono<ResponseEntity<Object>> missing = missing(body, "session_id", "payout_account_id", "reference_id",
                "passcode");
        if (missing != null) {
            record.call(PROVIDER, "payout", reference, null, "422");
            return missing;
        }
        if (!(body.get("session_id") instanceof String sessionText)) {
            return rejected("payout", reference, "session_id", "Input should be a valid string", "string_type");
        }
        // PayoutExecutionPayload types payout_account_id as a string (api-reference/executions/payout).
        if (!(body.get("payout_account_id") instanceof String accountText)) {
            return rejected("payout", reference, "payout_account_id", "Input should be a valid string", "string_type");
        }
        if (reference == null || !UUID_V4.matcher(reference).matches()) {
            return rejected("payout", reference, "reference_id", "reference_id must be a UUID v4", "uuid_version");
        }
        String passcodeProblem = passcode(body.get("passcode"));
        if (passcodeProblem != null && passcodeProblem.startsWith("422:")) {
            return rejected("payout", reference, passcodeProblem.substring(4), "field required", "value_error.missing");
        }
        if (passcodeProblem != null) {
            record.call(PROVIDER, "payout", reference, null, "403");
            return detail(403, passcodeProblem);
        }
        Session session = sessions.get(integer(sessionText));
        Account account = accounts.get(integer(accountText));
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
            tx.details().put("provider", account.provider());
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

    /** ExecutionResponse (api-reference/executions/collect, status/get-payout-status). */
    private Map<String, Object> render(SandboxTransaction tx) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("reference_id", tx.reference());
        r.put("status", word(tx.status()));
        r.put("payer_amount", tx.details().get("payer_amount"));
        r.put("payer_currency", tx.currency());
        r.put("payee_currency", tx.currency());
        r.put("payee_amount", tx.details().get("payee_amount"));
        r.put("operation_type", tx.operation().toUpperCase(java.util.Locale.ROOT));
        r.put("provider_transaction_id", tx.status() == Scenario.Status.SUCCEEDED ? tx.providerTransactionId() : null);
        r.put("gateway_message", message(tx));
        r.put("wallet_message", null);
        r.put("client_secret", null);
        r.put("requires_action", false);
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
        r.put("invoice_number", invoice.number());
        r.put("counterparty_id", invoice.counterpartyId);
        r.put("currency", invoice.currency);
        r.put("note", invoice.note);
        r.put("fee_bearer", invoice.feeBearer);
        r.put("as_payment_link", false);
        r.put("status", invoice.status);
        r.put("total_amount", invoice.total().setScale(digits(invoice.currency), RoundingMode.HALF_UP));
        r.put("invoice_items", invoice.items);
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

    private Mono<ResponseEntity<Object>> invalidQuery(String field, String msg, String type) {
        return replies.status(PROVIDER, 422, Map.of("detail", List.of(Map.of("loc", List.of("query", field), "msg", msg,
                "type", type))));
    }

    /** FastAPI's answer to missing required body fields, one detail per field (api-conventions), or null. */
    private Mono<ResponseEntity<Object>> missing(Map<String, Object> body, String... required) {
        return missingIn("body", required, f -> blank(body.get(f)));
    }

    private Mono<ResponseEntity<Object>> missingQuery(Map<String, String> query, String... required) {
        return missingIn("query", required, f -> blank(query.get(f)));
    }

    private Mono<ResponseEntity<Object>> missingIn(String where, String[] required,
                                                   java.util.function.Predicate<String> absent) {
        List<Object> details = new ArrayList<>();
        for (String field : required) {
            if (absent.test(field)) {
                details.add(Map.of("loc", List.of(where, field), "msg", "field required", "type", "value_error.missing"));
            }
        }
        return details.isEmpty() ? null : replies.status(PROVIDER, 422, Map.of("detail", details));
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
