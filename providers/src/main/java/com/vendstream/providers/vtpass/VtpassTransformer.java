package com.vendstream.providers.vtpass;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.EchoedReference;
import com.vendstream.providers.support.Lenient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** VTpass pay/requery replies to vendstream outcomes, and its service listings to catalogue offers. */
public final class VtpassTransformer {

    private static final Logger log = LoggerFactory.getLogger(VtpassTransformer.class);

    /** VTpass sells in naira: its amounts are NGN. */
    static final String CURRENCY = "NGN";

    private static final String[] TOKEN_FIELDS = {"purchased_code", "token", "mainToken", "Token"};
    private static final String[] UNITS_FIELDS = {"units", "mainTokenUnits", "Units"};
    private static final String[] RECEIPT_FIELDS = {"customerName", "CustomerName", "customerAddress", "meterNumber",
            "exchangeReference", "tariff", "taxAmount", "debtAmount", "utilityName", "balance", "resetToken",
            "configureToken", "bonusToken"};

    private VtpassTransformer() {
    }

    public static VendOutcome outcome(String body) {
        return outcome(body, null);
    }

    /**
     * @param service what was vended, when known: EDUCATION replies are PIN replies (WAEC, WAEC
     *                registration, JAMB), whose codes go to {@code pins}, never to {@code token}
     */
    public static VendOutcome outcome(String body, ServiceType service) {
        return outcome(body, service, null);
    }

    /**
     * @param requestId our request_id; a reply whose {@code requestId} names another one is PENDING,
     *                  never taken as ours
     */
    public static VendOutcome outcome(String body, ServiceType service, String requestId) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !root.isObject()) {
            return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, null, "reply is not JSON");
        }
        String code = Lenient.text(root, "code");
        String description = Lenient.text(root, "response_description");
        JsonNode transaction = root.path("content").path("transactions");
        String transactionId = Lenient.text(transaction, "transactionId");
        VendOutcome.Pending foreign = EchoedReference.mismatch(requestId, Lenient.text(root, "requestId", "request_id"),
                code, transactionId);
        if (foreign != null) {
            return foreign;
        }
        // 001 (TRANSACTION QUERY) carries the same inner status as 000.
        if ("000".equals(code) || "001".equals(code)) {
            if (!transaction.isObject()) {
                // 000 without the transaction block does not fit VTpass's guidelines: requery.
                return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, code, "000 without content.transactions");
            }
            String status = Optional.ofNullable(Lenient.text(transaction, "status")).orElse("").toLowerCase(Locale.ROOT);
            CodeRule inner = VtpassCodes.TRANSACTION_STATUSES.rule(status).orElse(null);
            if (inner == null) {
                return new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING,
                        "transaction " + (status.isEmpty() ? "without status" : status), transactionId);
            }
            // The outer code (000/001) stays the outcome's code; the inner row decides.
            return switch (inner.outcome()) {
                case SUCCEEDED -> succeeded(root, transaction, code, service);
                case FAILED -> new VendOutcome.Failed(code, inner.failureClass(), inner.meaning(),
                        inner.beforeProcessing());
                case PENDING -> VendOutcome.Pending.of(inner, code, PendingCause.PROVIDER_PENDING, inner.meaning(),
                        transactionId);
                case NOT_SENT -> new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING, inner.meaning(),
                        transactionId);
            };
        }
        Optional<CodeRule> rule = VtpassCodes.rule(code);
        if (rule.isEmpty()) {
            return new VendOutcome.Pending(code, PendingCause.UNKNOWN_CODE, description, transactionId);
        }
        // Known codes carry our meaning; a NOT_SENT code also VTpass's own words (085 says what was wrong).
        String message = rule.get().outcome() == CodeRule.Outcome.NOT_SENT && description != null
                ? rule.get().meaning() + " (" + description + ")" : null;
        return VtpassCodes.TABLE.outcome(code, message, transactionId, r -> succeeded(root, transaction, code, service));
    }

    static VendOutcome.Succeeded succeeded(JsonNode root, JsonNode transaction, String code, ServiceType service) {
        String token = null;
        List<String> pins = new ArrayList<>();
        List<String> serials = new ArrayList<>();
        String raw = Lenient.text(root, TOKEN_FIELDS);
        if (raw == null || raw.isBlank()) {
            // A requery of a prepaid vend carries the token only in content.transactions.extras.
            raw = Lenient.text(transaction, "extras");
        }
        if (isPinReply(root, transaction, raw, service)) {
            // WAEC: cards [{Serial, Pin}] one per unit bought, and purchased_code "Serial No:…, pin: …".
            // JAMB: "Pin": "Pin : …" and the same purchased_code. WAEC registration: tokens [...].
            for (JsonNode card : root.path("cards")) {
                String pin = Lenient.text(card, "Pin", "pin");
                if (pin != null) {
                    pins.add(stripLabel(pin));
                    Optional.ofNullable(Lenient.text(card, "Serial", "serial")).ifPresent(serials::add);
                }
            }
            if (pins.isEmpty()) {
                for (JsonNode t : root.path("tokens")) {
                    String v = t.isValueNode() ? t.asString() : Lenient.text(t, "token", "Token", "pin", "Pin");
                    if (v != null && !stripLabel(v).isEmpty()) {
                        pins.add(stripLabel(v));
                    }
                }
            }
            if (pins.isEmpty() && raw != null) {
                parseCodes(raw, pins, serials);
            }
            if (pins.isEmpty()) {
                Optional.ofNullable(Lenient.text(root, "Pin", "pin")).map(VtpassTransformer::stripLabel)
                        .ifPresent(pins::add);
            }
        } else if (raw != null) {
            String cleaned = stripLabel(raw);
            if (!cleaned.isEmpty()) {
                token = cleaned;
            }
        }
        Map<String, String> receipt = new LinkedHashMap<>();
        for (String field : RECEIPT_FIELDS) {
            String v = Lenient.text(root, field);
            if (v != null) {
                receipt.put(field, v);
            }
        }
        if (!serials.isEmpty()) {
            receipt.put("serials", String.join(", ", serials));
        }
        String product = Lenient.text(transaction, "product_name");
        if (product != null) {
            receipt.put("product", product);
        }
        String quantity = Lenient.text(transaction, "quantity");
        if (quantity != null && !"1".equals(quantity)) {
            receipt.put("quantity", quantity);
        }
        Long amount = Lenient.minor("vtpass", "amount", Lenient.text(transaction, "amount", "unit_price"), CURRENCY);
        Long commission = Lenient.minor("vtpass", "commission", Lenient.text(transaction, "commission"), CURRENCY);
        Long cost = amount != null && commission != null ? amount - commission : null;
        return new VendOutcome.Succeeded(code, Lenient.text(transaction, "transactionId"), token,
                Lenient.text(root, UNITS_FIELDS), pins, receipt, cost);
    }

    private static final Pattern PIN = Pattern.compile("(?i)\\bpin\\s*:\\s*([A-Za-z0-9-]+)");
    private static final Pattern SERIAL = Pattern.compile("(?i)\\bserial\\s*(?:no)?\\s*:\\s*([A-Za-z0-9-]+)");

    /** A PIN product's reply: said by the caller, or recognisable by its PIN fields. Electricity tokens are not PINs. */
    private static boolean isPinReply(JsonNode root, JsonNode transaction, String raw, ServiceType service) {
        if (service != null) {
            return service == ServiceType.EDUCATION;
        }
        String lower = raw == null ? "" : raw.toLowerCase(Locale.ROOT);
        return root.path("cards").isArray() || root.path("tokens").isArray() || Lenient.text(root, "Pin") != null
                || lower.startsWith("pin") || lower.startsWith("serial")
                || "education".equalsIgnoreCase(Lenient.text(transaction, "type"));
    }

    /** Every "pin: X" (and "Serial No: S") in a purchased_code; several cards are separated by "||" or new lines. */
    private static void parseCodes(String raw, List<String> pins, List<String> serials) {
        Matcher pin = PIN.matcher(raw);
        while (pin.find()) {
            pins.add(pin.group(1));
        }
        Matcher serial = SERIAL.matcher(raw);
        while (serial.find()) {
            serials.add(serial.group(1));
        }
        if (pins.isEmpty()) {
            // "Token : X" (WAEC registration): the code itself is the PIN.
            for (String part : raw.split("\\|\\||\\R")) {
                String cleaned = stripLabel(part);
                if (!cleaned.isEmpty()) {
                    pins.add(cleaned);
                }
            }
        }
    }

    private static String stripLabel(String s) {
        return s.replaceFirst("(?i)^\\s*(token|pin)\\s*:\\s*", "").trim();
    }

    // ---- account look-ups (POST merchant-verify, POST merchant-verify/smile/email) ----

    /** A merchant-verify reply (meter, smartcard, JAMB profile, Smile phone). */
    static AccountVerification merchantVerify(String body) {
        JsonNode root = Lenient.parse(body);
        AccountVerification refused = refused(root);
        if (refused != null) {
            return refused;
        }
        JsonNode content = root.path("content");
        Map<String, String> details = new LinkedHashMap<>();
        for (String field : new String[] {"Address", "Customer_Arrears", "Minimum_Amount", "Min_Purchase_Amount",
                "Meter_Type", "Current_Bouquet", "Due_Date", "Customer_Number", "Renewal_Amount"}) {
            String v = Lenient.text(content, field);
            if (v != null) {
                details.put(field, v);
            }
        }
        return new AccountVerification(AccountVerification.Status.VALID,
                Lenient.text(content, "Customer_Name", "customerName"), details, null, null);
    }

    /** UNAVAILABLE unless the look-up answered 000; INVALID when its content says the account is wrong; else null. */
    private static AccountVerification refused(JsonNode root) {
        if (root == null || !"000".equals(Lenient.text(root, "code"))) {
            return AccountVerification.unavailable("VTpass answered " + (root == null ? "garbage" : Lenient.text(root, "code")));
        }
        JsonNode content = root.path("content");
        // VTpass answers 000 for a wrong number or email too; the error is inside.
        if (content.path("WrongBillersCode").asBoolean(false) || Lenient.text(content, "error") != null) {
            return AccountVerification.invalid(Lenient.text(content, "error"));
        }
        return null;
    }

    // ---- Smile email look-up (POST merchant-verify/smile/email) ----

    /**
     * The reply to a Smile email look-up: {@code content.Customer_Name} and {@code content.AccountList}
     * ({@code Account}: [{AccountId, FriendlyName}], {@code NumberOfAccounts}). Read leniently: the list
     * may be a bare array and {@code Account} a single object. VTpass answers 000 for an unknown email
     * too, with {@code content.error} / {@code WrongBillersCode}.
     */
    static AccountVerification smileEmail(String body) {
        JsonNode root = Lenient.parse(body);
        AccountVerification refused = refused(root);
        if (refused != null) {
            return refused;
        }
        JsonNode content = root.path("content");
        JsonNode list = content.has("AccountList") ? content.path("AccountList") : content.path("accountList");
        JsonNode accounts = list.isArray() ? list : list.has("Account") ? list.path("Account") : list.path("accounts");
        List<JsonNode> all = new ArrayList<>();
        if (accounts.isArray()) {
            accounts.forEach(all::add);
        } else if (accounts.isObject()) {
            all.add(accounts);
        }
        List<String> ids = new ArrayList<>();
        String firstName = null;
        for (JsonNode a : all) {
            String id = Lenient.text(a, "AccountId", "accountId");
            if (id != null) {
                ids.add(id);
                if (firstName == null) {
                    firstName = Lenient.text(a, "FriendlyName", "friendlyName");
                }
            }
        }
        if (ids.isEmpty()) {
            // A known email with no Smile account cannot receive value.
            return AccountVerification.invalid("no Smile account for this email");
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("AccountId", ids.get(0));
        if (firstName != null) {
            details.put("FriendlyName", firstName);
        }
        details.put("Number_Of_Accounts", Optional.ofNullable(Lenient.text(list, "NumberOfAccounts",
                "Number_Of_Accounts", "numberOfAccounts")).orElse(Integer.toString(ids.size())));
        if (ids.size() > 1) {
            details.put("AccountIds", String.join(",", ids));
        }
        return new AccountVerification(AccountVerification.Status.VALID, Lenient.text(content, "Customer_Name",
                "customerName"), details, null, null);
    }

    // ---- catalogue (GET services?identifier=, GET service-variations?serviceID=) ----

    /**
     * A listed service: VTpass's serviceID with its open-amount bounds in kobo.
     *
     * @param boundsUnreadable a bound was sent but is not an amount we can read: the service's open amounts
     *                         are not offered (an unreadable bound is not "no bound")
     */
    record ListedService(String serviceId, String name, Long minAmountMinor, Long maxAmountMinor,
                         boolean boundsUnreadable) {

        ListedService(String serviceId, String name, Long minAmountMinor, Long maxAmountMinor) {
            this(serviceId, name, minAmountMinor, maxAmountMinor, false);
        }

        /** Whether an open amount within these bounds may be offered; says so in the log when not. */
        boolean offersOpenAmounts() {
            if (boundsUnreadable) {
                log.warn("VTpass {} open amounts left out of the catalogue: its bounds are not readable", serviceId);
            }
            return !boundsUnreadable;
        }
    }

    /** The {@code content} of a services listing; throws when the reply is not a successful listing. */
    static List<ListedService> services(String body) {
        JsonNode content = listing(body, "services");
        List<ListedService> out = new ArrayList<>();
        for (JsonNode s : content) {
            String id = Lenient.text(s, "serviceID");
            if (id != null) {
                // "minimium_amount" is VTpass's own spelling.
                Lenient.Amount min = Lenient.amount("vtpass", "minimium_amount",
                        Lenient.text(s, "minimium_amount", "minimum_amount"), CURRENCY);
                Lenient.Amount max = Lenient.amount("vtpass", "maximum_amount", Lenient.text(s, "maximum_amount"),
                        CURRENCY);
                out.add(new ListedService(id, Lenient.text(s, "name"), min.minor(), max.minor(),
                        min.refused() || max.refused()));
            }
        }
        return out;
    }

    /**
     * The variations of one service as offers of our biller; {@code itemIdOf} maps a variation code
     * to our item id. A variation whose {@code fixedPrice} is not "Yes" is an open amount within the
     * service's bounds (electricity prepaid and postpaid).
     */
    static List<CatalogOffer> variations(String body, ServiceType service, String billerId, ListedService listed,
                                         java.util.function.UnaryOperator<String> itemIdOf) {
        JsonNode content = listing(body, "variations");
        // VTpass's own documentation shows the key misspelled "varations" (Smile, WAEC, JAMB pages); accept both.
        JsonNode rows = content.has("variations") ? content.path("variations") : content.path("varations");
        List<CatalogOffer> out = new ArrayList<>();
        for (JsonNode v : rows) {
            String code = Lenient.text(v, "variation_code");
            if (code == null) {
                continue;
            }
            boolean fixed = "yes".equalsIgnoreCase(Lenient.text(v, "fixedPrice"));
            Long price = fixed ? Lenient.minor("vtpass", "variation_amount", Lenient.text(v, "variation_amount"),
                    CURRENCY) : null;
            if (fixed && price == null) {
                // A fixed price we cannot read must not become an open amount.
                log.warn("VTpass variation {} left out of the catalogue: its price is not readable", code);
                continue;
            }
            if (!fixed && !listed.offersOpenAmounts()) {
                continue;
            }
            out.add(new CatalogOffer(service, billerId, itemIdOf.apply(code), Lenient.text(v, "name"), CURRENCY, price,
                    fixed ? null : listed.minAmountMinor(), fixed ? null : listed.maxAmountMinor()));
        }
        return out;
    }

    private static JsonNode listing(String body, String what) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !"000".equals(Lenient.text(root, "response_description", "code"))) {
            throw new IllegalStateException("VTpass " + what + " listing failed: "
                    + (root == null ? "unreadable reply" : Lenient.text(root, "response_description", "code")));
        }
        return root.path("content");
    }
}
