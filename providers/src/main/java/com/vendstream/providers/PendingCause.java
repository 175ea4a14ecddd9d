package com.vendstream.providers;

/** Why an outcome is not known; the same values as the event contract's PendingReason. */
public enum PendingCause {
    PROVIDER_PENDING, TIMEOUT, CONNECTION_RESET, SERVER_ERROR, UNPARSEABLE_REPLY, UNKNOWN_CODE, THROTTLED_AFTER_SEND
}
