package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.order.api.MerchantRateLimit.Limit;
import com.vendstream.order.api.MerchantRateLimit.Settings;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The per-merchant limit is counted in each instance's memory, so {@code vendstream.order.rate-limit.instances}
 * divides it among the replicas: each accepts its share (at least one request), and the 429 says so.
 */
class MerchantRateLimitTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void eachOfTheConfiguredInstancesAcceptsItsShareOfTheMerchantsLimit() {
        Settings settings = new Settings(new Limit(10, HOUR), Map.of("small-merchant", new Limit(2, HOUR)), 3);
        assertThat(settings.perInstance("any-merchant")).isEqualTo(new Limit(3, HOUR));
        assertThat(settings.perInstance("small-merchant")).as("never below one request").isEqualTo(new Limit(1, HOUR));
        MerchantRateLimit limit = new MerchantRateLimit(settings, new SimpleMeterRegistry());
        AtomicInteger passed = new AtomicInteger();

        for (int i = 0; i < 3; i++) {
            assertThat(call(limit, "any-merchant", passed).getResponse().getStatusCode()).isNotEqualTo(
                    HttpStatus.TOO_MANY_REQUESTS);
        }
        MockServerWebExchange refused = call(limit, "any-merchant", passed);

        assertThat(passed).hasValue(3);
        assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.getResponse().getBodyAsString().block())
                .contains("About 10 requests per PT1H are accepted from a merchant, counted by each instance")
                .contains("this one takes 3").doesNotContain("At most");
        call(limit, "small-merchant", passed);
        assertThat(call(limit, "small-merchant", passed).getResponse().getStatusCode())
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(passed).hasValue(4);
    }

    @Test
    void oneInstanceTakesTheWholeLimitAndNoneIsRefusedAsASetting() {
        Settings alone = new Settings(null, null, null);
        assertThat(alone.instances()).isEqualTo(1);
        assertThat(alone.perInstance("any-merchant")).isEqualTo(new Limit(100, Duration.ofSeconds(1)));
        assertThatThrownBy(() -> new Settings(null, null, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instances");
    }

    private static MockServerWebExchange call(MerchantRateLimit limit, String merchantId, AtomicInteger passed) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/catalog/services"));
        exchange.getAttributes().put(MerchantAuthFilter.MERCHANT,
                new Merchant(merchantId, merchantId, null, null, null, null, null, null));
        limit.filter(exchange, e -> {
            passed.incrementAndGet();
            return Mono.empty();
        }).block();
        return exchange;
    }
}
