package com.vendstream.ops.deadletter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Masks personal data in an event before a back-office user sees it, by field name (record fields and map keys
 * alike, at any depth), so a field a later schema adds under a known name is masked too. A name is split into
 * its words ({@code customerPhone} is {@code customer phone}, {@code meter_no} is {@code meter no}):
 * <ul>
 *   <li>secret, nothing shown ({@code ****}): a word {@code token(s)}, {@code pin(s)}, {@code password},
 *   {@code secret}, {@code otp} ({@code token}, {@code pins}, {@code walletPinHash});</li>
 *   <li>a person's name, initials only ({@code A*** O***}): {@code name} alone, or {@code name} with
 *   {@code customer}, {@code account}, {@code holder}, {@code payer}, {@code first}, {@code last}, {@code full},
 *   {@code given}, {@code family}, {@code middle}, {@code sur} ({@code customerName}, {@code accountName});
 *   {@code surname};</li>
 *   <li>a customer's number or address, last 4 characters only ({@code ****4567}, and only {@code ****} when
 *   the value has fewer than 8 characters, which its last 4 would all but give away): a word {@code msisdn},
 *   {@code phone}, {@code mobile}, {@code meter}, {@code smartcard} (or {@code smart card}), {@code iuc},
 *   {@code account}, {@code email}, {@code mail}, {@code address}, {@code receiver}, {@code recipient},
 *   {@code beneficiary} (Pay4Power's receipt names the customer's phone, meter or smartcard {@code receiver}), or
 *   {@code customer} with {@code number},
 *   {@code no} or {@code id} ({@code payerPhone}, {@code account}, {@code meterNumber}, {@code customerNumber},
 *   {@code email}).</li>
 * </ul>
 * Under a masked field every value is masked, whatever its type (a list of PINs, a number). Everything else is
 * shown as it is: merchants, orders, amounts, providers and their references are not a customer's data.
 */
public final class PersonalDataMask {

    /** How a masked value is shown. */
    public enum Kind { SECRET, NAME, NUMBER }

    static final String HIDDEN = "****";
    private static final int SHOWN = 4;
    /** A value shorter than this shows nothing: its last 4 characters would be most of it. */
    private static final int SHOWN_FROM = 8;

    private static final Set<String> SECRETS = Set.of("token", "tokens", "pin", "pins", "password", "secret", "otp");
    private static final Set<String> NAME_QUALIFIERS = Set.of("customer", "account", "holder", "payer", "first",
            "last", "full", "given", "family", "middle", "sur");
    private static final Set<String> NUMBERS = Set.of("msisdn", "phone", "mobile", "meter", "smartcard", "iuc",
            "account", "email", "mail", "address", "receiver", "recipient", "beneficiary");
    private static final Set<String> CUSTOMER_NUMBERS = Set.of("number", "no", "id");

    private PersonalDataMask() {
    }

    /** How a field of this name is masked; empty when it is shown as it is. */
    public static Optional<Kind> kindOf(String fieldName) {
        List<String> words = words(fieldName);
        if (words.stream().anyMatch(SECRETS::contains)) {
            return Optional.of(Kind.SECRET);
        }
        if (words.equals(List.of("name")) || words.equals(List.of("surname"))
                || words.contains("name") && words.stream().anyMatch(NAME_QUALIFIERS::contains)) {
            return Optional.of(Kind.NAME);
        }
        if (words.stream().anyMatch(NUMBERS::contains) || String.join("", words).contains("smartcard")
                || words.contains("customer") && words.stream().anyMatch(CUSTOMER_NUMBERS::contains)) {
            return Optional.of(Kind.NUMBER);
        }
        return Optional.empty();
    }

    /**
     * The tree (maps of field names to values, lists, scalars, as {@link EventDecoder} renders an event) with
     * every personal value masked; a new tree, the given one is left as it is.
     */
    public static Object mask(Object tree) {
        if (tree instanceof Map<?, ?> map) {
            Map<String, Object> masked = new LinkedHashMap<>();
            map.forEach((name, value) -> masked.put(String.valueOf(name), kindOf(String.valueOf(name))
                    .map(kind -> maskAll(value, kind)).orElseGet(() -> mask(value))));
            return masked;
        }
        if (tree instanceof List<?> list) {
            List<Object> masked = new ArrayList<>(list.size());
            list.forEach(value -> masked.add(mask(value)));
            return masked;
        }
        return tree;
    }

    private static Object maskAll(Object value, Kind kind) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> masked = new LinkedHashMap<>();
            map.forEach((name, v) -> masked.put(String.valueOf(name), maskAll(v, kind)));
            return masked;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> maskAll(v, kind)).toList();
        }
        return maskValue(String.valueOf(value), kind);
    }

    /** One value masked as its kind is shown. */
    public static String maskValue(String value, Kind kind) {
        return switch (kind) {
            case SECRET -> HIDDEN;
            case NAME -> initials(value);
            case NUMBER -> value.length() < SHOWN_FROM ? HIDDEN : HIDDEN + value.substring(value.length() - SHOWN);
        };
    }

    private static String initials(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.trim().split("\\s+")) {
            if (!part.isEmpty()) {
                out.append(out.isEmpty() ? "" : " ").appendCodePoint(part.codePointAt(0)).append("***");
            }
        }
        return out.isEmpty() ? HIDDEN : out.toString();
    }

    /** {@code customerPhone} and {@code customer_phone} alike: {@code [customer, phone]}. */
    static List<String> words(String fieldName) {
        String spaced = fieldName.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1 $2");
        List<String> words = new ArrayList<>();
        for (String word : spaced.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }
}
