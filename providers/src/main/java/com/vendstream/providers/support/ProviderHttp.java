package com.vendstream.providers.support;

import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * HTTP plumbing every connector shares: a RestClient with explicit timeouts, and the rule that
 * decides what a failed call means. Only a connection that was never made is a failure before
 * processing; a timeout, a reset, a 5xx or anything else after the request left is PENDING.
 */
public final class ProviderHttp {

    /** The provider code given to a vend that failed because the provider refused our credentials. */
    public static final String AUTH_REFUSED = "AUTH_REFUSED";

    private ProviderHttp() {
    }

    /**
     * A RestClient for one provider. Bodies are buffered so every request goes out with a
     * {@code Content-Length}: the JDK client streams an unbuffered body with
     * {@code Transfer-Encoding: chunked}, which provider gateways answer with 411 or read as empty. Each reply's
     * status goes to the guard measuring the call ({@link ProviderExchanges}).
     */
    public static RestClient client(String baseUrl, Duration connectTimeout, Duration readTimeout) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(readTimeout);
        return RestClient.builder().baseUrl(baseUrl).requestFactory(factory).bufferContent((uri, method) -> true)
                .requestInterceptor(ProviderExchanges.INTERCEPTOR)
                .build();
    }

    /** What a call that did not produce a readable 2xx reply means for a vend. */
    public static VendOutcome classify(RuntimeException e) {
        if (e instanceof ProviderAuthException auth) {
            // No session, so the vend itself was never sent.
            return auth.kind() == ProviderAuthException.Kind.REFUSED
                    ? new VendOutcome.Failed(AUTH_REFUSED, FailureClass.NOT_AVAILABLE_TO_MERCHANT,
                            "the provider refused our credentials", true)
                    : new VendOutcome.NotSent(null, VendOutcome.NotSentReason.AUTH_UNAVAILABLE, auth.getMessage(),
                            auth.retryAfter());
        }
        if (e instanceof RestClientResponseException http) {
            int status = http.getStatusCode().value();
            if (status == 429) {
                // The provider refused to look at the request: nothing was processed, and it passes.
                String retryAfter = http.getResponseHeaders() == null ? null
                        : http.getResponseHeaders().getFirst("Retry-After");
                return new VendOutcome.NotSent("HTTP 429", VendOutcome.NotSentReason.PROVIDER_THROTTLED,
                        "rate limited by the provider", RetryAfter.parse(retryAfter, java.time.Clock.systemUTC()));
            }
            if (status >= 500) {
                return VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP " + status, http.getStatusText());
            }
            return VendOutcome.pending(PendingCause.UNKNOWN_CODE, "HTTP " + status, http.getStatusText());
        }
        if (e instanceof ResourceAccessException access) {
            Throwable cause = rootIo(access);
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                // No connection, so no request reached the provider.
                return new VendOutcome.Failed(null, FailureClass.DECLINED_BY_PROVIDER,
                        "could not connect: " + cause.getClass().getSimpleName(), true);
            }
            if (cause instanceof HttpTimeoutException) {
                return VendOutcome.pending(PendingCause.TIMEOUT, null, "no reply within the read timeout");
            }
            return VendOutcome.pending(PendingCause.CONNECTION_RESET, null,
                    cause == null ? access.getMessage() : cause.getClass().getSimpleName());
        }
        return VendOutcome.pending(PendingCause.UNKNOWN_CODE, null, e.getClass().getSimpleName());
    }

    /**
     * Whether a call that threw says the provider itself is down: no connection, no reply, a reset, a 5xx. A 429,
     * another 4xx or a refused session is a provider that answered.
     */
    public static boolean isProviderDown(RuntimeException e) {
        VendOutcome o = classify(e);
        if (o instanceof VendOutcome.Pending p) {
            return p.cause() == PendingCause.TIMEOUT || p.cause() == PendingCause.CONNECTION_RESET
                    || p.cause() == PendingCause.SERVER_ERROR;
        }
        return o instanceof VendOutcome.Failed f && f.providerCode() == null && f.beforeProcessing()
                && f.failureClass() == FailureClass.DECLINED_BY_PROVIDER && !(e instanceof ProviderAuthException);
    }

    /**
     * What a failed requery call means. A requery that could not be sent says nothing about the vend,
     * so it is never FAILED: no session is NotSent (ask again after the wait), a connection that was
     * never made is PENDING, and the rest is as {@link #classify}.
     */
    public static VendOutcome classifyRequery(RuntimeException e) {
        if (e instanceof ProviderAuthException auth) {
            return new VendOutcome.NotSent(auth.kind() == ProviderAuthException.Kind.REFUSED ? AUTH_REFUSED : null,
                    VendOutcome.NotSentReason.AUTH_UNAVAILABLE, "requery not sent: " + auth.getMessage(),
                    auth.retryAfter());
        }
        VendOutcome o = classify(e);
        return o instanceof VendOutcome.Failed f
                ? VendOutcome.pending(PendingCause.CONNECTION_RESET, f.providerCode(), "requery not sent: " + f.message())
                : o;
    }

    private static Throwable rootIo(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t instanceof ConnectException || t instanceof HttpTimeoutException) {
                return t;
            }
        }
        return t instanceof IOException ? t : e.getCause();
    }
}
