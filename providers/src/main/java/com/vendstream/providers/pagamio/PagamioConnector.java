package com.vendstream.providers.pagamio;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CatalogSource;
import com.vendstream.providers.DayReports;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.Masking;
import com.vendstream.providers.Money;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.Lenient;
import com.vendstream.providers.support.ProviderHttp;
import com.vendstream.providers.support.TokenCache;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Pagamio VAS (vas-api-docs.pagamio.tech): bearer token (30 minutes, with a refresh token) renewed
 * ahead of expiry by {@link TokenCache} and once on a 401, purchases kept under 10 a minute per token
 * (a purchase waits a bounded time for a permit, else it is not sent), 429 retried with the same
 * merchantReference (which Pagamio makes idempotent) and exponential backoff, status and reports
 * through POST /transactions with the configured account ids.
 */
public class PagamioConnector implements VendConnector, CatalogSource, DayReports {

    private static final Logger log = LoggerFactory.getLogger(PagamioConnector.class);

    /** Our catalogue (service/billerId) to Pagamio product codes. */
    static final Map<String, String> PRODUCTS = Map.of(
            "AIRTIME/VODACOM", "AIR-VOD-001", "AIRTIME/MTN", "AIR-MTN-001", "AIRTIME/MTN-ZA", "AIR-MTN-001",
            "ELECTRICITY/ESKOM", "ELE-ESK-001", "ELECTRICITY/FLASH", "ELE-FLS-001",
            "CABLE_TV/DSTV-ZA", "BIL-DST-001", "BILL_PAYMENT/DSTV-ZA", "BIL-DST-001");

    private record HttpReply(int status, String body) {
    }

    private final PagamioProperties properties;
    private final RestClient http;
    private final Clock clock;
    private final TokenCache tokens;
    private final AtomicRateLimiter limiter;
    /** The last account id a login reply named that differs from ours, so the warning is logged once. */
    private volatile String reportedMismatch;

    public PagamioConnector(PagamioProperties properties) {
        this(properties, Clock.systemUTC());
    }

    public PagamioConnector(PagamioProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = ProviderHttp.client(properties.baseUrl(), properties.connectTimeout(), properties.readTimeout());
        // "Refresh when less than 5 minutes remain" of the 30-minute token.
        this.tokens = new TokenCache("pagamio", this::login, this::refresh, Duration.ofMinutes(5), clock);
        this.limiter = new AtomicRateLimiter("pagamio-purchase", RateLimiterConfig.custom()
                .limitForPeriod(properties.purchasesPerMinute()).limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(properties.limiterWait()).build());
    }

    @Override
    public String id() {
        return "pagamio";
    }

    @Override
    public Set<ServiceType> services() {
        return EnumSet.of(ServiceType.AIRTIME, ServiceType.ELECTRICITY, ServiceType.CABLE_TV, ServiceType.BILL_PAYMENT);
    }

    /** merchantReference: Pagamio's idempotency key; any unique string, so a UUID without dashes. */
    @Override
    public String newReference() {
        return "vs" + UUID.randomUUID().toString().replace("-", "");
    }

    static String productCode(ServiceType service, String billerId) {
        return PRODUCTS.get(service.name() + "/" + billerId.toUpperCase(Locale.ROOT));
    }

    /** South African numbers in Pagamio's +27 format. */
    static String msisdn(String phone) {
        String digits = phone.replaceAll("[^0-9]", "");
        if (digits.startsWith("27")) {
            return "+" + digits;
        }
        return digits.startsWith("0") ? "+27" + digits.substring(1) : "+" + digits;
    }

    // ---- auth ----

    private TokenCache.Session login() {
        String body = http.post().uri("/auth/token").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("username", properties.username(), "password", properties.password()))
                .retrieve().body(String.class);
        return session(body);
    }

    private TokenCache.Session refresh(String refreshToken) {
        String body = http.post().uri("/auth/token/refresh").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("refreshToken", refreshToken)).retrieve().body(String.class);
        return session(body);
    }

    /**
     * Both documented shapes: {data: {token, refreshToken, expiresIn}} and {accessToken, expiresIn}. A
     * reply that also names the account (not documented) may only confirm the configured id.
     */
    private TokenCache.Session session(String body) {
        JsonNode root = Lenient.parse(body);
        JsonNode data = root != null && root.path("data").isObject() ? root.path("data") : root;
        String token = Lenient.text(data, "token", "accessToken");
        if (token == null) {
            throw new IllegalStateException("Pagamio login returned no token");
        }
        String named = Lenient.text(data, "userTypeId", "SUB_MERCHANT".equals(properties.userType())
                ? "subMerchantId" : "merchantId");
        if (named != null && !named.equals(properties.userTypeId()) && !named.equals(reportedMismatch)) {
            reportedMismatch = named;
            log.warn("Pagamio's login names account {} but {} is configured (vendstream.providers.pagamio.{}); using"
                    + " the configured one", named, properties.userTypeId(),
                    "SUB_MERCHANT".equals(properties.userType()) ? "sub-merchant-id" : "merchant-id");
        }
        Long seconds = Lenient.whole(Lenient.text(data, "expiresIn"));
        return new TokenCache.Session(token, Lenient.text(data, "refreshToken"),
                clock.instant().plusSeconds(seconds == null || seconds <= 0 ? 1800 : seconds));
    }

    /** One authorised exchange; a 401 renews the token once and repeats (nothing was processed). */
    private HttpReply call(String method, String uri, Object body) {
        String token = tokens.token();
        HttpReply reply = exchange(method, uri, body, token);
        if (reply.status() == 401) {
            reply = exchange(method, uri, body, tokens.renewAfterRejection(token));
        }
        return reply;
    }

    private HttpReply exchange(String method, String uri, Object body, String token) {
        RestClient.RequestBodySpec spec = http.method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri)
                .header("Authorization", "Bearer " + token).accept(MediaType.APPLICATION_JSON);
        if (body != null) {
            spec = spec.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return spec.exchange((request, response) -> new HttpReply(response.getStatusCode().value(),
                new String(response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    // ---- vend ----

    @Override
    public VendOutcome vend(VendCommand command) {
        String product = productCode(command.service(), command.billerId());
        if (product == null) {
            return new VendOutcome.Failed(null, FailureClass.VALIDATION,
                    "Pagamio does not sell " + command.service() + "/" + command.billerId(), true);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("productCode", product);
        // "Amount in ZAR", a JSON number in the reference (200.00), not a string.
        body.put("amount", Money.of(command.amountMinor(), command.currency()).toDecimal());
        switch (command.service()) {
            case AIRTIME, DATA -> body.put("mobileNumber", msisdn(command.account()));
            case ELECTRICITY -> body.put("meterNumber", command.account());
            default -> body.put("accountNumber", command.account());
        }
        body.put("paymentMethod", properties.paymentMethod());
        body.put("channelId", properties.channelId());
        body.put("merchantReference", command.reference());
        VendOutcome outcome = purchase(body, command.reference());
        log.info("Pagamio vend {} for {} {}: {}/{}", command.reference(), product, Masking.account(command.account()),
                outcome.getClass().getSimpleName(), outcome.providerCode());
        return outcome;
    }

    private VendOutcome purchase(Map<String, Object> body, String reference) {
        Duration wait = properties.retryBackoff();
        for (int attempt = 1; ; attempt++) {
            if (!limiter.acquirePermission()) {
                // Kept on our side (Pagamio never saw it) until a permit is due: back-pressure, not a failure.
                return new VendOutcome.NotSent(null, VendOutcome.NotSentReason.LOCAL_RATE_LIMIT, "client-side limit of "
                        + properties.purchasesPerMinute() + " purchases a minute",
                        Duration.ofNanos(Math.max(0, limiter.getDetailedMetrics().getNanosToWait())));
            }
            HttpReply reply;
            try {
                reply = call("POST", "/purchase", body);
            } catch (RuntimeException e) {
                return ProviderHttp.classify(e);
            }
            if (reply.status() == 429) {
                if (attempt >= properties.maxAttempts()) {
                    // Pagamio refused to look at it each time: nothing was processed, and it passes.
                    return PagamioCodes.TABLE.notSent("429", "Pagamio rate limit after " + attempt + " attempts", wait);
                }
                // Same merchantReference again is safe: Pagamio did not process a 429.
                sleep(jitter(wait));
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60)
                        : wait.multipliedBy(2);
                continue;
            }
            return interpret(reply, reference);
        }
    }

    private static VendOutcome interpret(HttpReply reply, String reference) {
        int status = reply.status();
        if (status == 401 || status == 403) {
            return new VendOutcome.Failed(Integer.toString(status), FailureClass.NOT_AVAILABLE_TO_MERCHANT,
                    status == 401 ? "Pagamio refused our credentials" : "Pagamio forbids this user to purchase", true);
        }
        if (status == 409) {
            return PagamioCodes.TABLE.outcome("409", null, null, r -> null);
        }
        if (status >= 500) {
            return VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP " + status, "Pagamio answered " + status);
        }
        return PagamioTransformer.purchase(reply.body(), reference);
    }

    private static Duration jitter(Duration d) {
        double factor = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis((long) (d.toMillis() * factor));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- status and reports ----

    private String transactionsUri(String extra) {
        return "/transactions?userType=" + properties.userType() + "&userTypeId=" + properties.userTypeId()
                + "&exportAll=true" + extra;
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        HttpReply reply;
        try {
            reply = call("POST", transactionsUri("&keyWord=" + command.reference()), null);
        } catch (RuntimeException e) {
            return ProviderHttp.classifyRequery(e);
        }
        if (reply.status() != 200) {
            return new VendOutcome.Pending("HTTP " + reply.status(),
                    reply.status() >= 500 ? PendingCause.SERVER_ERROR : PendingCause.UNKNOWN_CODE,
                    "transactions query answered " + reply.status(), null,
                    PagamioCodes.TABLE.throttled(Integer.toString(reply.status())));
        }
        JsonNode root = Lenient.parse(reply.body());
        if (root == null || !root.path("content").isArray()) {
            return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, null, "transactions reply is not a page");
        }
        for (JsonNode row : root.path("content")) {
            if (command.reference().equals(Lenient.text(row, "merchantReference"))
                    || (command.providerTransactionId() != null
                    && command.providerTransactionId().equals(Lenient.text(row, "transactionId")))) {
                return PagamioTransformer.status(row);
            }
        }
        // Not listed (yet): the purchase may still be in flight, so this is no failure.
        return VendOutcome.pending(PendingCause.PROVIDER_PENDING, null, "not in Pagamio's transactions yet");
    }

    /** Pagamio's own record of one business day (SAST), for reconciliation. */
    @Override
    public List<TransactionReport> transactions(LocalDate day) {
        HttpReply reply = call("POST", transactionsUri("&startDate=" + day + "&endDate=" + day), null);
        JsonNode root = Lenient.parse(reply.body());
        if (reply.status() != 200 || root == null || !root.path("content").isArray()) {
            throw new IllegalStateException("Pagamio transactions report failed with HTTP " + reply.status());
        }
        List<TransactionReport> out = new ArrayList<>();
        for (JsonNode row : root.path("content")) {
            out.add(PagamioTransformer.report(row));
        }
        return out;
    }

    // ---- catalogue ----

    /**
     * Products activated for our account ({@code scope} null: the configured merchant, or the
     * configured sub-merchant when we log in as one) or for one sub-merchant (its id): only those can be
     * vended there. Sub-merchants inherit from the parent, so a sub-merchant's listing is never wider
     * than ours.
     */
    @Override
    public List<CatalogOffer> offers(String scope) {
        if (scope != null && !scope.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("Pagamio sub-merchant ids are letters, digits, '_' and '-'");
        }
        String uri = scope != null ? "/sub-merchants/" + scope + "/products"
                : "SUB_MERCHANT".equals(properties.userType()) ? "/sub-merchants/" + properties.subMerchantId() + "/products"
                : "/merchants/" + properties.merchantId() + "/products";
        HttpReply reply = call("GET", uri, null);
        return PagamioTransformer.products(reply.status(), reply.body(), PagamioConnector::billersOf);
    }

    static List<Map.Entry<ServiceType, String>> billersOf(String productCode) {
        List<Map.Entry<ServiceType, String>> out = new ArrayList<>();
        PRODUCTS.forEach((key, code) -> {
            if (code.equals(productCode)) {
                int slash = key.indexOf('/');
                out.add(Map.entry(ServiceType.valueOf(key.substring(0, slash)), key.substring(slash + 1)));
            }
        });
        return out;
    }

    // ---- lookups ----

    @Override
    public AccountVerification verify(VerifyCommand command) {
        if (command.service() == ServiceType.AIRTIME || command.service() == ServiceType.DATA) {
            return msisdn(command.account()).matches("\\+27\\d{9}")
                    ? new AccountVerification(AccountVerification.Status.VALID, null, Map.of(), null, null)
                    : AccountVerification.invalid("not a South African mobile number");
        }
        String product = productCode(command.service(), command.billerId());
        if (product == null) {
            return AccountVerification.invalid("Pagamio does not sell " + command.service() + "/" + command.billerId());
        }
        boolean electricity = command.service() == ServiceType.ELECTRICITY;
        HttpReply reply;
        try {
            reply = call("POST", electricity ? "/lookup/electricity" : "/lookup/bill-payment",
                    Map.of("productCode", product, electricity ? "meterNumber" : "accountNumber", command.account()));
        } catch (RuntimeException e) {
            return AccountVerification.unavailable("Pagamio could not be reached", ProviderHttp.isProviderDown(e));
        }
        JsonNode root = Lenient.parse(reply.body());
        String code = root == null ? null : Lenient.text(root, "responseCode");
        if (reply.status() == 200 && "0".equals(code)) {
            JsonNode data = root.path("data");
            Map<String, String> details = new LinkedHashMap<>();
            for (String f : new String[] {"utility", "outstandingAmount"}) {
                String v = Lenient.text(data, f);
                if (v != null) {
                    details.put(f, v);
                }
            }
            return new AccountVerification(AccountVerification.Status.VALID, Lenient.text(data, "customerName"),
                    details, null, null);
        }
        if (code != null && PagamioCodes.TABLE.rule(code).map(r -> r.failureClass() == FailureClass.ACCOUNT).orElse(false)) {
            return AccountVerification.invalid(Lenient.text(root, "responseMessage"));
        }
        return AccountVerification.unavailable("Pagamio lookup answered " + (code == null ? "HTTP " + reply.status() : code),
                reply.status() >= 500);
    }
}
