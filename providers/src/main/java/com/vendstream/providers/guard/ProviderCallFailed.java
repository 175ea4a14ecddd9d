package com.vendstream.providers.guard;

/**
 * What an observation (and so an exported span) is told about a provider call that threw: the provider, the
 * operation and the exception's class, never its message, cause or stack trace, which may quote the request path or
 * the provider's reply (accounts, phone numbers, the provider's own text).
 */
public final class ProviderCallFailed extends RuntimeException {

    ProviderCallFailed(String provider, String operation, Throwable thrown) {
        super(provider + " " + operation + " failed: " + thrown.getClass().getName(), null, false, false);
    }
}
