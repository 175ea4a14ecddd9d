package com.vendstream.recon.providerreport;

/** The provider's records could not be read; nothing may be concluded from their absence. */
public class ProviderUnavailableException extends RuntimeException {

    public ProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
