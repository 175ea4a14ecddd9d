package com.vendstream.recon.ledger;

/** Our own best knowledge of a vend, from vend-service and status-poller events. */
public enum VendStatus {
    NONE, PENDING, SUCCEEDED, FAILED, UNRESOLVED
}
