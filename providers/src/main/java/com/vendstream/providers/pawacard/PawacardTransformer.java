package com.vendstream.providers.pawacard;

import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.EchoedReference;
import com.vendstream.providers.support.Lenient;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Pawacard vend, bill and transaction replies to vendstream outcomes. */
public final class PawacardTransformer {

    /** The seed's dates: "11-4-2014 20:24:7", no zero padding, no timezone. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d-M-yyyy H:m:s");

    private PawacardTransformer() {
    }

    public static VendOutcome outcome(String body) {
        return outcome(body, null);
    }

    /**
     * @param ref our {@code ref}; a reply that names another one (at the top or in its transaction) is
     *            PENDING: Pawacard answers a repeated ref with the original transaction, whose token is
     *            not ours to deliver
     */
    public static VendOutcome outcome(String body, String ref) {
        JsonNode root = Lenient.parse(body);
        if (root == null || !root.isObject()) {
            return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, null, "reply is not JSON");
        }
        JsonNode tx = root.path("transaction");
        String transactionId = Lenient.text(root, "transactionId");
        if (transactionId == null && tx.isObject()) {
            transactionId = Lenient.text(tx, "transactionId");
        }
        String msg = Lenient.text(root, "msg");
        String elec = Lenient.text(root, "code");
        String echoed = Lenient.text(root, "ref");
        VendOutcome.Pending foreign = EchoedReference.mismatch(ref, echoed != null ? echoed
                : tx.isObject() ? Lenient.text(tx, "ref") : null, elec, transactionId);
        if (foreign != null) {
            return foreign;
        }
        // A prepaid success is the token itself (the seed's success body has no status at all).
        if (Lenient.text(root, "token") != null) {
            return succeeded(elec == null ? "elec000" : elec, transactionId, root);
        }
        if (elec != null) {
            if ("elec100".equals(elec) && msg != null && msg.toLowerCase(Locale.ROOT).contains("luhn")) {
                return PawacardCodes.TABLE.outcome("luhn", msg, transactionId, r -> null);
            }
            if (!"elec000".equals(elec)) {
                return PawacardCodes.TABLE.outcome(elec, msg, transactionId, r -> null);
            }
        }
        if (tx.isObject()) {
            String inner = Lenient.text(tx, "status");
            String code = "tx:" + inner;
            String finalId = transactionId;
            return PawacardCodes.TABLE.outcome(code, Lenient.text(tx, "msg"), transactionId,
                    r -> succeeded(code, finalId, tx));
        }
        String status = Lenient.text(root, "status");
        if (status == null) {
            return VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, null, "neither token, transaction nor status");
        }
        if ("1".equals(status) && msg != null && msg.toLowerCase(Locale.ROOT).contains("too soon")) {
            return PawacardCodes.TABLE.outcome("throttle", msg, null, r -> null);
        }
        // status 0 without a token or transaction is not a success we can deliver: requery.
        return PawacardCodes.TABLE.outcome("status:" + status, msg, transactionId, r -> null);
    }

    static VendOutcome.Succeeded succeeded(String code, String transactionId, JsonNode node) {
        Map<String, String> receipt = new LinkedHashMap<>();
        for (String f : new String[] {"stdTokenRctNum", "rctNum", "totalAmount", "amount", "customerName", "accountNo",
                "ref"}) {
            String v = Lenient.text(node, f);
            if (v != null) {
                receipt.put(f, v);
            }
        }
        String date = Lenient.text(node, "date");
        if (date != null) {
            try {
                receipt.put("date", LocalDateTime.parse(date, DATE).toString());
            } catch (RuntimeException e) {
                receipt.put("date", date);
            }
        }
        JsonNode fixed = node.path("fixed");
        if (fixed.isArray()) {
            for (JsonNode charge : fixed) {
                charge.properties().forEach(e -> receipt.put(e.getKey(), e.getValue().asString()));
            }
        }
        return new VendOutcome.Succeeded(code, transactionId, Lenient.text(node, "token"), null, null, receipt, null);
    }
}
