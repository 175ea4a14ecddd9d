package com.vendstream.providers;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Objects;

/**
 * An amount as we hold it (minor units in a {@code long}) in an ISO 4217 currency, and the one conversion
 * to and from the decimal a provider sends or shows. The number of minor digits (the exponent) is the
 * currency's own ({@link Currency#getDefaultFractionDigits()}: KES 2, JPY 0, KWD 3), never a constant in a
 * connector. Nothing is rounded: a decimal with more digits than the currency has is refused, so a
 * provider's {@code 123.455} never becomes our 12346.
 */
public record Money(long minor, Currency currency) {

    public Money {
        Objects.requireNonNull(currency, "currency");
        if (currency.getDefaultFractionDigits() < 0) {
            // XXX, XAU, XDR...: no minor unit, so a minor amount in it means nothing.
            throw new IllegalArgumentException("currency has no minor unit: " + currency.getCurrencyCode());
        }
    }

    /** {@code code} is an ISO 4217 code, in any case. */
    public static Money of(long minor, String code) {
        return new Money(minor, currency(code));
    }

    /** The provider's decimal in major units as minor units; refused unless it is a whole number of them. */
    public static Money ofDecimal(BigDecimal major, String code) {
        Currency currency = currency(code);
        try {
            return new Money(major.movePointRight(currency.getDefaultFractionDigits()).longValueExact(), currency);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(major.toPlainString() + " is not a whole number of "
                    + currency.getCurrencyCode() + " minor units", e);
        }
    }

    /**
     * A decimal as providers write it ({@code "1000.00"}, {@code 1000}, {@code "1,000"}): null when absent or not
     * a number at all; refused (IllegalArgumentException) when a number that is not a whole number of minor units.
     */
    public static Money parse(String text, String code) {
        if (text == null || code == null) {
            return null;
        }
        BigDecimal major;
        try {
            major = new BigDecimal(text.replace(",", "").trim());
        } catch (NumberFormatException e) {
            return null;
        }
        return ofDecimal(major, code);
    }

    /** The currency's minor digits: 2 for KES, 0 for JPY, 3 for BHD. */
    public int exponent() {
        return currency.getDefaultFractionDigits();
    }

    /** Major units with exactly the currency's digits: 50000 KES is 500.00, 500 JPY is 500, 1234 KWD 1.234. */
    public BigDecimal toDecimal() {
        return BigDecimal.valueOf(minor, exponent());
    }

    /** {@link #toDecimal()} without trailing zeros, never in exponent form: 50000 NGN is 500, 12340 is 123.4. */
    public BigDecimal toPlainDecimal() {
        BigDecimal stripped = toDecimal().stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** True when the amount is whole major units (Kenya Power sells whole shillings). */
    public boolean wholeMajorUnits() {
        return toPlainDecimal().scale() == 0;
    }

    public String code() {
        return currency.getCurrencyCode();
    }

    @Override
    public String toString() {
        return toDecimal().toPlainString() + " " + code();
    }

    private static Currency currency(String code) {
        Objects.requireNonNull(code, "currency");
        return Currency.getInstance(code.trim().toUpperCase(Locale.ROOT));
    }
}
