package com.vendstream.providers.pay4power;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.EchoedReference;
import com.vendstream.providers.support.Lenient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Pay4Power's envelope {@code {success, message, errors, statusCode, correlationId, data}} to
 * vendstream outcomes. The contents of {@code data} are not documented, so fields are looked up by
 * several spellings and at any depth; when the answer is not certain the outcome is PENDING.
 */
public final class Pay4PowerTransformer {

    /** The documented envelope; {@code statusCode} falls back to the HTTP status when the body has none. */
    public record Envelope(boolean success, int statusCode, String message, String correlationId, JsonNode data) {
    }

    static final Set<String> TOKEN_FIELDS = Set.of("token", "purchasedcode", "purchased_code", "maintoken",
            "creditoken", "credittoken", "stdtoken", "tokenvalue", "vendtoken", "electricitytoken", "pin");
    static final Set<String> UNITS_FIELDS = Set.of("units", "unit", "maintokenunits", "kwh", "energy");
    static final Set<String> TRANSACTION_ID_FIELDS = Set.of("transactionid", "transactionreference",
            "providerreference", "paymentreference", "reference");
    /** Where a reply may echo our own reference (the request's {@code clientTransactionReference}). */
    static final Set<String> OUR_REFERENCE_FIELDS = Set.of("clienttransactionreference", "clientreference");
    static final Set<String> STATUS_FIELDS = Set.of("status", "transactionstatus", "vendstatus", "state");
    static final Set<String> ACCESS_TOKEN_FIELDS = Set.of("accesstoken", "access_token", "token", "jwt", "bearertoken");
    private static final String[] RECEIPT_FIELDS = {"customerName", "address", "meterNumber", "receiver", "provider",
            "receiptNumber", "tariff", "package", "amount"};

    private Pay4PowerTransformer() {
    }

    /** The envelope, or empty when the body is not a JSON object. */
    public static Optional<Envelope> envelope(int httpStatus, String body) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        Long code = Lenient.whole(Lenient.text(root, "statusCode", "status_code"));
        String success = Lenient.text(root, "success");
        return Optional.of(new Envelope("true".equalsIgnoreCase(success), code == null ? httpStatus : code.intValue(),
                Lenient.text(root, "message"), Lenient.text(root, "correlationId"), root.path("data")));
    }

    /**
     * The code that decides: the HTTP status when it is an error (a body cannot turn a 5xx into a
     * success), otherwise the envelope's own statusCode.
     */
    static int decidingCode(int httpStatus, Envelope envelope) {
        return httpStatus >= 300 ? httpStatus : envelope.statusCode();
    }

    public static VendOutcome vend(int httpStatus, String body, boolean tokenExpected) {
        return vend(httpStatus, body, tokenExpected, null);
    }

    /**
     * @param reference our client reference; a reply whose {@code data} names another one
     *                  ({@code clientTransactionReference} or {@code clientReference}) is PENDING
     */
    public static VendOutcome vend(int httpStatus, String body, boolean tokenExpected, String reference) {
        return markThrottled(httpStatus, body, vendOutcome(httpStatus, body, tokenExpected, reference));
    }

    private static VendOutcome vendOutcome(int httpStatus, String body, boolean tokenExpected, String reference) {
        Optional<Envelope> parsed = envelope(httpStatus, body);
        if (parsed.isEmpty()) {
            return unparseable(httpStatus);
        }
        Envelope e = parsed.get();
        int code = decidingCode(httpStatus, e);
        Optional<CodeRule> rule = Pay4PowerCodes.vend(code);
        String txId = find(e.data(), TRANSACTION_ID_FIELDS);
        VendOutcome.Pending foreign = EchoedReference.mismatch(reference, find(e.data(), OUR_REFERENCE_FIELDS),
                Integer.toString(code), txId);
        if (foreign != null) {
            return foreign;
        }
        if (rule.isEmpty()) {
            return new VendOutcome.Pending(Integer.toString(code), PendingCause.UNKNOWN_CODE, e.message(), txId);
        }
        CodeRule r = rule.get();
        return switch (r.outcome()) {
            case FAILED -> new VendOutcome.Failed(r.code(), r.failureClass(), describe(r, e), r.beforeProcessing());
            case PENDING -> VendOutcome.Pending.of(r, r.code(), code >= 500 ? PendingCause.SERVER_ERROR
                    : PendingCause.PROVIDER_PENDING, describe(r, e), txId);
            case SUCCEEDED -> successfulVend(e, tokenExpected, txId);
            case NOT_SENT -> Pay4PowerCodes.VEND.notSent(r.code(), describe(r, e), r.retryAfter());
        };
    }

    private static VendOutcome successfulVend(Envelope e, boolean tokenExpected, String txId) {
        if (!e.success()) {
            return new VendOutcome.Pending("200", PendingCause.UNKNOWN_CODE, "statusCode 200 with success=false", txId);
        }
        String status = find(e.data(), STATUS_FIELDS);
        Optional<CodeRule> inner = Pay4PowerCodes.transactionStatus(status);
        if (status != null && (inner.isEmpty() || inner.get().outcome() != CodeRule.Outcome.SUCCEEDED)) {
            // "A successful HTTP response can still represent a business-level pending or failed
            // state": a vend reply that says anything but success is settled by requery.
            return new VendOutcome.Pending("200", PendingCause.PROVIDER_PENDING, "data.status " + status, txId);
        }
        return succeeded("200", e, tokenExpected, txId);
    }

    public static VendOutcome requery(int httpStatus, String body, boolean tokenExpected) {
        return requery(httpStatus, body, tokenExpected, null);
    }

    /** @param reference our client reference; a reply about another one is PENDING */
    public static VendOutcome requery(int httpStatus, String body, boolean tokenExpected, String reference) {
        return markThrottled(httpStatus, body, requeryOutcome(httpStatus, body, tokenExpected, reference));
    }

    /**
     * A reply whose deciding code is Pay4Power's rate limit is PENDING whatever else it says (no table
     * row, an unreadable body, a foreign reference); it is marked throttled so the caller backs off.
     */
    private static VendOutcome markThrottled(int httpStatus, String body, VendOutcome outcome) {
        int code = envelope(httpStatus, body).map(e -> decidingCode(httpStatus, e)).orElse(httpStatus);
        return Pay4PowerCodes.throttled(code) && outcome instanceof VendOutcome.Pending p ? p.asThrottled() : outcome;
    }

    private static VendOutcome requeryOutcome(int httpStatus, String body, boolean tokenExpected, String reference) {
        Optional<Envelope> parsed = envelope(httpStatus, body);
        if (parsed.isEmpty()) {
            return unparseable(httpStatus);
        }
        Envelope e = parsed.get();
        int code = decidingCode(httpStatus, e);
        String txId = find(e.data(), TRANSACTION_ID_FIELDS);
        VendOutcome.Pending foreign = EchoedReference.mismatch(reference, find(e.data(), OUR_REFERENCE_FIELDS),
                Integer.toString(code), txId);
        if (foreign != null) {
            return foreign;
        }
        Optional<CodeRule> rule = Pay4PowerCodes.requery(code);
        if (rule.isEmpty()) {
            return new VendOutcome.Pending(Integer.toString(code), code >= 500 ? PendingCause.SERVER_ERROR
                    : PendingCause.UNKNOWN_CODE, e.message(), txId);
        }
        CodeRule r = rule.get();
        if (r.outcome() == CodeRule.Outcome.FAILED) {
            return new VendOutcome.Failed(r.code(), r.failureClass(), describe(r, e), r.beforeProcessing());
        }
        if (r.outcome() == CodeRule.Outcome.PENDING) {
            // The row's decision travels with it: 400 says a person must look, 401 (after the connector's one
            // token refresh) that the same requery may simply be asked again.
            return VendOutcome.Pending.of(r, r.code(), PendingCause.PROVIDER_PENDING, describe(r, e), txId);
        }
        if (!e.success()) {
            return new VendOutcome.Pending(r.code(), PendingCause.PROVIDER_PENDING, describe(r, e), txId);
        }
        String status = find(e.data(), STATUS_FIELDS);
        Optional<CodeRule> inner = Pay4PowerCodes.transactionStatus(status);
        if (inner.isEmpty()) {
            return new VendOutcome.Pending(status, PendingCause.UNKNOWN_CODE,
                    status == null ? "requery data without a status" : "unknown status " + status, txId);
        }
        CodeRule s = inner.get();
        return switch (s.outcome()) {
            case SUCCEEDED -> succeeded(s.code(), e, tokenExpected, txId);
            case FAILED -> new VendOutcome.Failed(s.code(), s.failureClass(), s.meaning(), false);
            case PENDING -> VendOutcome.Pending.of(s, s.code(), PendingCause.PROVIDER_PENDING, s.meaning(), txId);
            case NOT_SENT -> new VendOutcome.Pending(s.code(), PendingCause.PROVIDER_PENDING, s.meaning(), txId);
        };
    }

    private static VendOutcome succeeded(String code, Envelope e, boolean tokenExpected, String txId) {
        String token = cleanToken(find(e.data(), TOKEN_FIELDS));
        if (tokenExpected && token == null) {
            // A prepaid meter without a token is not value delivered; requery may carry it.
            return new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING, "success without a token", txId);
        }
        Map<String, String> receipt = new LinkedHashMap<>();
        for (String field : RECEIPT_FIELDS) {
            String v = find(e.data(), Set.of(field.toLowerCase(Locale.ROOT)));
            if (v != null) {
                receipt.put(field, v);
            }
        }
        if (e.correlationId() != null) {
            receipt.put("correlationId", e.correlationId());
        }
        if (e.message() != null) {
            receipt.put("message", e.message());
        }
        return new VendOutcome.Succeeded(code, txId, token, find(e.data(), UNITS_FIELDS), java.util.List.of(),
                receipt, null);
    }

    public static AccountVerification verification(int httpStatus, String body) {
        Optional<Envelope> parsed = envelope(httpStatus, body);
        if (parsed.isEmpty()) {
            return AccountVerification.unavailable("Pay4Power verify reply is not JSON (HTTP " + httpStatus + ")",
                    httpStatus >= 500);
        }
        Envelope e = parsed.get();
        int code = decidingCode(httpStatus, e);
        if (code == 400 || code == 404 || code == 417) {
            return AccountVerification.invalid(e.message());
        }
        if (code != 200 || !e.success()) {
            return AccountVerification.unavailable("Pay4Power verify answered " + code, httpStatus >= 500);
        }
        Map<String, String> details = new LinkedHashMap<>();
        for (String field : new String[] {"address", "meterType", "minimumAmount", "minimumPurchase", "arrears",
                "outstandingBalance", "tariff", "currentBouquet", "dueDate"}) {
            String v = find(e.data(), Set.of(field.toLowerCase(Locale.ROOT)));
            if (v != null) {
                details.put(field, v);
            }
        }
        return new AccountVerification(AccountVerification.Status.VALID,
                find(e.data(), Set.of("customername", "name", "customer_name")), details,
                find(e.data(), Set.of("verificationreference", "reference", "validationreference")), e.message());
    }

    /** The bearer token of an auth reply, wherever it sits. */
    static String accessToken(String body) {
        JsonNode root = Lenient.parse(body);
        return root == null ? null : find(root, ACCESS_TOKEN_FIELDS);
    }

    /**
     * Token lifetime; not documented. {@code expiresIn} is read as seconds (the common JWT reading),
     * an absolute {@code expiresAt} epoch is ignored, and without either the token is kept 15 minutes.
     */
    static Duration lifetime(String body) {
        JsonNode root = Lenient.parse(body);
        String raw = root == null ? null : find(root, Set.of("expiresin", "expires_in"));
        Long seconds = Lenient.whole(raw);
        return seconds == null || seconds <= 0 ? Duration.ofMinutes(15) : Duration.ofSeconds(seconds);
    }

    private static VendOutcome unparseable(int httpStatus) {
        return httpStatus >= 500
                ? VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP " + httpStatus, "server error")
                : VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, "HTTP " + httpStatus, "reply is not the envelope");
    }

    private static String describe(CodeRule rule, Envelope e) {
        return e.message() == null ? rule.meaning() : rule.meaning() + ": " + e.message();
    }

    static String cleanToken(String raw) {
        if (raw == null) {
            return null;
        }
        String cleaned = raw.replaceFirst("(?i)^\\s*(token|pin)\\s*:\\s*", "").trim();
        return cleaned.isEmpty() ? null : cleaned;
    }

    /** The first scalar whose field name (case-insensitive) is one of {@code names}, breadth first. */
    static String find(JsonNode node, Set<String> names) {
        if (node == null || !node.isContainer()) {
            return null;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode v = field.getValue();
                if (names.contains(field.getKey().toLowerCase(Locale.ROOT)) && v.isValueNode() && !v.isNull()) {
                    String s = v.asString().trim();
                    if (!s.isEmpty() && !s.equalsIgnoreCase("N/A")) {
                        return s;
                    }
                }
            }
        }
        for (JsonNode child : node.values()) {
            String found = find(child, names);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
