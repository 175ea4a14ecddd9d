package com.vendstream.providers;

/** Why a vend certainly failed; the same classes as the event contract's FailureClass. */
public enum FailureClass {
    VALIDATION, ACCOUNT, INSUFFICIENT_FLOAT, DECLINED_BY_PROVIDER, THROTTLED, NOT_AVAILABLE_TO_MERCHANT, NO_PROVIDER
}
