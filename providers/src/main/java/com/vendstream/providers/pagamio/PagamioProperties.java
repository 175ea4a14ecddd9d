package com.vendstream.providers.pagamio;

import java.time.Duration;

/**
 * Pagamio VAS connection settings. Credentials come from configuration or the environment and are
 * never logged.
 *
 * @param userType MERCHANT or SUB_MERCHANT (the /transactions query needs it with the login's userTypeId)
 * @param purchasesPerMinute Pagamio's limit per token (10); the client keeps under it
 * @param retryBackoff first wait after a 429 (doubles, capped at 60 s, ±25 % jitter)
 * @param maxAttempts attempts of one purchase after 429s before giving up (same reference each time)
 */
public record PagamioProperties(String baseUrl, String username, String password, String userType, String channelId,
                                String paymentMethod, Duration connectTimeout, Duration readTimeout,
                                Integer purchasesPerMinute, Duration retryBackoff, Integer maxAttempts) {

    public PagamioProperties {
        userType = userType == null ? "MERCHANT" : userType;
        channelId = channelId == null ? "F5YZP7" : channelId;
        paymentMethod = paymentMethod == null ? "cash" : paymentMethod;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
        purchasesPerMinute = purchasesPerMinute == null ? 10 : purchasesPerMinute;
        retryBackoff = retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff;
        maxAttempts = maxAttempts == null ? 5 : maxAttempts;
    }

    public PagamioProperties(String baseUrl, String username, String password) {
        this(baseUrl, username, password, null, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
        return "PagamioProperties[baseUrl=" + baseUrl + ", username=****, password=****]";
    }
}
