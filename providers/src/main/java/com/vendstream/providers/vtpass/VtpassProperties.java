package com.vendstream.providers.vtpass;

import java.time.Duration;

/**
 * VTpass connection settings. Keys are static (api-key with secret-key on POST, public-key on GET);
 * they come from configuration or the environment and are never logged.
 */
public record VtpassProperties(String baseUrl, String apiKey, String publicKey, String secretKey,
                               Duration connectTimeout, Duration readTimeout) {

    public VtpassProperties {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
    }

    @Override
    public String toString() {
        return "VtpassProperties[baseUrl=" + baseUrl + ", keys=****]";
    }
}
