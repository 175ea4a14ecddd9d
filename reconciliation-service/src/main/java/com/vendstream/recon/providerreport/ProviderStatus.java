package com.vendstream.recon.providerreport;

/** A transaction's state in the provider's own records. */
public enum ProviderStatus {
    SUCCEEDED, FAILED, PENDING,
    /** The provider says it has no such transaction. */
    NOT_FOUND,
    /** The provider could not be asked or gave no usable answer; matching draws no conclusion. */
    UNKNOWN
}
