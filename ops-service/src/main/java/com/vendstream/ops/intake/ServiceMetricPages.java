package com.vendstream.ops.intake;

import com.vendstream.ops.live.MetricPages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The live view's metrics pages: each service's {@code /actuator/prometheus}, asked over HTTP with a short timeout.
 * A source that does not answer in time, refuses the connection or answers other than 2xx is unreachable for this
 * round (a null page); it never holds up or fails the others.
 */
final class ServiceMetricPages implements MetricPages {

    static final String PATH = "/actuator/prometheus";
    /** A service's page is some hundreds of kilobytes at most; far more is not a metrics page. */
    private static final int MAX_BYTES = 8 * 1024 * 1024;

    private final Map<String, String> baseUrls;
    private final Duration timeout;
    private final WebClient client;

    /** @param baseUrls each source's name and base URL (the management endpoints' root), in the order shown */
    ServiceMetricPages(Map<String, String> baseUrls, Duration timeout) {
        this.baseUrls = new LinkedHashMap<>(baseUrls);
        this.timeout = timeout;
        this.client = WebClient.builder()
                .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_BYTES))
                .build();
    }

    @Override
    public Mono<Map<String, String>> read() {
        List<Mono<Map.Entry<String, Optional<String>>>> reads = new ArrayList<>();
        baseUrls.forEach((name, url) -> reads.add(page(url).map(text -> Map.entry(name, text))));
        return Flux.mergeSequential(reads).collectList().map(entries -> {
            Map<String, String> out = new LinkedHashMap<>();
            entries.forEach(e -> out.put(e.getKey(), e.getValue().orElse(null)));
            return out;
        });
    }

    private Mono<Optional<String>> page(String baseUrl) {
        return client.get().uri(strip(baseUrl) + PATH)
                .accept(MediaType.TEXT_PLAIN)
                .retrieve()
                .bodyToMono(String.class)
                .timeout(timeout)
                .map(Optional::of)
                .onErrorResume(e -> Mono.just(Optional.empty()))
                .defaultIfEmpty(Optional.empty());
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
