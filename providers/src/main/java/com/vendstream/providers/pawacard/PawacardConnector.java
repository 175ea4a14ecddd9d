package com.vendstream.providers.pawacard;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.Masking;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.support.Lenient;
import com.vendstream.providers.support.ProviderHttp;
import com.vendstream.providers.support.TokenCache;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PawacardProperties properties;
    private final RestClient http;
    private final TokenCache key;
    private final Clock clock;
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
    }

    @Override
    public String id() {
        return "pawacard";
    }

    @Override
    public Set<ServiceType> services() {
        return EnumSet.of(ServiceType.ELECTRICITY);
    }

    /** ref: 12 digits, like the seed's "370474587102". */
    @Override
    public String newReference() {
        StringBuilder ref = new StringBuilder().append(1 + RANDOM.nextInt(9));
        for (int i = 0; i < 11; i++) {
            ref.append(RANDOM.nextInt(10));
        }
        return ref.toString();
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

    private TokenCache.Session login() {
        String body = http.post().uri("/login").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("username", properties.username(), "password", properties.password()))
                .retrieve().body(String.class);
        JsonNode root = Lenient.parse(body);
        String k = Lenient.text(root, "key");
        if (!"0".equals(Lenient.text(root, "status")) || k == null) {
            throw new IllegalStateException("Pawacard login refused: " + Lenient.text(root, "msg"));
        }
        return new TokenCache.Session(k, null, Instant.MAX);
    }

    /** POST with username and key in the body; a refused key is renewed once (nothing was processed). */
    private String post(String path, Map<String, Object> fields) {
        String current = key.token();
        String reply = send(path, fields, current);
        JsonNode root = Lenient.parse(reply);
        String msg = root == null ? null : Lenient.text(root, "msg");
        if (root != null && "1".equals(Lenient.text(root, "status")) && root.path("transaction").isMissingNode()
                && msg != null && msg.toLowerCase(Locale.ROOT).contains("key")) {
            reply = send(path, fields, key.renewAfterRejection(current));
        }
        return reply;
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
        if (command.amountMinor() % 100 != 0) {
            return new VendOutcome.Failed(null, FailureClass.VALIDATION, "Kenya Power sells whole shillings", true);
        }
        if (!postpaid && !admit(command.account())) {
            return PawacardCodes.TABLE.outcome("throttle", "client-side: one vend per meter per "
                    + properties.meterWindow(), null, r -> null);
        }
        String customerName = command.customerName();
        if (customerName == null) {
            AccountVerification v = verify(new VerifyCommand(command.service(), command.billerId(), command.itemId(),
                    command.account()));
            customerName = v.customerName() == null ? "" : v.customerName();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("amount", Long.toString(command.amountMinor() / 100));
        body.put(postpaid ? "accountNo" : "meter", command.account());
        body.put("customerName", customerName);
        body.put("ref", command.reference());
        VendOutcome outcome;
        try {
            outcome = PawacardTransformer.outcome(post(postpaid ? "/postpaidbill" : "/vend", body));
        } catch (RuntimeException e) {
            outcome = ProviderHttp.classify(e);
        }
        log.info("Pawacard vend {} for {}: {}/{}", command.reference(), Masking.account(command.account()),
                outcome.getClass().getSimpleName(), outcome.providerCode());
        return outcome;
    }

    /** One vend per meter per window, decided atomically so two parallel orders cannot both pass. */
    private boolean admit(String meter) {
        Duration window = properties.meterWindow();
        if (window.isZero() || window.isNegative()) {
            return true;
        }
        Instant now = clock.instant();
        AtomicBoolean ok = new AtomicBoolean();
        lastVend.compute(meter, (m, last) -> {
            if (last == null || !now.isBefore(last.plus(window))) {
                ok.set(true);
                return now;
            }
            return last;
        });
        return ok.get();
    }

    @Override
    public VendOutcome requery(RequeryCommand command) {
        try {
            return PawacardTransformer.outcome(post(postpaid(command.itemId()) ? "/postpaidtransaction" : "/transaction",
                    Map.of("ref", command.reference())));
        } catch (RuntimeException e) {
            VendOutcome o = ProviderHttp.classify(e);
            // A requery that never connected says nothing about the vend.
            return o instanceof VendOutcome.Failed f ? VendOutcome.pending(PendingCause.CONNECTION_RESET,
                    f.providerCode(), f.message()) : o;
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
            return AccountVerification.unavailable("Pawacard could not be reached");
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
