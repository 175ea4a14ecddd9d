package com.vendstream.providers.pay4power;

import java.time.Duration;

/**
 * Pay4Power connection settings; credentials come from configuration or the environment and are
 * never logged.
 *
 * @param baseUrl the documented server URL, ending in {@code /api/v2.1/b2b}; every path is appended
 *                to it once (see {@link #productPrefix})
 * @param clientId clientId, or publicKey when {@code authMode} is KEY_PAIR
 * @param clientSecret clientSecret, or privateKey when {@code authMode} is KEY_PAIR
 * @param authMode which of the two documented token bodies to send
 * @param productPrefix prefix of the product paths (power, airtime, data, tv) under {@code baseUrl}.
 *                      Empty by default: the docs' {@code .../b2b/b2b/power/vend} looks like an
 *                      OpenAPI path appended to a server URL that already ends in {@code /b2b}. Set
 *                      {@code /b2b} if Pay4Power confirms the doubled path.
 * @param refreshAhead how long before a token's expiry it is renewed
 */
public record Pay4PowerProperties(String baseUrl, String clientId, String clientSecret, AuthMode authMode,
                                  Duration connectTimeout, Duration readTimeout, String productPrefix,
                                  Duration refreshAhead) {

    /**
     * The two documented token request bodies (Pay4Power's guide and its API entry disagree; docs/providers.md,
     * Pay4Power).
     */
    public enum AuthMode {
        /** {@code {"clientId", "clientSecret"}}, the guide page. */
        CLIENT_CREDENTIALS,
        /** {@code {"publicKey", "privateKey"}}, the OpenAPI entry. */
        KEY_PAIR
    }

    public Pay4PowerProperties {
        authMode = authMode == null ? AuthMode.CLIENT_CREDENTIALS : authMode;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
        productPrefix = productPrefix == null ? "" : productPrefix;
        refreshAhead = refreshAhead == null ? Duration.ofMinutes(2) : refreshAhead;
    }

    public Pay4PowerProperties(String baseUrl, String clientId, String clientSecret, AuthMode authMode,
                               Duration connectTimeout, Duration readTimeout) {
        this(baseUrl, clientId, clientSecret, authMode, connectTimeout, readTimeout, null, null);
    }

    @Override
    public String toString() {
        return "Pay4PowerProperties[baseUrl=" + baseUrl + ", authMode=" + authMode + ", productPrefix=" + productPrefix
                + ", credentials=****]";
    }
}
