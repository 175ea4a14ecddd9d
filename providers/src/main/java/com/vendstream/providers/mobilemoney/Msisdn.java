package com.vendstream.providers.mobilemoney;

/** A wallet's phone number as mobile-money gateways take it: E.164 digits without '+'. */
public final class Msisdn {

    private Msisdn() {
    }

    /** E.164 digits without '+' (spaces, dashes, dots, brackets and a leading 00 dropped); throws when not one. */
    public static String digits(String phone) {
        if (phone == null) {
            return null;
        }
        String digits = phone.replaceAll("[\\s\\-().]", "");
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        } else if (digits.startsWith("00")) {
            digits = digits.substring(2);
        }
        if (!digits.matches("\\d{8,15}")) {
            throw new IllegalArgumentException("not an E.164 phone number");
        }
        return digits;
    }
}
