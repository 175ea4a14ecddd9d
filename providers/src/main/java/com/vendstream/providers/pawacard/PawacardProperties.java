package com.vendstream.providers.pawacard;

import java.time.Duration;

/**
 * Pawacard (Kenya Power) connection settings; credentials from configuration or the environment,
 * never logged.
 *
 * @param meterWindow Pawacard allows one vend per meter in 5 minutes; the client refuses sooner ones
 *                    itself (0 turns the client-side throttle off)
 * @param referenceNode this process's node in the references it makes (0..89); every process that vends
 *                      through Pawacard needs its own. Null derives one from the host name (see
 *                      {@link PawacardReferences#defaultNode})
 */
public record PawacardProperties(String baseUrl, String username, String password, Duration connectTimeout,
                                 Duration readTimeout, Duration meterWindow, Integer referenceNode) {

    public PawacardProperties {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(45) : readTimeout;
        meterWindow = meterWindow == null ? Duration.ofMinutes(5) : meterWindow;
        if (referenceNode != null && (referenceNode < 0 || referenceNode >= PawacardReferences.NODES)) {
            throw new IllegalArgumentException("vendstream.providers.pawacard.reference-node must be 0.."
                    + (PawacardReferences.NODES - 1));
        }
    }

    public PawacardProperties(String baseUrl, String username, String password, Duration connectTimeout,
                              Duration readTimeout, Duration meterWindow) {
        this(baseUrl, username, password, connectTimeout, readTimeout, meterWindow, null);
    }

    @Override
    public String toString() {
        return "PawacardProperties[baseUrl=" + baseUrl + ", username=****, password=****]";
    }
}
