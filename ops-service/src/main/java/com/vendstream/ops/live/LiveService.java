package com.vendstream.ops.live;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The live view, assembled from the sources at most once per {@code cacheFor} (2 s by default): every console
 * polling within that time gets the same view, and requests that arrive while it is being assembled wait for that
 * one assembly, so consoles do not multiply the load on the services and the broker.
 */
public class LiveService {

    private static final Logger log = LoggerFactory.getLogger(LiveService.class);

    private final MetricSources sources;
    private final ConsumerLag lag;
    private final Clock clock;
    private final Duration kafkaTimeout;
    private final Mono<LiveView> cached;

    LiveService(MetricSources sources, ConsumerLag lag, Clock clock, Duration cacheFor, Duration kafkaTimeout) {
        this.sources = sources;
        this.lag = lag;
        this.clock = clock;
        this.kafkaTimeout = kafkaTimeout;
        this.cached = Mono.defer(this::assemble).cache(view -> cacheFor, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    public Mono<LiveView> view() {
        return cached;
    }

    private Mono<LiveView> assemble() {
        Mono<Optional<LiveViews.KafkaFigures>> kafka = Mono.fromCallable(lag::measure)
                .subscribeOn(Schedulers.boundedElastic())
                // Each admin call is bounded by the timeout; the whole round by a few of them.
                .timeout(kafkaTimeout.multipliedBy(4))
                .doOnError(e -> log.warn("Consumer lag not read: {}", e.toString()))
                .map(Optional::of)
                .onErrorResume(e -> Mono.just(Optional.<LiveViews.KafkaFigures>empty()));
        return Mono.zip(sources.scrapeAll(), kafka)
                .map(t -> LiveViews.assemble(clock.instant(), t.getT1(), t.getT2().orElse(null)));
    }
}
