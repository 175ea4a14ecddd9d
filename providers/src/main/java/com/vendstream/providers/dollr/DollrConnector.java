package com.vendstream.providers.dollr;

import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.mobilemoney.MobileMoneyException;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.Money;
import com.vendstream.providers.support.Lenient;
import com.vendstream.providers.support.ProviderAuthException;
import com.vendstream.providers.support.ProviderHttp;
import com.vendstream.providers.support.RetryAfter;
import com.vendstream.providers.support.TokenCache;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Dollr (docs.heydollr.app): client-credentials JWT whose {@code expires_in} is in minutes, renewed by
 * {@link TokenCache} (five minutes early, or at three quarters of a short lifetime) by one caller
 * while the others wait, and once on a 401; invoice-based collection and payouts executed by our
 * UUID v4 {@code reference_id}; 429 waited out per Retry-After and resent with the same reference.
 * Every request and reply follows Dollr's API reference field by field (providers/PAY4POWER_DOLLR.md).
 * Safe to share between threads.
 */
public class DollrConnector implements MobileMoneyConnector {

    private static final Logger log = LoggerFactory.getLogger(DollrConnector.class);
    private static final int MAX_429_RETRIES = 2;

    /** A reply as received, whatever its status. */
    record Reply(int status, String retryAfter, String body) {
        JsonNode json() {
            return Lenient.parse(body);
        }
    }

    /** How a call ended without a reply: refused (nothing sent) or lost after sending. */
    private static final class NoReply extends RuntimeException {
        final boolean sent;

        NoReply(boolean sent, String message) {
            super(message);
            this.sent = sent;
        }
    }

    /** Waits out a Retry-After; replaceable so a test can observe the waits. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final DollrProperties properties;
    private final RestClient http;
    private final Clock clock;
    private final Sleeper sleeper;
    private final TokenCache tokens;
    private final AtomicInteger tokenFetches = new AtomicInteger();

    public DollrConnector(DollrProperties properties) {
        this(properties, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    public DollrConnector(DollrProperties properties, Clock clock, Sleeper sleeper) {
        this.properties = properties;
        this.clock = clock;
        this.sleeper = sleeper;
        this.http = ProviderHttp.client(properties.baseUrl(), properties.connectTimeout(), properties.readTimeout());
        // The same sleeper waits out the token endpoint's Retry-After, so tests can observe those waits too.
        this.tokens = new TokenCache("dollr", this::obtainToken, null, properties.refreshAhead(), clock,
                TokenCache.Policy.DEFAULT, sleeper::sleep, Metrics.globalRegistry);
    }

    @Override
    public String id() {
        return "dollr";
    }

    /** A fresh reference_id: Dollr requires a UUID v4 on every execution. */
    public static String newReference() {
        return UUID.randomUUID().toString();
    }

    /** Tokens obtained so far (metrics, tests). */
    public int tokenFetches() {
        return tokenFetches.get();
    }

    @Override
    public String accessToken() {
        return bearer();
    }

    /** The session, or the reason there is none in Dollr's terms (nothing was sent). */
    private String bearer() {
        try {
            return tokens.token();
        } catch (ProviderAuthException e) {
            throw noSession(e);
        }
    }

    private String renewAfterRejection(String rejected) {
        try {
            return tokens.renewAfterRejection(rejected);
        } catch (ProviderAuthException e) {
            throw noSession(e);
        }
    }

    /**
     * No session: REFUSED credentials are UNAUTHORIZED (definite); a token endpoint answering 429 is THROTTLED,
     * with or without a Retry-After; anything else passes as UNAVAILABLE, which is Dollr being down.
     */
    private static MobileMoneyException noSession(ProviderAuthException e) {
        MobileMoneyException.Kind kind = e.kind() == ProviderAuthException.Kind.REFUSED
                ? MobileMoneyException.Kind.UNAUTHORIZED
                : e.throttled() ? MobileMoneyException.Kind.THROTTLED : MobileMoneyException.Kind.UNAVAILABLE;
        return new MobileMoneyException(kind, 0, e.getMessage(), e.retryAfter());
    }

    private TokenCache.Session obtainToken() {
        Map<String, Object> body = Map.of("client_id", properties.clientId(), "client_secret", properties.clientSecret());
        Reply reply;
        try {
            reply = exchange(HttpMethod.POST, "/jwt/client/obtain/token", body, null);
        } catch (NoReply e) {
            throw ProviderAuthException.unavailable("token endpoint: " + e.getMessage(), Duration.ZERO);
        }
        JsonNode root = reply.json();
        String token = reply.status() / 100 == 2 ? Lenient.text(root, "access_token") : null;
        if (token == null) {
            String why = "token endpoint answered HTTP " + reply.status();
            int status = reply.status();
            if (status == 429) {
                // Throttled, with or without a Retry-After: TokenCache retries it and the mark reaches the caller.
                throw ProviderAuthException.throttled(why, RetryAfter.parse(reply.retryAfter(), clock));
            }
            if (status >= 500 || status == 408 || status / 100 == 2) {
                // Failing or unreadable: TokenCache retries it, honouring Retry-After.
                throw ProviderAuthException.unavailable(why, RetryAfter.parse(reply.retryAfter(), clock));
            }
            throw ProviderAuthException.refused(why);
        }
        // Dollr's expires_in is in MINUTES (60 = one hour), unlike OAuth's seconds.
        Long minutes = Lenient.whole(Lenient.text(root, "expires_in"));
        Duration lifetime = Duration.ofMinutes(minutes == null || minutes <= 0 ? 60 : minutes);
        tokenFetches.incrementAndGet();
        return new TokenCache.Session(token, null, clock.instant().plus(lifetime));
    }

    // ---- setup calls -------------------------------------------------------------------------

    /** {@code POST /parties/create {fullname, phone, email?, country_code?}} (api-reference/parties/create-party). */
    @Override
    public long createParty(NewParty party) {
        if (party.phone() == null) {
            throw new IllegalArgumentException("Dollr requires the party's phone");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("fullname", party.fullname());
        body.put("phone", DollrTransformer.phone(party.phone()));
        if (party.email() != null) {
            body.put("email", party.email());
        }
        if (party.countryCode() != null) {
            body.put("country_code", party.countryCode());
        }
        return number(setup(HttpMethod.POST, "/parties/create", body, "party"));
    }

    /** {@code POST /counterparties/create {relationship_type, party_id}} (api/counterparties). */
    @Override
    public long createCounterparty(long partyId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("relationship_type", "CUSTOMER");
        body.put("party_id", partyId);
        return number(setup(HttpMethod.POST, "/counterparties/create", body, "counterparty"));
    }

    /** {@code POST /invoices/create {counterparty_id, currency, note, fee_bearer PAYER|PAYEE, as_payment_link}}. */
    @Override
    public long createInvoice(NewInvoice invoice) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("counterparty_id", invoice.counterpartyId());
        body.put("currency", invoice.currency());
        body.put("note", invoice.note());
        body.put("fee_bearer", feeBearer(invoice.feeBearer()));
        body.put("as_payment_link", false);
        return number(setup(HttpMethod.POST, "/invoices/create", body, "invoice"));
    }

    /** {@code POST /invoices/{invoice_id}/items/add {name, currency, qty, amount}} (amount a JSON number). */
    @Override
    public void addInvoiceItem(long invoiceId, InvoiceItem item) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", item.name());
        body.put("currency", item.currency());
        body.put("qty", item.qty());
        body.put("amount", Money.of(item.amountMinor(), item.currency()).toDecimal());
        call(HttpMethod.POST, "/invoices/" + invoiceId + "/items/add", body);
    }

    @Override
    public void publishInvoice(long invoiceId) {
        call(HttpMethod.PUT, "/invoices/publish/" + invoiceId, null);
    }

    /**
     * {@code GET /predictions/amount-and-fees?base_amount&base_currency&target_currency&payment_method
     * &operation_type&provider&fee_bearer} → {@code {payer_amount, payer_currency, payee_amount,
     * payee_currency, platform_fee, ...}} (api/predictions, api-reference/predictions/predict-amount-and-fee).
     */
    @Override
    public FeePreview previewFees(FeeQuery q) {
        String target = q.targetCurrency() == null ? q.baseCurrency() : q.targetCurrency();
        String uri = "/predictions/amount-and-fees?base_amount="
                + Money.of(q.amountMinor(), q.baseCurrency()).toDecimal().toPlainString()
                + "&base_currency=" + q.baseCurrency() + "&target_currency=" + target
                + "&payment_method=" + q.paymentMethod() + "&operation_type=" + q.operationType().name()
                + "&provider=" + q.provider() + "&fee_bearer=" + feeBearer(q.feeBearer());
        JsonNode root = call(HttpMethod.GET, uri, null);
        String payerCurrency = orElse(Lenient.text(root, "payer_currency"), target);
        String payeeCurrency = orElse(Lenient.text(root, "payee_currency"), q.baseCurrency());
        Long payer = Lenient.minor("dollr", "payer_amount", Lenient.text(root, "payer_amount"), payerCurrency);
        Long payee = Lenient.minor("dollr", "payee_amount", Lenient.text(root, "payee_amount"), payeeCurrency);
        return new FeePreview(payer, payerCurrency, payee, payeeCurrency,
                DollrTransformer.fee(payer, payerCurrency, payee, payeeCurrency));
    }

    /**
     * {@code GET /predictions/mmo-provider-info?phone&operation_type} → the {@code payment_method} and
     * {@code gateway_provider} to register the wallet with (api/predictions). The reference shows no
     * country in the reply: it is taken from the method's market suffix (_LBR Liberia, _RWA Rwanda).
     */
    @Override
    public MmoInfo detectMmo(String phone, OperationType operationType) {
        JsonNode root = call(HttpMethod.GET, "/predictions/mmo-provider-info?phone=" + DollrTransformer.phone(phone)
                + "&operation_type=" + operationType.name(), null);
        String method = Lenient.text(root, "payment_method", "method");
        String country = Lenient.text(root, "country_code", "country");
        return new MmoInfo(method, Lenient.text(root, "gateway_provider", "provider"),
                country != null ? country : DollrTransformer.country(method));
    }

    /** {@code POST /sessions/checkout {source_id, source_type: INVOICE}} → {@code {id,...}}. */
    @Override
    public String createCheckoutSession(long invoiceId) {
        // source_type here; the older /checkouts/create calls the same field source_kind.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source_id", invoiceId);
        body.put("source_type", "INVOICE");
        return setup(HttpMethod.POST, "/sessions/checkout", body, "session");
    }

    /**
     * {@code POST /payment-accounts/create?operation_type= {account_name, provider, method, party_id,
     * country_code, insensitive_account_number}} → {@code {id, is_active,...}}.
     */
    @Override
    public String createPaymentAccount(OperationType operationType, NewPaymentAccount account) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account_name", account.accountName());
        body.put("provider", account.provider());
        body.put("method", account.method());
        body.put("party_id", account.partyId());
        body.put("country_code", account.countryCode());
        body.put("insensitive_account_number", DollrTransformer.phone(account.phone()));
        JsonNode root = call(HttpMethod.POST, "/payment-accounts/create?operation_type=" + operationType.name(), body);
        JsonNode node = root.has("id") ? root : root.path("payment_account");
        if (!node.path("is_active").asBoolean(true)) {
            throw new MobileMoneyException(MobileMoneyException.Kind.VALIDATION, 200, "payment account is not active");
        }
        return required(DollrTransformer.id(root, "payment_account"), "payment_account");
    }

    /**
     * {@code POST /sessions/payout {payout_account_id (integer), amount, currency}} → {@code {id,
     * wallet_id, payout_account_id, amount, currency, status, expires_at,...}}
     * (api-reference/sessions/create-payout-session; the seed's wallet_id/payment_account_id/expires_at
     * are not the reference's). A session for another account or amount than asked is not executed.
     */
    @Override
    public String createPayoutSession(NewPayoutSession session) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("payout_account_id", numberIfNumeric(session.payoutAccountId()));
        body.put("amount", Money.of(session.amountMinor(), session.currency()).toDecimal());
        body.put("currency", session.currency());
        JsonNode root = call(HttpMethod.POST, "/sessions/payout", body);
        String account = Lenient.text(root, "payout_account_id");
        String amount = Lenient.text(root, "amount");
        String currency = Lenient.text(root, "currency");
        if ((account != null && !account.equals(session.payoutAccountId()))
                || (amount != null && !sameAmount(amount, session.amountMinor(), session.currency()))
                || (currency != null && !currency.equalsIgnoreCase(session.currency()))) {
            throw new MobileMoneyException(MobileMoneyException.Kind.VALIDATION, 200,
                    "the payout session Dollr created does not match the request");
        }
        return required(DollrTransformer.id(root, "session"), "session");
    }

    /**
     * {@code GET /invoices/receipt/{id}} → InvoiceReceiptResponse ({@code invoice_id, currency,
     * total_amount, status, payer_amount, payer_currency, payee_amount, payee_currency, fx_rate,
     * payment_provider, items[{name, qty, amount, currency}], ...}).
     */
    @Override
    public Receipt receipt(long invoiceId) {
        JsonNode root = call(HttpMethod.GET, "/invoices/receipt/" + invoiceId, null);
        JsonNode r = root.has("currency") ? root : root.path("receipt");
        String currency = Lenient.text(r, "currency");
        List<Receipt.Line> lines = new ArrayList<>();
        for (JsonNode item : r.path("items").values()) {
            Long qty = Lenient.whole(Lenient.text(item, "qty", "quantity"));
            String itemCurrency = orElse(Lenient.text(item, "currency"), currency);
            lines.add(new Receipt.Line(Lenient.text(item, "name"), qty == null ? 1 : qty.intValue(),
                    Lenient.minor("dollr", "amount", Lenient.text(item, "amount"), itemCurrency)));
        }
        String payerCurrency = orElse(Lenient.text(r, "payer_currency"), currency);
        String payeeCurrency = orElse(Lenient.text(r, "payee_currency"), currency);
        Long payer = Lenient.minor("dollr", "payer_amount", Lenient.text(r, "payer_amount"), payerCurrency);
        Long payee = Lenient.minor("dollr", "payee_amount", Lenient.text(r, "payee_amount"), payeeCurrency);
        boolean sameCurrency = payerCurrency != null && payerCurrency.equalsIgnoreCase(currency);
        return new Receipt(invoiceId, Lenient.text(r, "status"), currency,
                Lenient.minor("dollr", "total_amount", Lenient.text(r, "total_amount"), currency),
                sameCurrency ? DollrTransformer.fee(payer, payerCurrency, payee, payeeCurrency) : null,
                sameCurrency ? payer : null, Lenient.text(r, "fx_rate"), Lenient.text(r, "payment_provider"), lines);
    }

    /** A number that is not a whole number of minor units cannot be the amount we asked for; a non-number is not read. */
    private static boolean sameAmount(String amount, long minor, String currency) {
        try {
            Money theirs = Money.parse(amount, currency);
            return theirs == null || theirs.minor() == minor;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String feeBearer(FeeBearer bearer) {
        return (bearer == null ? FeeBearer.PAYEE : bearer).name();
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    // ---- executions and status ---------------------------------------------------------------

    /** {@code POST /executions/collection {session_id (string), payment_account_id (string), currency, reference_id}}. */
    @Override
    public PaymentOutcome executeCollection(String sessionId, String paymentAccountId, String currency,
                                            String referenceId) {
        Map<String, Object> body = new LinkedHashMap<>();
        // Executions take these ids as strings even though sessions and accounts return integers.
        body.put("session_id", String.valueOf(sessionId));
        body.put("payment_account_id", String.valueOf(paymentAccountId));
        body.put("currency", currency);
        body.put("reference_id", referenceId);
        PaymentOutcome outcome = execute("/executions/collection", body, referenceId, currency);
        log.info("Dollr collection {}: {} ({})", referenceId, outcome.status(), outcome.providerStatus());
        return outcome;
    }

    /**
     * {@code POST /executions/payout {session_id, payout_account_id, reference_id, passcode: {token:
     * {phone | user_id, code}, device: {name, type, platform, user_agent, client_ip}}}}; every id a
     * string (api-reference/executions/payout).
     */
    @Override
    public PaymentOutcome executePayout(String sessionId, String payoutAccountId, String referenceId) {
        DollrProperties.PayoutPasscode passcode = properties.payoutPasscode();
        if (passcode == null || passcode.code() == null || (passcode.phone() == null && passcode.userId() == null)) {
            return new PaymentOutcome(PaymentOutcome.Status.FAILED, referenceId, "no payout passcode configured", null,
                    null, Decision.FAIL, "NO PASSCODE");
        }
        Map<String, Object> token = new LinkedHashMap<>();
        if (passcode.phone() != null) {
            token.put("phone", DollrTransformer.phone(passcode.phone()));
        } else {
            token.put("user_id", passcode.userId());
        }
        token.put("code", passcode.code());
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("name", passcode.deviceName() == null ? "vendstream" : passcode.deviceName());
        device.put("type", "SERVER");
        device.put("platform", passcode.devicePlatform() == null ? "linux" : passcode.devicePlatform());
        device.put("user_agent", passcode.deviceUserAgent() == null ? "vendstream-dollr/1" : passcode.deviceUserAgent());
        device.put("client_ip", passcode.deviceClientIp() == null ? "127.0.0.1" : passcode.deviceClientIp());
        Map<String, Object> code = new LinkedHashMap<>();
        code.put("token", token);
        code.put("device", device);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session_id", String.valueOf(sessionId));
        body.put("payout_account_id", String.valueOf(payoutAccountId));
        body.put("reference_id", referenceId);
        body.put("passcode", code);
        PaymentOutcome outcome = execute("/executions/payout", body, referenceId, null);
        log.info("Dollr payout {}: {} ({})", referenceId, outcome.status(), outcome.providerStatus());
        return outcome;
    }

    @Override
    public PaymentOutcome collectionStatus(String referenceId) {
        return status("/status/collection/" + referenceId, referenceId);
    }

    @Override
    public PaymentOutcome payoutStatus(String referenceId) {
        return status("/status/payout/" + referenceId, referenceId);
    }

    private PaymentOutcome execute(String path, Map<String, Object> body, String referenceId, String currency) {
        Reply reply;
        try {
            reply = send(HttpMethod.POST, path, body);
        } catch (MobileMoneyException e) {
            // No token, so the execution was never sent: refused credentials stay refused, anything else passes
            // (a throttled token endpoint carries the throttled mark of the 429 row).
            if (e.kind() == MobileMoneyException.Kind.UNAUTHORIZED) {
                return DollrTransformer.of(rule("CREDENTIALS REFUSED"), referenceId, "no token: " + e.getMessage(), null,
                        null, "CREDENTIALS REFUSED");
            }
            PaymentOutcome notSent = DollrTransformer.of(rule(e.kind() == MobileMoneyException.Kind.THROTTLED
                    ? "HTTP 429" : "NOT SENT"), referenceId, "no token: " + e.getMessage(), null, null, "NOT SENT",
                    e.retryAfter());
            return e.providerDown() ? notSent.asProviderDown() : notSent;
        } catch (NoReply e) {
            return (e.sent ? DollrTransformer.of(rule("TIMEOUT"), referenceId, e.getMessage(), null, null, "TIMEOUT")
                    : DollrTransformer.of(rule("NOT SENT"), referenceId, e.getMessage(), null, null, "NOT SENT"))
                    .asProviderDown();
        }
        if (reply.status() >= 500) {
            return DollrTransformer.of(DollrStatuses.http(reply.status(), false), referenceId,
                    DollrTransformer.detail(reply.json()), null, null, "HTTP " + reply.status()).asProviderDown();
        }
        if (reply.status() / 100 == 2) {
            return DollrTransformer.outcome(referenceId, reply.body(), currency);
        }
        JsonNode root = reply.json();
        boolean duplicate = reply.status() == 422 && DollrTransformer.duplicate(root);
        CodeRule r = DollrStatuses.http(reply.status(), duplicate);
        if (reply.status() == 401) {
            // Still refused with a token renewed just now: nothing was executed; a later attempt may pass.
            return DollrTransformer.of(r, referenceId, "unauthorized with a fresh token", null, null, "HTTP 401");
        }
        return DollrTransformer.of(r, referenceId, DollrTransformer.detail(root), null, null,
                "HTTP " + reply.status() + (duplicate ? " duplicate" : ""),
                reply.status() == 429 ? RetryAfter.parse(reply.retryAfter(), clock) : null);
    }

    private PaymentOutcome status(String path, String referenceId) {
        Reply reply;
        try {
            reply = send(HttpMethod.GET, path, null);
        } catch (MobileMoneyException e) {
            return new PaymentOutcome(PaymentOutcome.Status.PENDING, referenceId, "status not read: " + e.getMessage(),
                    null, null, Decision.RETRY, "NOT SENT", null, e.retryAfter(),
                    e.kind() == MobileMoneyException.Kind.THROTTLED, e.providerDown());
        } catch (NoReply e) {
            return new PaymentOutcome(PaymentOutcome.Status.PENDING, referenceId, "status not read: " + e.getMessage(),
                    null, null, Decision.REQUERY, "NOT SENT").asProviderDown();
        }
        if (reply.status() / 100 == 2) {
            return DollrTransformer.outcome(referenceId, reply.body(), null);
        }
        if (reply.status() == 404) {
            return DollrTransformer.of(rule("STATUS HTTP 404"), referenceId, DollrTransformer.detail(reply.json()), null,
                    null, "HTTP 404");
        }
        // A status query that failed says nothing about the payment itself.
        Decision decision = reply.status() == 429 || reply.status() == 401 ? Decision.RETRY
                : reply.status() == 403 ? Decision.MANUAL : Decision.REQUERY;
        boolean throttled = DollrStatuses.http(reply.status(), false).throttled();
        return new PaymentOutcome(PaymentOutcome.Status.PENDING, referenceId, "status query answered HTTP "
                + reply.status(), null, null, decision, "HTTP " + reply.status(), null,
                throttled ? RetryAfter.parse(reply.retryAfter(), clock) : null, throttled, reply.status() >= 500);
    }

    private static CodeRule rule(String key) {
        return DollrStatuses.TABLE.rule(key).orElseThrow();
    }

    // ---- transport ---------------------------------------------------------------------------

    /** A setup call: its JSON, or a {@link MobileMoneyException}. */
    private JsonNode call(HttpMethod method, String path, Object body) {
        Reply reply;
        try {
            reply = send(method, path, body);
        } catch (NoReply e) {
            throw new MobileMoneyException(MobileMoneyException.Kind.UNAVAILABLE, 0, path + ": " + e.getMessage());
        }
        JsonNode root = reply.json();
        if (reply.status() / 100 == 2) {
            if (root == null) {
                throw new MobileMoneyException(MobileMoneyException.Kind.UNAVAILABLE, reply.status(), path + ": reply is not JSON");
            }
            return root;
        }
        MobileMoneyException.Kind kind = switch (reply.status()) {
            case 401 -> MobileMoneyException.Kind.UNAUTHORIZED;
            case 403 -> MobileMoneyException.Kind.FORBIDDEN;
            case 404 -> MobileMoneyException.Kind.NOT_FOUND;
            case 400, 409, 422 -> MobileMoneyException.Kind.VALIDATION;
            case 429 -> MobileMoneyException.Kind.THROTTLED;
            default -> MobileMoneyException.Kind.UNAVAILABLE;
        };
        // The path may carry a phone (?phone=...) and Dollr's detail may echo one: callers log these messages.
        String message = path.replaceAll("\\?.*$", "?…") + ": HTTP " + reply.status() + " " + DollrTransformer.detail(root);
        throw new MobileMoneyException(kind, reply.status(), message.replaceAll("\\d{6,}", "****"));
    }

    private String setup(HttpMethod method, String path, Object body, String entity) {
        return required(DollrTransformer.id(call(method, path, body), entity), entity);
    }

    private static String required(String id, String entity) {
        if (id == null) {
            throw new MobileMoneyException(MobileMoneyException.Kind.UNAVAILABLE, 200, "no " + entity + " id in the reply");
        }
        return id;
    }

    private static long number(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new MobileMoneyException(MobileMoneyException.Kind.UNAVAILABLE, 200, "id is not a number");
        }
    }

    private static Object numberIfNumeric(String id) {
        return id != null && id.matches("\\d{1,18}") ? (Object) Long.parseLong(id) : id;
    }

    /**
     * One logical call: with the bearer token; a 401 renews the token once and resends; a 429 is
     * waited out (Retry-After, capped) and resent with the same body, hence the same reference_id.
     */
    Reply send(HttpMethod method, String path, Object body) {
        String bearer = bearer();
        Reply reply = exchange(method, path, body, bearer);
        boolean renewed = false;
        int throttled = 0;
        while (true) {
            if (reply.status() == 401 && !renewed) {
                renewed = true;
                bearer = renewAfterRejection(bearer);
            } else if (reply.status() == 429 && throttled < MAX_429_RETRIES) {
                Duration wait = retryAfter(reply.retryAfter(), throttled);
                if (wait.compareTo(properties.maxRetryAfter()) > 0) {
                    return reply;
                }
                throttled++;
                log.info("Dollr {} throttled; waiting {} before resending", path.replaceAll("/[0-9a-f-]{36}$", "/{ref}"),
                        wait);
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return reply;
                }
            } else {
                return reply;
            }
            reply = exchange(method, path, body, bearer);
        }
    }

    /** Seconds or an HTTP date; without a readable header, 1 s then 2 s. */
    Duration retryAfter(String header, int attempt) {
        Duration asked = RetryAfter.parse(header, clock);
        boolean zeroAsked = header != null && header.trim().equals("0");
        return asked.isZero() && !zeroAsked ? Duration.ofSeconds(1L << attempt) : asked;
    }

    private Reply exchange(HttpMethod method, String path, Object body, String bearer) {
        RestClient.RequestBodySpec spec = http.method(method).uri(path).accept(MediaType.APPLICATION_JSON);
        if (bearer != null) {
            spec = spec.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            spec = spec.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        try {
            return spec.exchange((request, response) -> new Reply(response.getStatusCode().value(),
                    response.getHeaders().getFirst("Retry-After"), read(response.getBody())));
        } catch (ResourceAccessException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
                if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                    throw new NoReply(false, "could not connect");
                }
            }
            throw new NoReply(true, "no reply: " + cause.getClass().getSimpleName());
        }
    }

    private static String read(InputStream in) throws IOException {
        return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DollrConnector[" + properties + "]";
    }
}
