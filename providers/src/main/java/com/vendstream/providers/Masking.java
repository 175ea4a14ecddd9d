package com.vendstream.providers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks customer identifiers (phone, meter, smartcard, account numbers) before they reach a log. */
public final class Masking {

    /**
     * Seven or more digits, possibly grouped by single spaces, dots or dashes ({@code 0770 000 002},
     * {@code +231-77-000-0002}): how wallet operators and gateways quote a customer's number in free text.
     */
    private static final Pattern LONG_NUMBER = Pattern.compile("(?<!\\d)\\d(?:[ .\\-]?\\d){6,}");
    /** A value is searched for an account only this long: a short one would match unrelated digits. */
    private static final int MIN_SEARCHED = 6;

    private Masking() {
    }

    /** Keeps the last four characters: {@code 08011111111} becomes {@code *******1111}. */
    public static String account(String value) {
        if (value == null) {
            return null;
        }
        int keep = Math.min(4, Math.max(0, value.length() - 4));
        return "*".repeat(value.length() - keep) + value.substring(value.length() - keep);
    }

    /**
     * Free text (a provider's message) with every long number in it masked: all but its last four digits
     * starred, separators kept. Provider texts may quote the customer's phone, wallet or account in any
     * format, so no number of seven digits or more is let through; shorter ones (amounts, codes) stay.
     */
    public static String numbers(String text) {
        if (text == null) {
            return null;
        }
        return LONG_NUMBER.matcher(text).replaceAll(m -> Matcher.quoteReplacement(starDigits(m.group())));
    }

    /**
     * A payment provider's free text (a gateway's or wallet operator's message, which may quote the payer's
     * number in any format) fit to show a merchant: each of {@code accounts} masked, and every other run of
     * seven or more digits too ({@link #numbers}).
     */
    public static String providerText(String value, String... accounts) {
        return numbers(text(value, accounts));
    }

    /** Free text fit to show a merchant (a provider's message): each of {@code accounts} masked where it appears. */
    public static String text(String value, String... accounts) {
        if (value == null) {
            return null;
        }
        String shown = value;
        for (String account : accounts) {
            if (account == null || account.isBlank()) {
                continue;
            }
            if (shown.trim().equals(account.trim())) {
                return account(shown);
            }
            if (account.length() >= MIN_SEARCHED && shown.contains(account)) {
                shown = shown.replace(account, account(account));
            }
        }
        return shown;
    }

    private static String starDigits(String run) {
        long toStar = run.chars().filter(Character::isDigit).count() - 4;
        StringBuilder shown = new StringBuilder(run.length());
        for (char c : run.toCharArray()) {
            shown.append(Character.isDigit(c) && toStar-- > 0 ? '*' : c);
        }
        return shown.toString();
    }

    /** Secrets are never shown, not even in part. */
    public static String secret(String value) {
        return value == null ? null : "****";
    }
}
