package com.vendstream.providers.support;

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

    /** A decimal amount in major units ("1000.00", 1000, "1,000") as minor units, or null. */
    public static Long minor(String amount, int minorDigits) {
        if (amount == null) {
            return null;
        }
        try {
            return new BigDecimal(amount.replace(",", "").trim()).movePointRight(minorDigits)
                    .setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Minor units as a plain decimal string in major units: 50000 with 2 digits is "500.00". */
    public static String major(long minor, int minorDigits) {
        return BigDecimal.valueOf(minor).movePointLeft(minorDigits).setScale(minorDigits, RoundingMode.UNNECESSARY)
                .toPlainString();
    }
}
