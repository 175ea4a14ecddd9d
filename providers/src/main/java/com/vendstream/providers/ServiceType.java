package com.vendstream.providers;

/** What a connector sells; mirrors the event contract's ServiceCategory without depending on Avro. */
public enum ServiceType {
    AIRTIME, DATA, CABLE_TV, ELECTRICITY, EDUCATION, BILL_PAYMENT;

    /**
     * The service a stored vend names (its category's name), or null when it names none a connector sells: a
     * requery then goes without it, as the providers that need it for a lookup say nothing rather than fail.
     */
    public static ServiceType ofName(String name) {
        if (name == null) {
            return null;
        }
        for (ServiceType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
