package com.vendstream.providers.pawacard;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.Masking;
import com.vendstream.providers.Money;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.Lenient;
import com.vendstream.providers.support.ProviderAuthException;
import com.vendstream.providers.support.ProviderHttp;
import com.vendstream.providers.support.TokenCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Pawacard Kenya Power API v3 (seed 004): a login key sent in every body, prepaid /vend and
 * /transaction, postpaid /postpaidbill and /postpaidtransaction. Meters are Luhn-checked and held to
 * one vend per 5 minutes here before Pawacard would refuse them.
 */
public class PawacardConnector implements VendConnector {

    private static final Logger log = LoggerFactory.getLogger(PawacardConnector.class);

    private final PawacardProperties properties;
    private final RestClient http;
    private final TokenCache key;
    private final Clock clock;
    private final PawacardReferences references;
    private final Map<String, Instant> lastVend = new ConcurrentHashMap<>();

    public PawacardConnector(PawacardProperties properties) {
        this(properties, Clock.systemUTC());
    }

    public PawacardConnector(PawacardProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = ProviderHttp.client(properties.baseUrl(), properties.connectTimeout(), properties.readTimeout());
        // The key's lifetime is not documented: keep it until Pawacard refuses it.
        this.key = new TokenCache("pawacard", this::login, null, Duration.ZERO, clock);
        this.references = PawacardReferences.forNode(properties.referenceNode() != null ? properties.referenceNode()
                : PawacardReferences.defaultNode());
    }

    @Override
    public String id() {
        return "pawacard";
    }

    @Override
    public Set<ServiceType> services() {
        return EnumSet.of(ServiceType.ELECTRICITY);
    }

    /** ref: 12 digits like the seed's "370474587102", unique by construction (see {@link PawacardReferences}). */
    @Override
    public String newReference() {
        return references.next();
    }

    /** Kenya Power meter numbers carry a Luhn check digit (Pawacard rejects others with elec100). */
    public static boolean luhn(String number) {
        if (number == null || !number.matches("\\d{2,}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < number.length(); i++) {
            int d = number.charAt(number.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    private static boolean postpaid(String itemId) {
        return "postpaid".equalsIgnoreCase(itemId);
    }

    /**
     * {@code /login}. The seed's refusal ({@code {"status":1,"msg":"Wrong Username or Password"}}, any
     * failed status that names the username or password) is refused credentials: no vend can be sent
     * until someone fixes them, and the session cache holds further logins back. Any other answer
     * without a key is an unavailable login endpoint, which passes.
     */
    private TokenCache.Session login() {
        String body = http.post().uri("/login").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("username", properties.username(), "password", properties.password()))
                .retrieve().body(String.class);
        JsonNode root = Lenient.parse(body);
        String status = Lenient.text(root, "status");
        String msg = Lenient.text(root, "msg");
        String k = Lenient.text(root, "key");
        if ("0".equals(status) && k != null) {
            return new TokenCache.Session(k, null, Instant.MAX);
        }
        if (status != null && !"0".equals(status) && msg != null
                && msg.toLowerCase(Locale.ROOT).matches(".*(username|password).*")) {
            throw ProviderAuthException.refused("Pawacard refused the login: " + msg);
        }
        throw new IllegalStateException("Pawacard login gave no key" + (msg == null ? "" : ": " + msg));
    }

    /**
     * POST with username and key in the body. A refused key is renewed once through the session cache
     * (nothing was processed); a fresh key refused as well means our credentials are no good.
     */
    private String post(String path, Map<String, Object> fields) {
        String current = key.token();
        String reply = send(path, fields, current);
        if (keyRefused(reply)) {
            reply = send(path, fields, key.renewAfterRejection(current));
            if (keyRefused(reply)) {
                key.invalidate();
                throw ProviderAuthException.refused("Pawacard refused a fresh key");
            }
        }
        return reply;
    }

    /** Pawacard's answer to a key it does not know: status 1, no transaction, a message about the key. */
    private static boolean keyRefused(String reply) {
        JsonNode root = Lenient.parse(reply);
        String msg = root == null ? null : Lenient.text(root, "msg");
        return root != null && "1".equals(Lenient.text(root, "status")) && root.path("transaction").isMissingNode()
                && msg != null && msg.toLowerCase(Locale.ROOT).contains("key");
    }

    private String send(String path, Map<String, Object> fields, String k) {
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.put("username", properties.username());
        body.put("key", k);
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body).retrieve().body(String.class);
    }

    @Override
    public VendOutcome vend(VendCommand command) {
        boolean postpaid = postpaid(command.itemId());
        if (!postpaid && !luhn(command.account())) {
            return PawacardCodes.TABLE.outcome("luhn", null, null, r -> null);
        }
        Money amount = Money.of(command.amountMinor(), command.currency());
        if (!amount.wholeMajorUnits()) {
            return new VendOutcome.Failed(null, FailureClass.VALIDATION, "Kenya Power sells whole shillings", true);
        }
        Instant admitted = postpaid ? null : clock.instant();
        if (admitted != null) {
            Duration wait = admit(command.account(), admitted);
            if (!wait.isZero()) {
                // Kept on our side: the meter was vended moments ago, and another provider would vend it again.
                return PawacardCodes.TABLE.notSent("throttle", "client-side: one vend per meter per "
                        + properties.meterWindow(), wait);
            }
        }
        String customerName = command.customerName();
        if (customerName == null) {
            AccountVerification v = verify(new VerifyCommand(command.service(), command.billerId(), command.itemId(),
                    command.account()));
            customerName = v.customerName() == null ? "" : v.customerName();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", amount.toPlainDecimal().toPlainString());
        body.put(postpaid ? "accountNo" : "meter", command.account());
        body.put("customerName", customerName);
        body.put("ref", command.reference());
        VendOutcome outcome;
        try {
            outcome = PawacardTransformer.outcome(post(postpaid ? "/postpaidbill" : "/vend", body), command.reference());
        } catch (RuntimeException e) {
            outcome = ProviderHttp.classify(e);
        }
        if (admitted != null && notProcessed(outcome) && !"throttle".equals(outcome.providerCode())) {
            // Nothing reached Kenya Power, so the meter's window has not started: free it for the resend.
            lastVend.remove(command.account(), admitted);
        }
        log.info("Pawacard vend {} for {}: {}/{}", command.reference(), Masking.account(command.account()),
                outcome.getClass().getSimpleName(), outcome.providerCode());
        return outcome;
    }

    /**
     * One vend per meter per window, decided atomically so two parallel orders cannot both pass.
     * Zero when admitted (and {@code now} recorded), else the time left in the meter's window.
     */
    private Duration admit(String meter, Instant now) {
        Duration window = properties.meterWindow();
        if (window.isZero() || window.isNegative()) {
            return Duration.ZERO;
        }
        AtomicReference<Duration> wait = new AtomicReference<>(Duration.ZERO);
        lastVend.compute(meter, (m, last) -> {
            if (last == null || !now.isBefore(last.plus(window))) {
                return now;
            }
            wait.set(Duration.between(now, last.plus(window)));
            return last;
        });
        return wait.get();
    }

    private static boolean notProcessed(VendOutcome outcome) {
        return outcome instanceof VendOutcome.NotSent
                || (outcome instanceof VendOutcome.Failed f && f.beforeProcessing());
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        try {
            return PawacardTransformer.outcome(post(postpaid(command.itemId()) ? "/postpaidtransaction" : "/transaction",
                    Map.of("ref", command.reference())), command.reference());
        } catch (RuntimeException e) {
            return ProviderHttp.classifyRequery(e);
        }
    }

    @Override
    public AccountVerification verify(VerifyCommand command) {
        boolean postpaid = postpaid(command.itemId());
        if (!postpaid && !luhn(command.account())) {
            return AccountVerification.invalid("meter number fails the Luhn check");
        }
        String reply;
        try {
            reply = post(postpaid ? "/postpaidverify" : "/verify",
                    Map.of(postpaid ? "accountNo" : "meter", command.account()));
        } catch (RuntimeException e) {
            return AccountVerification.unavailable("Pawacard could not be reached", ProviderHttp.isProviderDown(e));
        }
        JsonNode root = Lenient.parse(reply);
        if (root == null) {
            return AccountVerification.unavailable("Pawacard answered garbage");
        }
        String msg = Lenient.text(root, "msg");
        if ("0".equals(Lenient.text(root, "status"))) {
            Map<String, String> details = new LinkedHashMap<>();
            String balance = Lenient.text(root, "customer_balance");
            if (balance != null) {
                details.put("customer_balance", balance);
            }
            return new AccountVerification(AccountVerification.Status.VALID, Lenient.text(root, "customerName"),
                    details, null, null);
        }
        if (msg != null && msg.toLowerCase(Locale.ROOT).contains("luhn")) {
            return AccountVerification.invalid(msg);
        }
        // elec100 timeouts and "Connection error" say nothing about the meter.
        return AccountVerification.unavailable(msg == null ? "Pawacard could not verify" : msg);
    }
}
