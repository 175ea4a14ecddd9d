package com.vendstream.providers.dollr;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.support.Lenient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Dollr's JSON to vendstream types: amounts, ids that drift between numbers and strings, outcomes. */
public final class DollrTransformer {

    /** Minor digits of Dollr's currencies; others from the JDK's ISO 4217 table. */
    private static final Map<String, Integer> MINOR_DIGITS = Map.of("LRD", 2, "USD", 2, "RWF", 0);

    private DollrTransformer() {
    }

    public static int minorDigits(String currency) {
        Integer digits = MINOR_DIGITS.get(currency.toUpperCase(Locale.ROOT));
        if (digits != null) {
            return digits;
        }
        int jdk = Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits();
        return Math.max(jdk, 0);
    }

    /** 12345 LRD minor units is 123.45; 5000 RWF is 5000. */
    public static BigDecimal decimal(long minor, String currency) {
        return BigDecimal.valueOf(minor).movePointLeft(minorDigits(currency)).setScale(minorDigits(currency),
                RoundingMode.UNNECESSARY);
    }

    /** A Dollr decimal ("123.45", 123.45, "5000") as minor units; null when absent or not a number. */
    public static Long minor(String amount, String currency) {
        return amount == null || currency == null ? null : Lenient.minor(amount, minorDigits(currency));
    }

    /** E.164 digits without '+', as Dollr wants them. */
    public static String phone(String phone) {
        if (phone == null) {
            return null;
        }
        String digits = phone.replaceAll("[\\s\\-().]", "");
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        } else if (digits.startsWith("00")) {
            digits = digits.substring(2);
        }
        if (!digits.matches("\\d{8,15}")) {
            throw new IllegalArgumentException("not an E.164 phone number");
        }
        return digits;
    }

    /** The id of a created entity: top-level {@code id}, or under {@code data} or the entity's name. */
    static String id(JsonNode root, String entity) {
        if (root == null) {
            return null;
        }
        String id = Lenient.text(root, "id");
        if (id == null) {
            id = Lenient.text(root.path(entity), "id");
        }
        if (id == null) {
            id = Lenient.text(root.path("data"), "id");
        }
        if (id == null) {
            id = Lenient.text(root.path("data").path(entity), "id");
        }
        return id;
    }

    /** True when a 422 {@code detail} says the reference_id was already used. */
    static boolean duplicate(JsonNode root) {
        if (root == null) {
            return false;
        }
        String text = root.path("detail").toString().toLowerCase(Locale.ROOT);
        return text.contains("duplicate") || text.contains("already exist") || text.contains("already used");
    }

    /** A short, customer-data-free description of a 4xx body for exceptions and outcomes. */
    static String detail(JsonNode root) {
        if (root == null) {
            return null;
        }
        JsonNode detail = root.path("detail");
        if (detail.isValueNode()) {
            return detail.asString();
        }
        if (detail.isArray() && !detail.isEmpty()) {
            JsonNode first = detail.get(0);
            return first.path("loc").toString() + " " + Lenient.text(first, "msg");
        }
        return Lenient.text(root, "message", "error");
    }

    /** An execution or status reply with HTTP 2xx. */
    static PaymentOutcome outcome(String referenceId, String body, String currency) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !root.isObject()) {
            CodeRule r = DollrStatuses.TABLE.rule("UNPARSEABLE").orElseThrow();
            return of(r, referenceId, "reply is not JSON", null, null, "UNPARSEABLE");
        }
        JsonNode node = root.has("status") ? root : root.path("data");
        String word = Lenient.text(node, "status");
        String message = Lenient.text(node, "gateway_message", "message");
        String cur = Lenient.text(node, "currency");
        cur = cur == null ? currency : cur;
        Long payer = cur == null ? null : minor(Lenient.text(node, "payer_amount"), cur);
        Long payee = cur == null ? null : minor(Lenient.text(node, "payee_amount"), cur);
        Long fee = cur == null ? null : minor(Lenient.text(node, "fee", "fees", "fee_amount"), cur);
        if (fee == null && payer != null && payee != null) {
            fee = payer - payee;
        }
        String ref = Lenient.text(node, "reference_id");
        CodeRule rule = DollrStatuses.status(word);
        if (rule == null) {
            return new PaymentOutcome(PaymentOutcome.Status.PENDING, ref == null ? referenceId : ref,
                    word == null ? "reply without a status" : "unknown status " + word, payer, fee, Decision.REQUERY, word);
        }
        if (rule.outcome() == CodeRule.Outcome.PENDING && node.path("requires_action").asBoolean(false)) {
            message = message == null ? "requires customer action" : message;
        }
        return of(rule, ref == null ? referenceId : ref, message, payer, fee, word.toUpperCase(Locale.ROOT));
    }

    static PaymentOutcome of(CodeRule rule, String referenceId, String message, Long payer, Long fee, String raw) {
        PaymentOutcome.Status status = switch (rule.outcome()) {
            case SUCCEEDED -> PaymentOutcome.Status.COMPLETED;
            case FAILED -> PaymentOutcome.Status.FAILED;
            // Dollr's table has no NOT_SENT rows; were one added, its money has not moved yet.
            case PENDING, NOT_SENT -> PaymentOutcome.Status.PENDING;
        };
        return new PaymentOutcome(status, referenceId, message == null ? rule.meaning() : message, payer, fee,
                rule.decision(), raw);
    }
}
