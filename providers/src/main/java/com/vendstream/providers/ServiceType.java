package com.vendstream.providers;

/** What a connector sells; mirrors the event contract's ServiceCategory without depending on Avro. */
public enum ServiceType {
    AIRTIME, DATA, CABLE_TV, ELECTRICITY, EDUCATION, BILL_PAYMENT
}
