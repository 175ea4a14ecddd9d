package com.vendstream.providers.support;

import com.vendstream.providers.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading provider JSON that drifts between strings and numbers, and between field names. */
public final class Lenient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Lenient() {
    }

    /** The parsed body, or null when it is not JSON at all. */
    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The first of the named fields that holds a non-blank scalar, as text. */
    public static String text(JsonNode node, String... names) {
        if (node == null) {
            return null;
        }
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v != null && !v.isNull() && v.isValueNode()) {
                String s = v.asString().trim();
                if (!s.isEmpty() && !s.equalsIgnoreCase("N/A")) {
                    return s;
                }
            }
        }
        return null;
    }

    /**
     * A provider's decimal amount ("1000.00", 1000, "1,000") as minor units of {@code currency}, through
     * {@link Money#parse}; null when absent, not a number, or not a whole number of minor units (never rounded).
     */
    public static Long minor(String amount, String currency) {
        try {
            Money money = Money.parse(amount, currency);
            return money == null ? null : money.minor();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A count that is not money (seconds, a quantity, a status code: "1800", 1800.0), or null. */
    public static Long whole(String number) {
        if (number == null) {
            return null;
        }
        try {
            return new BigDecimal(number.replace(",", "").trim()).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
