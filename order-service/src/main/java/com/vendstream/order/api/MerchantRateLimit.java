package com.vendstream.order.api;

import com.vendstream.order.merchant.MerchantProperties.Merchant;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A rate limit per merchant over its whole API (every authenticated request), on top of the global admission
 * limit of the money-moving requests ({@link PlacementAdmission}): one merchant's burst or runaway retry loop
 * cannot take the capacity every other merchant shares. Each merchant has a bucket of {@code requests} tokens
 * filled up again at the start of every {@code per} period (resilience4j's cycle-based limiter); a request
 * finding it empty is refused at once, never queued, with 429 {@code RATE_LIMITED} and {@code Retry-After}
 * (seconds until the next period). Counter {@code vendstream.order.rate_limit.rejected{merchant}}. The buckets are
 * this instance's: a limit is shared among instances by dividing it ({@link Settings#perInstance}), not by counting
 * together, so it holds only roughly (a merchant whose requests land unevenly is refused early on one instance).
 * Requests without a merchant (no key: 401 from {@link MerchantAuthFilter}; the paths that need none) are not limited
 * here: that is the ingress's limit.
 */
public class MerchantRateLimit implements WebFilter, Ordered {

    public static final int ORDER = MerchantAuthFilter.ORDER + 10;

    private final Settings settings;
    private final MeterRegistry meters;
    /** One per merchant that has called: merchants are configured, so the map is bounded by them. */
    private final Map<String, AtomicRateLimiter> limiters = new ConcurrentHashMap<>();

    public MerchantRateLimit(Settings settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Merchant merchant = exchange.getAttribute(MerchantAuthFilter.MERCHANT);
        if (merchant == null) {
            return chain.filter(exchange);
        }
        AtomicRateLimiter limiter = limiters.computeIfAbsent(merchant.id(), this::limiter);
        if (limiter.acquirePermission()) {
            return chain.filter(exchange);
        }
        meters.counter("vendstream.order.rate_limit.rejected", "merchant", merchant.id()).increment();
        Limit limit = settings.of(merchant.id());
        ErrorResponseException problem = Problems.refused(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                "Rate limit exceeded", "About " + limit.requests() + " requests per " + limit.per()
                        + " are accepted from a merchant, counted by each instance of the service on its own (this one"
                        + " takes " + settings.perInstance(merchant.id()).requests() + "); nothing was done, retry "
                        + "after the time given");
        // Whole seconds, rounded up: a client that waits what it is told finds the bucket filled again.
        long waitNanos = limiter.getDetailedMetrics().getNanosToWait();
        long seconds = Math.max(1, Duration.ofNanos(waitNanos).plusMillis(999).toSeconds());
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return ProblemResponses.write(exchange, problem);
    }

    private AtomicRateLimiter limiter(String merchantId) {
        Limit limit = settings.perInstance(merchantId);
        return (AtomicRateLimiter) RateLimiter.of("merchant-" + merchantId, RateLimiterConfig.custom()
                .limitForPeriod(limit.requests()).limitRefreshPeriod(limit.per())
                // Refused at once: a request waiting for a token holds a connection and helps nobody.
                .timeoutDuration(Duration.ZERO).build());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * {@code vendstream.order.rate-limit.*}: the limit of every merchant ({@code default}) and, by merchant id,
     * those that differ ({@code merchants.<id>}), each over all instances; and how many {@code instances} share it.
     * The buckets are in each instance's memory, so each takes its share of a limit, at least one request: with the
     * replica count configured (as Kubernetes does), a merchant spread evenly over them gets about its limit; with
     * more instances running than configured (scaled out), up to that many shares.
     */
    @ConfigurationProperties(prefix = "vendstream.order.rate-limit")
    public record Settings(Limit defaults, Map<String, Limit> merchants, Integer instances) {
        public Settings {
            defaults = defaults == null ? new Limit(100, Duration.ofSeconds(1)) : defaults;
            merchants = merchants == null ? Map.of() : Map.copyOf(merchants);
            instances = instances == null ? 1 : instances;
            if (instances < 1) {
                throw new IllegalArgumentException("vendstream.order.rate-limit.instances is at least 1");
            }
        }

        /** The merchant's limit over all instances, as configured. */
        Limit of(String merchantId) {
            return merchants.getOrDefault(merchantId, defaults);
        }

        /** What this instance accepts of it: the limit divided by {@code instances}, rounded down, at least 1. */
        Limit perInstance(String merchantId) {
            Limit limit = of(merchantId);
            return new Limit(Math.max(1, limit.requests() / instances), limit.per());
        }
    }

    /** {@code requests} accepted per {@code per} (at least 1 request and 1 ms). */
    public record Limit(int requests, Duration per) {
        public Limit {
            per = per == null ? Duration.ofSeconds(1) : per;
            if (requests < 1 || per.toMillis() < 1) {
                throw new IllegalArgumentException("A rate limit needs at least 1 request per at least 1 ms");
            }
        }
    }
}
