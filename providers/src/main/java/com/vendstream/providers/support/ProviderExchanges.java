package com.vendstream.providers.support;

import java.io.IOException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The HTTP status of the last exchange a provider call made on this thread, for the guard that measures the call
 * ({@code providers.guard.GuardMetrics}): the connectors' RestClients report it through {@link #INTERCEPTOR}, the
 * guard opens a {@link Watch} around the call and reads it. A call that made no exchange, or whose exchanges got no
 * reply (refused, timed out, reset), has none. Only the status is kept: never the URL, which may carry an account.
 */
public final class ProviderExchanges {

    /** No reply was read (or no exchange made) during the call. */
    public static final String NO_STATUS = "none";

    private static final ThreadLocal<Watch> CURRENT = new ThreadLocal<>();

    /** Reports every exchange's status to the call watching this thread. */
    static final ClientHttpRequestInterceptor INTERCEPTOR = ProviderExchanges::intercept;

    private ProviderExchanges() {
    }

    /** Watches the exchanges made on this thread until closed; a watch opened inside another restores it. */
    public static Watch watch() {
        Watch watch = new Watch(CURRENT.get());
        CURRENT.set(watch);
        return watch;
    }

    private static ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        ClientHttpResponse response = execution.execute(request, body);
        Watch watch = CURRENT.get();
        if (watch != null) {
            watch.status = Integer.toString(response.getStatusCode().value());
        }
        return response;
    }

    /** The exchanges of one call. */
    public static final class Watch implements AutoCloseable {
        private final Watch outer;
        private String status = NO_STATUS;

        private Watch(Watch outer) {
            this.outer = outer;
        }

        /** The last reply's status code ("200", "503"...), or {@value #NO_STATUS}. */
        public String status() {
            return status;
        }

        @Override
        public void close() {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}
