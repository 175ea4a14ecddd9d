package com.vendstream.providers.pay4power;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CatalogSource;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.Masking;
import com.vendstream.providers.Money;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.Lenient;
import com.vendstream.providers.support.ProviderAuthException;
import com.vendstream.providers.support.ProviderHttp;
import com.vendstream.providers.support.RetryAfter;
import com.vendstream.providers.support.TokenCache;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Pay4Power (docs.pay4power.com): bearer token from {@code /auth/token}; electricity as verify,
 * initiate, vend; airtime, data and TV vends; requery by service type and our client reference.
 * Stateless apart from the token and the providers cache; safe to share between threads.
 */
public class Pay4PowerConnector implements VendConnector, CatalogSource {

    private static final Logger log = LoggerFactory.getLogger(Pay4PowerConnector.class);
    private static final Duration PROVIDERS_TTL = Duration.ofHours(1);

    /** The {@code serviceType} values of {@code GET /requery}, and the product path segment. */
    static final Map<ServiceType, String> PRODUCTS = Map.of(ServiceType.ELECTRICITY, "power",
            ServiceType.AIRTIME, "airtime", ServiceType.DATA, "data", ServiceType.CABLE_TV, "tv");

    /** A reply as received, whatever its status; {@code retryAfter} is the header, if any. */
    record Reply(int status, String body, String retryAfter) {
    }

    /** A provider of {@code GET /providers}: its {@code code} is what the vend endpoints take. */
    public record Provider(String code, String name, String service) {
    }

    private record CachedProviders(List<Provider> providers, Instant fetchedAt) {
    }

    private final Pay4PowerProperties properties;
    private final RestClient http;
    private final Clock clock;
    private final TokenCache token;
    private final AtomicInteger tokenFetches = new AtomicInteger();
    private volatile CachedProviders providers;

    public Pay4PowerConnector(Pay4PowerProperties properties) {
        this(properties, Clock.systemUTC());
    }

    public Pay4PowerConnector(Pay4PowerProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = ProviderHttp.client(properties.baseUrl(), properties.connectTimeout(), properties.readTimeout());
        this.token = new TokenCache("pay4power", this::fetchToken, null, properties.refreshAhead(), clock);
    }

    @Override
    public String id() {
        return "pay4power";
    }

    @Override
    public Set<ServiceType> services() {
        return EnumSet.of(ServiceType.ELECTRICITY, ServiceType.AIRTIME, ServiceType.DATA, ServiceType.CABLE_TV);
    }

    /** 32 lowercase hex characters, the shape of the docs' clientTransactionReference example. */
    @Override
    public String newReference() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Tokens fetched so far (metrics, tests). */
    public int tokenFetches() {
        return tokenFetches.get();
    }

    @Override
    public VendOutcome vend(VendCommand command) {
        VendOutcome outcome;
        try {
            outcome = switch (command.service()) {
                case ELECTRICITY -> vendPower(command);
                case AIRTIME -> send(product("airtime/vend"), airtimeBody(command), command);
                case DATA -> send(product("data/vend"), dataBody(command), command);
                case CABLE_TV -> vendTv(command);
                default -> new VendOutcome.Failed(null, FailureClass.VALIDATION,
                        "Pay4Power does not sell " + command.service(), true);
            };
        } catch (ProviderAuthException e) {
            // No token, so no vend was sent: refused credentials fail it, a token endpoint that passes defers it.
            outcome = ProviderHttp.classify(e);
        }
        log.info("Pay4Power vend {} {} {} {}: {}/{}", command.reference(), command.service(), command.billerId(),
                Masking.account(command.account()), outcome.getClass().getSimpleName(), outcome.providerCode());
        return outcome;
    }

    private VendOutcome vendPower(VendCommand command) {
        Map<String, Object> initiate = new LinkedHashMap<>();
        initiate.put("amount", major(command));
        initiate.put("receiver", command.account());
        initiate.put("provider", providerCode(command.billerId()));
        initiate.put("meterType", meterType(command.itemId()));
        initiate.put("clientTransactionReference", command.reference());
        Reply reply;
        try {
            reply = authed(HttpMethod.POST, product("power/initiate"), initiate);
        } catch (ProviderAuthException e) {
            throw e;
        } catch (RuntimeException e) {
            // Initiate only prepares the transaction; the vend itself was never sent.
            return new VendOutcome.Failed(null, FailureClass.DECLINED_BY_PROVIDER,
                    "initiate did not complete (" + e.getClass().getSimpleName() + "); vend not sent", true);
        }
        var envelope = Pay4PowerTransformer.envelope(reply.status(), reply.body());
        int code = envelope.map(e -> Pay4PowerTransformer.decidingCode(reply.status(), e)).orElse(reply.status());
        if (code != 200 || envelope.isEmpty() || !envelope.get().success()) {
            String said = envelope.map(Pay4PowerTransformer.Envelope::message).orElse("HTTP " + reply.status());
            var rule = Pay4PowerCodes.initiate(code).orElse(null);
            if (rule != null && rule.outcome() == CodeRule.Outcome.NOT_SENT) {
                // Throttled before the vend was sent: it waits (as long as Pay4Power asks, if it says) and goes anew.
                Duration asked = RetryAfter.parse(reply.retryAfter(), clock);
                return Pay4PowerCodes.INITIATE.notSent(rule.code(), rule.meaning() + " (" + said + ")",
                        asked.isZero() ? rule.retryAfter() : asked);
            }
            FailureClass failureClass = rule != null && rule.outcome() == CodeRule.Outcome.FAILED
                    ? rule.failureClass() : FailureClass.DECLINED_BY_PROVIDER;
            return new VendOutcome.Failed(Integer.toString(code), failureClass, "initiate refused: " + said
                    + "; vend not sent", true);
        }
        Map<String, Object> vend = new LinkedHashMap<>();
        vend.put("clientTransactionReference", command.reference());
        String initiated = Pay4PowerTransformer.find(envelope.get().data(), Set.of("transactionid", "transactionreference",
                "reference"));
        if (initiated != null) {
            vend.put("transactionId", initiated);
        }
        vend.put("amount", major(command));
        vend.put("receiver", command.account());
        vend.put("provider", providerCode(command.billerId()));
        vend.put("meterType", meterType(command.itemId()));
        return send(product("power/vend"), vend, command);
    }

    private VendOutcome vendTv(VendCommand command) {
        String verification = command.verificationReference();
        if (verification == null) {
            AccountVerification v = verify(new VerifyCommand(ServiceType.CABLE_TV, command.billerId(), command.itemId(),
                    command.account()));
            if (v.status() == AccountVerification.Status.INVALID) {
                return new VendOutcome.Failed("400", FailureClass.ACCOUNT, "smartcard not valid: " + v.message(), true);
            }
            if (v.status() != AccountVerification.Status.VALID || v.verificationReference() == null) {
                return new VendOutcome.Failed(null, FailureClass.DECLINED_BY_PROVIDER,
                        "no verification reference for the TV vend; vend not sent", true);
            }
            verification = v.verificationReference();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("verificationReference", verification);
        body.put("transactionReference", command.reference());
        body.put("provider", providerCode(command.billerId()));
        body.put("receiver", command.account());
        if (command.itemId() != null) {
            body.put("package", command.itemId());
        }
        body.put("amount", major(command));
        return send(product("tv/vend"), body, command);
    }

    private Map<String, Object> airtimeBody(VendCommand command) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", providerCode(command.billerId()));
        body.put("receiver", command.account());
        body.put("amount", major(command));
        body.put("clientTransactionReference", command.reference());
        return body;
    }

    private Map<String, Object> dataBody(VendCommand command) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", providerCode(command.billerId()));
        body.put("package", command.itemId());
        body.put("receiver", command.account());
        body.put("amount", major(command));
        body.put("clientTransactionReference", command.reference());
        return body;
    }

    /** Sends one vend; a 401 is retried once with a fresh token (the request was refused, not processed). */
    private VendOutcome send(String path, Map<String, Object> body, VendCommand command) {
        Reply reply;
        try {
            reply = authed(HttpMethod.POST, path, body);
        } catch (ProviderAuthException e) {
            throw e;
        } catch (RuntimeException e) {
            return ProviderHttp.classify(e);
        }
        if (reply.status() == 401) {
            return new VendOutcome.Failed("401", FailureClass.NOT_AVAILABLE_TO_MERCHANT,
                    "Pay4Power refused a fresh token", true);
        }
        return Pay4PowerTransformer.vend(reply.status(), reply.body(), tokenExpected(command.service(), command.itemId()),
                command.reference());
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        String serviceType = PRODUCTS.get(command.service());
        if (serviceType == null) {
            return VendOutcome.pending(PendingCause.UNKNOWN_CODE, null, "Pay4Power does not sell " + command.service());
        }
        String uri = "/requery?serviceType=" + serviceType + "&clientReference=" + command.reference();
        Reply reply;
        try {
            reply = authed(HttpMethod.GET, uri, null);
        } catch (RuntimeException e) {
            return ProviderHttp.classifyRequery(e);
        }
        return Pay4PowerTransformer.requery(reply.status(), reply.body(), tokenExpected(command.service(), command.itemId()),
                command.reference());
    }

    @Override
    public AccountVerification verify(VerifyCommand command) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiver", command.account());
        body.put("provider", providerCode(command.billerId()));
        String path;
        if (command.service() == ServiceType.ELECTRICITY) {
            path = product("power/verify");
            body.put("meterType", meterType(command.itemId()));
        } else if (command.service() == ServiceType.CABLE_TV) {
            // Not documented: the TV vend takes a verificationReference, so a TV verify must exist.
            path = product("tv/verify");
            if (command.itemId() != null) {
                body.put("package", command.itemId());
            }
        } else {
            return new AccountVerification(AccountVerification.Status.VALID, null, Map.of(), null,
                    "Pay4Power has no lookup for " + command.service());
        }
        try {
            Reply reply = authed(HttpMethod.POST, path, body);
            return Pay4PowerTransformer.verification(reply.status(), reply.body());
        } catch (RuntimeException e) {
            return AccountVerification.unavailable("Pay4Power could not be reached", ProviderHttp.isProviderDown(e));
        }
    }

    /** {@code GET /services}: the service categories Pay4Power offers. */
    public List<String> serviceCategories() {
        Reply reply = authed(HttpMethod.GET, "/services", null);
        List<String> categories = new ArrayList<>();
        JsonNode data = Pay4PowerTransformer.envelope(reply.status(), reply.body())
                .map(Pay4PowerTransformer.Envelope::data).orElse(null);
        for (JsonNode item : list(data, "services")) {
            String name = item.isValueNode() ? item.asString() : Lenient.text(item, "code", "service", "category", "name");
            if (name != null) {
                categories.add(name);
            }
        }
        return categories;
    }

    /**
     * The billers in Pay4Power's provider list ({@code GET /providers}): its provider code is our biller
     * id. The list states no prices or limits and Pay4Power has no sub-accounts, so offers are whole
     * billers and {@code scope} is ignored. Amounts are Naira: Pay4Power documents no other currency.
     */
    @Override
    public List<CatalogOffer> offers(String scope) {
        List<CatalogOffer> offers = new ArrayList<>();
        for (Provider p : providers()) {
            ServiceType service = p.service() == null ? null : switch (p.service().toLowerCase(Locale.ROOT)) {
                case "power", "electricity" -> ServiceType.ELECTRICITY;
                case "airtime" -> ServiceType.AIRTIME;
                case "data" -> ServiceType.DATA;
                case "tv", "cable", "cabletv" -> ServiceType.CABLE_TV;
                default -> null;
            };
            if (service != null) {
                offers.add(new CatalogOffer(service, p.code().toUpperCase(Locale.ROOT), null, p.name(), "NGN", null, null, null));
            }
        }
        return offers;
    }

    /** {@code GET /providers}, cached for an hour as Pay4Power asks ("cache it and refresh regularly"). */
    public List<Provider> providers() {
        CachedProviders cached = providers;
        if (cached != null && cached.fetchedAt().plus(PROVIDERS_TTL).isAfter(clock.instant())) {
            return cached.providers();
        }
        Reply reply = authed(HttpMethod.GET, "/providers", null);
        JsonNode data = Pay4PowerTransformer.envelope(reply.status(), reply.body())
                .map(Pay4PowerTransformer.Envelope::data).orElse(null);
        if (reply.status() != 200 || data == null) {
            if (cached != null) {
                return cached.providers();
            }
            throw new IllegalStateException("Pay4Power providers unavailable: HTTP " + reply.status());
        }
        List<Provider> result = new ArrayList<>();
        for (JsonNode item : list(data, "providers")) {
            String code = Lenient.text(item, "code", "providerCode", "provider");
            if (code != null) {
                result.add(new Provider(code, Lenient.text(item, "name", "providerName"),
                        Lenient.text(item, "service", "serviceType", "category")));
            }
        }
        providers = new CachedProviders(List.copyOf(result), clock.instant());
        return providers.providers();
    }

    private static Iterable<JsonNode> list(JsonNode data, String field) {
        if (data == null) {
            return List.of();
        }
        if (data.isArray()) {
            return data.values();
        }
        JsonNode inner = data.path(field);
        return inner.isArray() ? inner.values() : List.of();
    }

    /** A call with the bearer token; on 401 the token is dropped and the call made once more. */
    Reply authed(HttpMethod method, String path, Object body) {
        String bearer = token.token();
        Reply reply = exchange(method, path, body, bearer);
        if (reply.status() == 401) {
            reply = exchange(method, path, body, token.renewAfterRejection(bearer));
        }
        return reply;
    }

    private Reply exchange(HttpMethod method, String path, Object body, String bearer) {
        RestClient.RequestBodySpec spec = http.method(method).uri(path).accept(MediaType.APPLICATION_JSON);
        if (bearer != null) {
            spec = spec.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            spec = spec.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return spec.exchange((request, response) -> new Reply(response.getStatusCode().value(), read(response.getBody()),
                response.getHeaders().getFirst("Retry-After")));
    }

    private static String read(InputStream in) throws IOException {
        return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private TokenCache.Session fetchToken() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (properties.authMode() == Pay4PowerProperties.AuthMode.KEY_PAIR) {
            body.put("publicKey", properties.clientId());
            body.put("privateKey", properties.clientSecret());
        } else {
            body.put("clientId", properties.clientId());
            body.put("clientSecret", properties.clientSecret());
        }
        Reply reply = exchange(HttpMethod.POST, "/auth/token", body, null);
        String value = reply.status() / 100 == 2 ? Pay4PowerTransformer.accessToken(reply.body()) : null;
        if (value == null) {
            // Pay4Power: "treat authentication failures as non-retryable until credentials are corrected";
            // a throttled or failing token endpoint is another matter: it passes (Retry-After honoured).
            String why = "token endpoint answered HTTP " + reply.status();
            if (reply.status() == 429 || reply.status() == 408 || reply.status() >= 500 || reply.status() / 100 == 2) {
                throw ProviderAuthException.unavailable(why, RetryAfter.parse(reply.retryAfter(), clock));
            }
            throw ProviderAuthException.refused(why);
        }
        tokenFetches.incrementAndGet();
        return new TokenCache.Session(value, null, clock.instant().plus(Pay4PowerTransformer.lifetime(reply.body())));
    }

    private String product(String path) {
        return properties.productPrefix() + "/" + path;
    }

    private static BigDecimal major(VendCommand command) {
        // Pay4Power's examples send whole naira as a JSON number (amount: 1000).
        return Money.of(command.amountMinor(), command.currency()).toPlainDecimal();
    }

    private static String providerCode(String billerId) {
        return billerId.toUpperCase(Locale.ROOT);
    }

    private static String meterType(String itemId) {
        return itemId != null && itemId.equalsIgnoreCase("postpaid") ? "POSTPAID" : "PREPAID";
    }

    static boolean tokenExpected(ServiceType service, String itemId) {
        return service == ServiceType.ELECTRICITY && "PREPAID".equals(meterType(itemId));
    }
}
