package com.vendstream.providers.dollr;

import java.time.Duration;

/**
 * Dollr connection settings; the client secret and the payout passcode come from configuration or
 * the environment and are never logged.
 *
 * @param baseUrl {@code https://api.heydollr.app/v1} (every path is under /v1)
 * @param refreshAhead how long before expiry the token is renewed; Dollr says 5 minutes (TokenCache
 *                     renews a short-lived token at three quarters of its lifetime instead)
 * @param maxRetryAfter the longest Retry-After a call waits out before giving the 429 back
 */
public record DollrProperties(String baseUrl, String clientId, String clientSecret, Duration connectTimeout,
                              Duration readTimeout, Duration refreshAhead, Duration maxRetryAfter,
                              PayoutPasscode payoutPasscode) {

    /**
     * The merchant passcode every payout execution carries, and the device it is sent from.
     * Either {@code phone} (E.164 without '+') or {@code userId} identifies the passcode owner.
     */
    public record PayoutPasscode(String phone, String userId, String code, String deviceName, String devicePlatform,
                                 String deviceUserAgent, String deviceClientIp) {
        @Override
        public String toString() {
            return "PayoutPasscode[code=****, device=" + deviceName + "]";
        }
    }

    public DollrProperties {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
        refreshAhead = refreshAhead == null ? Duration.ofMinutes(5) : refreshAhead;
        maxRetryAfter = maxRetryAfter == null ? Duration.ofSeconds(30) : maxRetryAfter;
    }

    @Override
    public String toString() {
        return "DollrProperties[baseUrl=" + baseUrl + ", clientId=" + clientId + ", secrets=****]";
    }
}
