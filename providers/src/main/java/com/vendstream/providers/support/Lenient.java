package com.vendstream.providers.support;

import com.vendstream.providers.Money;
import io.micrometer.core.instrument.Metrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading provider JSON that drifts between strings and numbers, and between field names. */
public final class Lenient {

    /** Counter of provider amounts present but refused, tagged provider and field. */
    public static final String UNREADABLE = "vendstream.provider.amount.unreadable";
    private static final Logger log = LoggerFactory.getLogger(Lenient.class);
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
     * A provider's decimal amount ("1000.00", 1000, "1,000") in {@code field} as minor units of {@code currency},
     * through {@link Money#parse}; null when absent, and null too when present but not a whole number of minor
     * units or not a number at all (never rounded). Such a refusal is {@link Amount#refused() counted and logged}:
     * an amount a provider sent that we cannot read is unknown, and someone must see it.
     */
    public static Long minor(String provider, String field, String amount, String currency) {
        return amount(provider, field, amount, currency).minor();
    }

    /** {@link #minor} with whether a present amount was refused, for callers that must not read that as absent. */
    public static Amount amount(String provider, String field, String amount, String currency) {
        if (amount == null) {
            return Amount.ABSENT;
        }
        Money money;
        try {
            money = Money.parse(amount, currency);
        } catch (IllegalArgumentException e) {
            money = null;
        }
        if (money != null) {
            return new Amount(money.minor(), false);
        }
        // The value itself stays out of the log: a drifting field may carry anything, not only a number.
        Metrics.counter(UNREADABLE, "provider", provider, "field", field).increment();
        log.warn("{} sent a {} that is not a whole number of {} minor units; read as unknown", provider, field,
                currency);
        return new Amount(null, true);
    }

    /**
     * An amount field as read.
     *
     * @param minor   the amount in minor units, or null when absent or refused
     * @param refused the field was present but held no amount we can read (unknown, not absent)
     */
    public record Amount(Long minor, boolean refused) {
        public static final Amount ABSENT = new Amount(null, false);
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
