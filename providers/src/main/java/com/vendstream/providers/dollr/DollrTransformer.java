package com.vendstream.providers.dollr;

import com.vendstream.providers.mobilemoney.Msisdn;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.Masking;
import com.vendstream.providers.support.Lenient;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** Dollr's JSON to vendstream types: amounts, ids that drift between numbers and strings, outcomes. */
public final class DollrTransformer {

    private DollrTransformer() {
    }

    /** E.164 digits without '+', as Dollr wants them. */
    public static String phone(String phone) {
        return Msisdn.digits(phone);
    }

    /** The market of a Dollr method enum: MTN_MOMO_LBR is Liberia (LR), AIRTEL_RWA Rwanda (RW); else null. */
    static String country(String method) {
        if (method == null) {
            return null;
        }
        String m = method.toUpperCase(Locale.ROOT);
        return m.endsWith("_LBR") ? "LR" : m.endsWith("_RWA") ? "RW" : null;
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

    /** A short, customer-data-free description of a 4xx body for exceptions and outcomes (long numbers masked). */
    static String detail(JsonNode root) {
        if (root == null) {
            return null;
        }
        JsonNode detail = root.path("detail");
        if (detail.isValueNode()) {
            return Masking.numbers(detail.asString());
        }
        if (detail.isArray() && !detail.isEmpty()) {
            JsonNode first = detail.get(0);
            return Masking.numbers(first.path("loc").toString() + " " + Lenient.text(first, "msg"));
        }
        return Masking.numbers(Lenient.text(root, "message", "error"));
    }

    /**
     * An execution or status reply with HTTP 2xx: Dollr's ExecutionResponse ({@code reference_id,
     * status, payer_amount, payer_currency, payee_amount, payee_currency, operation_type,
     * provider_transaction_id, gateway_message, wallet_message, client_secret, requires_action}).
     * A reply about another reference than ours says nothing about ours: PENDING. The free-text message
     * is kept with every long number masked ({@link Masking#numbers}).
     */
    static PaymentOutcome outcome(String referenceId, String body, String currency) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !root.isObject()) {
            CodeRule r = DollrStatuses.TABLE.rule("UNPARSEABLE").orElseThrow();
            return of(r, referenceId, "reply is not JSON", null, null, "UNPARSEABLE");
        }
        JsonNode node = root.has("status") ? root : root.path("data");
        String ref = Lenient.text(node, "reference_id");
        if (ref != null && !ref.equalsIgnoreCase(referenceId)) {
            return new PaymentOutcome(PaymentOutcome.Status.PENDING, referenceId,
                    "reply names another reference_id", null, null, Decision.REQUERY, "REFERENCE MISMATCH");
        }
        String word = Lenient.text(node, "status");
        // Operators' texts often quote the customer's number ("231770000002 has insufficient funds"): the
        // message travels on to events and to the merchant, so no long number is kept.
        String message = Masking.numbers(Lenient.text(node, "gateway_message", "wallet_message", "message"));
        String payerCurrency = Lenient.text(node, "payer_currency", "currency");
        payerCurrency = payerCurrency == null ? currency : payerCurrency;
        String payeeCurrency = Lenient.text(node, "payee_currency");
        payeeCurrency = payeeCurrency == null ? payerCurrency : payeeCurrency;
        Long payer = Lenient.minor("dollr", "payer_amount", Lenient.text(node, "payer_amount"), payerCurrency);
        Long payee = Lenient.minor("dollr", "payee_amount", Lenient.text(node, "payee_amount"), payeeCurrency);
        Long fee = fee(payer, payerCurrency, payee, payeeCurrency);
        String providerTx = Lenient.text(node, "provider_transaction_id");
        CodeRule rule = DollrStatuses.status(word);
        if (rule == null) {
            return new PaymentOutcome(PaymentOutcome.Status.PENDING, referenceId,
                    word == null ? "reply without a status" : "unknown status " + word, payer, fee, Decision.REQUERY, word,
                    providerTx, null);
        }
        if (rule.outcome() == CodeRule.Outcome.PENDING && node.path("requires_action").asBoolean(false)) {
            message = message == null ? "requires customer action" : message;
        }
        PaymentOutcome o = of(rule, referenceId, message, payer, fee, word.toUpperCase(Locale.ROOT));
        return new PaymentOutcome(o.status(), o.referenceId(), o.gatewayMessage(), payer, fee, o.decision(),
                o.providerStatus(), providerTx, null, o.throttled());
    }

    /** Payer amount minus payee amount: the fees, whoever bore them; null across currencies (FX). */
    static Long fee(Long payer, String payerCurrency, Long payee, String payeeCurrency) {
        if (payer == null || payee == null || payerCurrency == null || !payerCurrency.equalsIgnoreCase(payeeCurrency)) {
            return null;
        }
        return payer - payee;
    }

    static PaymentOutcome of(CodeRule rule, String referenceId, String message, Long payer, Long fee, String raw) {
        return of(rule, referenceId, message, payer, fee, raw, null);
    }

    /** A RETRY or NOT_SENT row reached none of Dollr's processing: NOT_SENT, to be sent again after {@code retryAfter}. */
    static PaymentOutcome of(CodeRule rule, String referenceId, String message, Long payer, Long fee, String raw,
                             java.time.Duration retryAfter) {
        PaymentOutcome.Status status = rule.decision() == Decision.RETRY ? PaymentOutcome.Status.NOT_SENT
                : switch (rule.outcome()) {
                    case SUCCEEDED -> PaymentOutcome.Status.COMPLETED;
                    case FAILED -> PaymentOutcome.Status.FAILED;
                    case PENDING -> PaymentOutcome.Status.PENDING;
                    case NOT_SENT -> PaymentOutcome.Status.NOT_SENT;
                };
        return new PaymentOutcome(status, referenceId, message == null ? rule.meaning() : message, payer, fee,
                rule.decision(), raw, null, retryAfter, rule.throttled());
    }
}
