package com.vendstream.providers.pagamio;

import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.EchoedReference;
import com.vendstream.providers.support.Lenient;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** Pagamio purchase replies and /transactions rows to vendstream outcomes. */
public final class PagamioTransformer {

    private static final Logger log = LoggerFactory.getLogger(PagamioTransformer.class);

    /** Pagamio sells in rand: its amounts are ZAR. */
    static final String CURRENCY = "ZAR";

    static final ZoneId SAST = ZoneId.of("Africa/Johannesburg");

    private PagamioTransformer() {
    }

    /**
     * A /purchase reply. Pagamio uses two error shapes: {@code {"responseCode": "1009", ...}} and
     * {@code {"success": false, "error": {"code": 1103, ...}}}; both are read.
     */
    public static VendOutcome purchase(String body) {
        return purchase(body, null);
    }

    /**
     * @param merchantReference ours; the documented reply does not echo it, but a reply that names
     *                          another one is PENDING, never taken as ours
     */
    public static VendOutcome purchase(String body, String merchantReference) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !root.isObject()) {
            return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, null, "reply is not JSON");
        }
        String transactionId = Lenient.text(root, "transactionId");
        String code = Lenient.text(root, "responseCode");
        String message = Lenient.text(root, "responseMessage");
        if (code == null && root.path("error").isObject()) {
            code = Lenient.text(root.path("error"), "code");
            message = Lenient.text(root.path("error"), "message");
        }
        String echoed = Lenient.text(root, "merchantReference");
        if (echoed == null && root.path("data").isObject()) {
            echoed = Lenient.text(root.path("data"), "merchantReference");
        }
        VendOutcome.Pending foreign = EchoedReference.mismatch(merchantReference, echoed, code, transactionId);
        if (foreign != null) {
            return foreign;
        }
        if (code == null) {
            return new VendOutcome.Pending(null, PendingCause.UNPARSEABLE_REPLY, "no responseCode", transactionId);
        }
        JsonNode successful = root.get("successful");
        if ("0".equals(code) && successful != null && !successful.asBoolean(false)) {
            // Success code with successful=false is not a reply we can trust either way.
            return new VendOutcome.Pending(code, PendingCause.UNPARSEABLE_REPLY, "code 0 but successful=false",
                    transactionId);
        }
        String finalCode = code;
        return PagamioCodes.TABLE.outcome(code, message, transactionId,
                rule -> succeeded(finalCode, transactionId, root.path("receipt")));
    }

    /** One /transactions row: status code 0 COMPLETED, 1 PENDING, 2 PROCESSING, 3 FAILED. */
    public static VendOutcome status(JsonNode row) {
        String transactionId = Lenient.text(row, "transactionId");
        JsonNode status = row.path("status");
        String code = status.isObject() ? Lenient.text(status, "code") : Lenient.text(row, "status");
        String label = status.isObject() ? Lenient.text(status, "label") : null;
        if ("0".equals(code) || "COMPLETED".equalsIgnoreCase(code)) {
            return succeeded("0", transactionId, row.path("receipt"));
        }
        if ("3".equals(code) || "FAILED".equalsIgnoreCase(code)) {
            return new VendOutcome.Failed("3", FailureClass.DECLINED_BY_PROVIDER, "FAILED at Pagamio", false);
        }
        return new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING,
                label == null ? "status " + code : label, transactionId);
    }

    static VendOutcome.Succeeded succeeded(String code, String transactionId, JsonNode receipt) {
        String token = null;
        String units = null;
        JsonNode tokens = receipt.path("tokens");
        if (tokens.isArray() && !tokens.isEmpty()) {
            JsonNode first = tokens.get(0);
            token = Lenient.text(first, "token");
            String quantity = Lenient.text(first, "quantity");
            String unit = Lenient.text(first, "unit");
            units = quantity == null ? null : unit == null ? quantity : quantity + " " + unit;
        } else {
            token = Lenient.text(receipt, "token");
            units = Lenient.text(receipt, "units");
        }
        List<String> pins = new ArrayList<>();
        JsonNode items = receipt.path("items");
        if (items.isArray()) {
            for (JsonNode item : items) {
                String pin = Lenient.text(item, "pin");
                if (pin != null) {
                    pins.add(pin);
                }
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        for (String field : new String[] {"receiptNumber", "meterNumber", "accountNumber", "utility", "name",
                "aggregator", "unitType", "taxAmount"}) {
            String v = Lenient.text(receipt, field);
            if (v != null) {
                details.put(field, v);
            }
        }
        // The receipt amount's unit is unconfirmed (it reads like cents), so no cost is derived from it.
        return new VendOutcome.Succeeded(code, transactionId, token, units, pins, details, null);
    }

    static CodeRule.Outcome outcomeOf(VendOutcome outcome) {
        if (outcome instanceof VendOutcome.Succeeded) {
            return CodeRule.Outcome.SUCCEEDED;
        }
        return outcome instanceof VendOutcome.Failed ? CodeRule.Outcome.FAILED : CodeRule.Outcome.PENDING;
    }

    static TransactionReport report(JsonNode row) {
        VendOutcome outcome = status(row);
        Long amount = Lenient.minor("pagamio", "totalAmount", Lenient.text(row, "totalAmount", "price"), CURRENCY);
        Instant at = null;
        String date = Lenient.text(row, "responseDate");
        if (date != null) {
            try {
                // Pagamio's timestamps carry no offset; their support works in SAST.
                at = LocalDateTime.parse(date).atZone(SAST).toInstant();
            } catch (RuntimeException e) {
                at = null;
            }
        }
        return new TransactionReport("pagamio", Lenient.text(row, "transactionId"), Lenient.text(row, "merchantReference"),
                outcomeOf(outcome), amount, CURRENCY, Lenient.text(row, "productName"), at);
    }

    /**
     * A products listing ({@code GET /merchants/{id}/products} or {@code /sub-merchants/{id}/products})
     * as offers: {@code billersOf} names our (service, biller) pairs for a product code (one code can
     * stand for several of our billers). Inactive products are left out; amounts are Rand.
     */
    static List<CatalogOffer> products(int status, String body,
                                       java.util.function.Function<String, List<Map.Entry<ServiceType, String>>> billersOf) {
        JsonNode root = Lenient.parse(body);
        JsonNode data = root == null ? null : root.path("data").isArray() ? root.path("data") : root.path("content");
        if (status >= 400 && status < 500 && status != 401 && status != 408 && status != 429) {
            // Pagamio refused this request (an outlet's sub-merchant id it does not know, say): about the scope
            // asked for, not Pagamio being down, so it must not count against the provider's listing circuit.
            throw new IllegalArgumentException("Pagamio refused the products listing with HTTP " + status);
        }
        if (status != 200 || data == null || !data.isArray()) {
            throw new IllegalStateException("Pagamio products listing failed with HTTP " + status);
        }
        List<CatalogOffer> out = new ArrayList<>();
        for (JsonNode p : data) {
            String code = Lenient.text(p, "productCode", "code");
            if (code == null || "false".equalsIgnoreCase(Lenient.text(p, "active"))) {
                continue;
            }
            Lenient.Amount fixed = Lenient.amount("pagamio", "fixedAmount", Lenient.text(p, "fixedAmount"), CURRENCY);
            // A fixed price makes the bounds meaningless, so they are only read for an open amount.
            boolean open = fixed.minor() == null;
            Lenient.Amount min = open ? Lenient.amount("pagamio", "minAmount", Lenient.text(p, "minAmount"), CURRENCY)
                    : Lenient.Amount.ABSENT;
            Lenient.Amount max = open ? Lenient.amount("pagamio", "maxAmount", Lenient.text(p, "maxAmount"), CURRENCY)
                    : Lenient.Amount.ABSENT;
            if (fixed.refused() || min.refused() || max.refused()) {
                // A price we cannot read must not become an open amount or an unbounded one: not offered.
                log.warn("Pagamio product {} left out of the catalogue: its price is not readable", code);
                continue;
            }
            for (Map.Entry<ServiceType, String> biller : billersOf.apply(code)) {
                out.add(new CatalogOffer(biller.getKey(), biller.getValue(), null, Lenient.text(p, "name"), CURRENCY,
                        fixed.minor(), min.minor(), max.minor()));
            }
        }
        return out;
    }
}
