package com.vendstream.order.account;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The basic check a phone number gets before airtime or data is sold to it: is it a mobile number of
 * the biller's country. Providers have no lookup for phones (VTpass's merchant-verify covers meters,
 * smartcards and profiles), and the network is not derived from the prefix because numbers move
 * between networks.
 */
public final class PhoneNumbers {

    /** Mobile numbers per currency's country, national (leading 0) or international (country code) form. */
    private static final Map<String, Pattern> MOBILE = Map.of(
            "NGN", Pattern.compile("(0|234)[789][01]\\d{8}"),
            "ZAR", Pattern.compile("(0|27)[6-8]\\d{8}"),
            "KES", Pattern.compile("(0|254)[17]\\d{8}"),
            "LRD", Pattern.compile("(0|231)(77|88|55)\\d{7}"));
    private static final Pattern ANY = Pattern.compile("\\d{8,15}");

    private PhoneNumbers() {
    }

    /** The number as a person may type it, without the spaces and dashes (a leading '+' stays). */
    public static String normalised(String number) {
        return number == null ? null : number.replaceAll("[ -]", "");
    }

    /** Whether {@code number} (spaces, dashes and a leading '+' ignored) is a mobile number for this currency's country. */
    public static boolean plausible(String currency, String number) {
        if (number == null) {
            return false;
        }
        String digits = normalised(number).replaceFirst("^\\+", "");
        return MOBILE.getOrDefault(currency, ANY).matcher(digits).matches();
    }
}
