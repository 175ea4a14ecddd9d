package com.vendstream.poller.requery;

/** What is pending at a provider: a vend, or a mobile-money collection or payout. */
public enum Kind {
    VEND, COLLECTION, PAYOUT;

    /** Schedule ids: vends are keyed by order id (one vend per order), payments by our reference. */
    public String id(String key) {
        return name() + ":" + key;
    }
}
