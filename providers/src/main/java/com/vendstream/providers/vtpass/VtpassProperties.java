package com.vendstream.providers.vtpass;

import java.time.Duration;

/**
 * VTpass connection settings. Keys are static (api-key with secret-key on POST, public-key on GET);
 * they come from configuration or the environment and are never logged.
 *
 * @param merchantPhone the phone VTpass's {@code pay} gets for an order without a customer phone (VTpass
 *                      requires one on every product). Without it such an order fails before anything is
 *                      sent: the connector never makes a number up.
 */
public record VtpassProperties(String baseUrl, String apiKey, String publicKey, String secretKey,
                               Duration connectTimeout, Duration readTimeout, String merchantPhone) {

    public VtpassProperties {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
        merchantPhone = merchantPhone == null || merchantPhone.isBlank() ? null : merchantPhone.trim();
    }

    public VtpassProperties(String baseUrl, String apiKey, String publicKey, String secretKey, Duration connectTimeout,
                            Duration readTimeout) {
        this(baseUrl, apiKey, publicKey, secretKey, connectTimeout, readTimeout, null);
    }

    @Override
    public String toString() {
        return "VtpassProperties[baseUrl=" + baseUrl + ", keys=****]";
    }
}
