package com.vendstream.ops.vend;

import com.vendstream.events.ManualVendOutcome;
import com.vendstream.ops.vend.VendRefusal.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator proposes, as typed, and the checks it must pass: an outcome and a note always; DELIVERED needs
 * something the customer got (a token, PINs, units or receipt fields); NOT_DELIVERED carries none of them. Sizes
 * are bounded so a paste of a whole portal page cannot grow the entry or the decision event without limit.
 */
public record ProposalRequest(String outcome, String token, String units, List<String> pins,
                              Map<String, String> receipt, String note) {

    static final int MAX_NOTE = 1000;
    static final int MAX_VALUE = 64;
    static final int MAX_PINS = 50;
    static final int MAX_RECEIPT_FIELDS = 20;
    static final int MAX_RECEIPT_VALUE = 256;
    static final int MAX_REASON = 500;
    private static final java.util.regex.Pattern PROPOSAL_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

    /** Never prints the token or the PINs (the customer's deliverable). */
    @Override
    public String toString() {
        return "ProposalRequest[outcome=" + outcome + "]";
    }

    /** The checked proposal, trimmed (blank values are absent); refused as INVALID_REQUEST otherwise. */
    Checked check() {
        ManualVendOutcome decided;
        try {
            decided = ManualVendOutcome.valueOf(outcome == null ? "" : outcome);
        } catch (IllegalArgumentException e) {
            throw invalid("outcome must be DELIVERED or NOT_DELIVERED");
        }
        String checkedNote = text("note", note, MAX_NOTE);
        if (checkedNote == null) {
            throw invalid("a note is required: what the provider's portal shows and where");
        }
        String checkedToken = text("token", token, MAX_VALUE);
        String checkedUnits = text("units", units, MAX_VALUE);
        List<String> checkedPins = new ArrayList<>();
        if (pins != null) {
            if (pins.size() > MAX_PINS) {
                throw invalid("at most " + MAX_PINS + " pins");
            }
            for (String pin : pins) {
                String p = text("each pin", pin, MAX_VALUE);
                if (p == null) {
                    throw invalid("a pin may not be empty");
                }
                checkedPins.add(p);
            }
        }
        Map<String, String> checkedReceipt = new LinkedHashMap<>();
        if (receipt != null) {
            if (receipt.size() > MAX_RECEIPT_FIELDS) {
                throw invalid("at most " + MAX_RECEIPT_FIELDS + " receipt fields");
            }
            for (Map.Entry<String, String> field : receipt.entrySet()) {
                String key = text("a receipt field's name", field.getKey(), MAX_VALUE);
                String value = text("a receipt field's value", field.getValue(), MAX_RECEIPT_VALUE);
                if (key == null || value == null) {
                    throw invalid("receipt fields need a name and a value");
                }
                checkedReceipt.put(key, value);
            }
        }
        boolean delivers = checkedToken != null || checkedUnits != null || !checkedPins.isEmpty()
                || !checkedReceipt.isEmpty();
        if (decided == ManualVendOutcome.DELIVERED && !delivers) {
            throw invalid("DELIVERED needs what was delivered: a token, pins, units or receipt fields");
        }
        if (decided == ManualVendOutcome.NOT_DELIVERED && delivers) {
            throw invalid("NOT_DELIVERED carries no token, pins, units or receipt");
        }
        return new Checked(decided, checkedToken, checkedUnits, checkedPins, checkedReceipt, checkedNote);
    }

    record Checked(ManualVendOutcome outcome, String token, String units, List<String> pins,
                   Map<String, String> receipt, String note) {
        @Override
        public String toString() {
            return "Checked[outcome=" + outcome + "]";
        }
    }

    /** A rejection's reason: required, bounded. */
    static String reason(String reason) {
        String checked = text("reason", reason, MAX_REASON);
        if (checked == null) {
            throw invalid("a reason is required");
        }
        return checked;
    }

    /**
     * The proposal an approval or rejection is about, as the checker saw it: required, so a proposal replaced
     * between the checker's view and click is never the one decided (ids are UUIDs).
     */
    static String proposalId(String proposalId) {
        if (proposalId == null || !PROPOSAL_ID.matcher(proposalId).matches()) {
            throw invalid("proposalId, the id of the proposal shown, is required");
        }
        return proposalId;
    }

    /** Trimmed, null when blank; refused when too long or holding control characters. */
    private static String text(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw invalid(what + " is at most " + max + " characters");
        }
        if (trimmed.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw invalid(what + " may not hold control characters");
        }
        return trimmed;
    }

    private static VendRefusal invalid(String detail) {
        return new VendRefusal(Reason.INVALID_REQUEST, detail);
    }
}
