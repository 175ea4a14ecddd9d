package com.vendstream.providers.vtpass;

import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.Lenient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** VTpass pay/requery replies to vendstream outcomes, and its service listings to catalogue offers. */
public final class VtpassTransformer {

    private static final String[] TOKEN_FIELDS = {"purchased_code", "token", "mainToken", "Token"};
    private static final String[] UNITS_FIELDS = {"units", "mainTokenUnits", "Units"};
    private static final String[] RECEIPT_FIELDS = {"customerName", "CustomerName", "customerAddress", "meterNumber",
            "exchangeReference", "tariff", "taxAmount", "debtAmount", "utilityName", "balance", "resetToken",
            "configureToken", "bonusToken"};

    private VtpassTransformer() {
    }

    public static VendOutcome outcome(String body) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !root.isObject()) {
            return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, null, "reply is not JSON");
        }
        String code = Lenient.text(root, "code");
        String description = Lenient.text(root, "response_description");
        JsonNode transaction = root.path("content").path("transactions");
        String transactionId = Lenient.text(transaction, "transactionId");
        // 001 (TRANSACTION QUERY) carries the same inner status as 000.
        if ("000".equals(code) || "001".equals(code)) {
            if (!transaction.isObject()) {
                // 000 without the transaction block does not fit VTpass's guidelines: requery.
                return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, code, "000 without content.transactions");
            }
            String status = Optional.ofNullable(Lenient.text(transaction, "status")).orElse("").toLowerCase(Locale.ROOT);
            return switch (status) {
                case "delivered" -> succeeded(root, transaction, code);
                case "failed", "reversed" -> new VendOutcome.Failed(code, FailureClass.DECLINED_BY_PROVIDER,
                        "transaction " + status, false);
                // "resolved" is VTpass staff closing a stuck transaction; its result is not in the body.
                case "resolved" -> new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING,
                        "transaction resolved by VTpass staff: ask them", transactionId);
                default -> new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING,
                        "transaction " + (status.isEmpty() ? "without status" : status), transactionId);
            };
        }
        Optional<CodeRule> rule = VtpassCodes.rule(code);
        if (rule.isEmpty()) {
            return new VendOutcome.Pending(code, PendingCause.UNKNOWN_CODE, description, transactionId);
        }
        CodeRule r = rule.get();
        return switch (r.outcome()) {
            case FAILED -> new VendOutcome.Failed(code, r.failureClass(), r.meaning(), r.beforeProcessing());
            case SUCCEEDED -> succeeded(root, transaction, code);
            case PENDING -> new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING, r.meaning(), transactionId);
        };
    }

    static VendOutcome.Succeeded succeeded(JsonNode root, JsonNode transaction, String code) {
        String token = null;
        List<String> pins = new ArrayList<>();
        String raw = Lenient.text(root, TOKEN_FIELDS);
        if (raw == null || raw.isBlank()) {
            // A requery of a prepaid vend carries the token only in content.transactions.extras.
            raw = Lenient.text(transaction, "extras");
        }
        if (raw != null) {
            String cleaned = raw.replaceFirst("(?i)^\\s*(token|pin)\\s*:\\s*", "").trim();
            if (raw.toLowerCase(Locale.ROOT).startsWith("pin")) {
                pins.add(cleaned);
            } else if (!cleaned.isEmpty()) {
                token = cleaned;
            }
        }
        JsonNode cards = root.path("cards");
        if (cards.isArray()) {
            pins.clear();
            for (JsonNode card : cards) {
                String pin = Lenient.text(card, "Pin", "pin");
                if (pin != null) {
                    pins.add(pin);
                }
            }
        }
        Map<String, String> receipt = new LinkedHashMap<>();
        for (String field : RECEIPT_FIELDS) {
            String v = Lenient.text(root, field);
            if (v != null) {
                receipt.put(field, v);
            }
        }
        String product = Lenient.text(transaction, "product_name");
        if (product != null) {
            receipt.put("product", product);
        }
        Long amount = Lenient.minor(Lenient.text(transaction, "amount", "unit_price"), 2);
        Long commission = Lenient.minor(Lenient.text(transaction, "commission"), 2);
        Long cost = amount != null && commission != null ? amount - commission : null;
        return new VendOutcome.Succeeded(code, Lenient.text(transaction, "transactionId"), token,
                Lenient.text(root, UNITS_FIELDS), pins, receipt, cost);
    }

    // ---- catalogue (GET services?identifier=, GET service-variations?serviceID=) ----

    /** A listed service: VTpass's serviceID with its open-amount bounds in kobo. */
    record ListedService(String serviceId, String name, Long minAmountMinor, Long maxAmountMinor) {
    }

    /** The {@code content} of a services listing; throws when the reply is not a successful listing. */
    static List<ListedService> services(String body) {
        JsonNode content = listing(body, "services");
        List<ListedService> out = new ArrayList<>();
        for (JsonNode s : content) {
            String id = Lenient.text(s, "serviceID");
            if (id != null) {
                // "minimium_amount" is VTpass's own spelling.
                out.add(new ListedService(id, Lenient.text(s, "name"),
                        Lenient.minor(Lenient.text(s, "minimium_amount", "minimum_amount"), 2),
                        Lenient.minor(Lenient.text(s, "maximum_amount"), 2)));
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
        List<CatalogOffer> out = new ArrayList<>();
        for (JsonNode v : content.path("variations")) {
            String code = Lenient.text(v, "variation_code");
            if (code == null) {
                continue;
            }
            boolean fixed = "yes".equalsIgnoreCase(Lenient.text(v, "fixedPrice"));
            Long price = fixed ? Lenient.minor(Lenient.text(v, "variation_amount"), 2) : null;
            out.add(new CatalogOffer(service, billerId, itemIdOf.apply(code), Lenient.text(v, "name"), "NGN", price,
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
