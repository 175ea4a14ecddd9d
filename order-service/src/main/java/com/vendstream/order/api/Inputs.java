package com.vendstream.order.api;

import java.util.regex.Pattern;

/** The shapes every endpoint accepts for the same kinds of field, defined once. */
public final class Inputs {

    /** An ISO 4217 code. */
    public static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    /** Client references and customer ids: the alphabet of order client references. */
    public static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Inputs() {
    }
}
