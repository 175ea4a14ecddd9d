package com.vendstream.order;

import java.util.regex.Pattern;

/**
 * The shapes every intake accepts for the same kinds of field, defined once: HTTP bodies, checkout
 * events and account verification. Free text is printable ASCII only: no control or format characters
 * (a right-to-left override, a zero-width space), nothing outside ASCII that a provider, a terminal or
 * a log reader could misread.
 */
public final class Inputs {

    /** An ISO 4217 code. */
    public static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    /** Client references and customer ids: the alphabet of order client references. */
    public static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** Ids and accounts: 1-64 printable ASCII characters, inner spaces allowed, none at either end. */
    public static final Pattern TEXT = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E]{0,62}[\\x21-\\x7E])?");
    /** A phone number as it is passed on: an optional '+' and 8 to 15 digits (E.164's most), nothing else. */
    public static final Pattern PHONE = Pattern.compile("\\+?[0-9]{8,15}");
    /** A mobile-money payer: E.164 digits without '+', as Dollr takes them. */
    public static final Pattern PAYER_PHONE = Pattern.compile("[0-9]{10,15}");

    private Inputs() {
    }

    public static boolean matches(Pattern pattern, String value) {
        return value != null && pattern.matcher(value).matches();
    }

    /** Removes plain spaces at either end (not control characters, which must be refused rather than hidden). */
    public static String trimSpaces(String value) {
        return value == null ? null : value.replaceAll("^ +| +$", "");
    }
}
