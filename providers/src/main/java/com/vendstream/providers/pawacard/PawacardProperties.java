package com.vendstream.providers.pawacard;

import java.time.Duration;

/**
 * Pawacard (Kenya Power) connection settings; credentials from configuration or the environment,
 * never logged.
 *
 * @param meterWindow Pawacard allows one vend per meter in 5 minutes; the client refuses sooner ones
 *                    itself (0 turns the client-side throttle off)
 */
public record PawacardProperties(String baseUrl, String username, String password, Duration connectTimeout,
                                 Duration readTimeout, Duration meterWindow) {

    public PawacardProperties {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(45) : readTimeout;
        meterWindow = meterWindow == null ? Duration.ofMinutes(5) : meterWindow;
    }

    @Override
    public String toString() {
        return "PawacardProperties[baseUrl=" + baseUrl + ", username=****, password=****]";
    }
}
