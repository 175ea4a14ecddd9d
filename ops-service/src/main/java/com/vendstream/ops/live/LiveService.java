package com.vendstream.ops.live;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private final MetricPages pages;
    private final KafkaFigures.Source kafka;
    private final Count waitingVends;
    private final Count waitingDeadLetters;
    private final Clock clock;
    private final Duration kafkaTimeout;
    private final Mono<LiveView> cached;

    /** @param kafkaTimeout each broker call's bound; the whole Kafka round is given four of them */
    public LiveService(MetricPages pages, KafkaFigures.Source kafka, Count waitingVends, Count waitingDeadLetters,
                       Clock clock, Duration cacheFor, Duration kafkaTimeout) {
        this.pages = pages;
        this.kafka = kafka;
        this.waitingVends = waitingVends;
        this.waitingDeadLetters = waitingDeadLetters;
        this.clock = clock;
        this.kafkaTimeout = kafkaTimeout;
        this.cached = Mono.defer(this::assemble).cache(view -> cacheFor, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    public Mono<LiveView> view() {
        return cached;
    }

    private Mono<LiveView> assemble() {
        Mono<Optional<KafkaFigures>> offsets = Mono.fromCallable(kafka::read)
                .subscribeOn(Schedulers.boundedElastic())
                // Each admin call is bounded by the timeout; the whole round by a few of them.
                .timeout(kafkaTimeout.multipliedBy(4))
                .doOnError(e -> log.warn("Consumer lag not read: {}", e.toString()))
                .map(Optional::of)
                .onErrorResume(e -> Mono.just(Optional.<KafkaFigures>empty()));
        return Mono.zip(pages.read(), offsets, counted(waitingVends, "unresolved vends"),
                        counted(waitingDeadLetters, "dead letters"))
                .map(t -> LiveViews.assemble(clock.instant(), parsed(t.getT1()), t.getT2().orElse(null),
                        t.getT3().orElse(null), t.getT4().orElse(null)));
    }

    /** The count, or nothing when it fails or takes longer than the Kafka round may (the dead letters read Kafka). */
    private Mono<Optional<Long>> counted(Count count, String what) {
        return Mono.defer(count::count).timeout(kafkaTimeout.multipliedBy(4))
                .doOnError(e -> log.warn("{} not counted: {}", what, e.toString()))
                .map(Optional::of)
                .onErrorResume(e -> Mono.just(Optional.<Long>empty()))
                .defaultIfEmpty(Optional.empty());
    }

    private static Map<String, List<PrometheusText.Sample>> parsed(Map<String, String> pages) {
        Map<String, List<PrometheusText.Sample>> samples = new LinkedHashMap<>();
        pages.forEach((source, text) -> samples.put(source, text == null ? null : PrometheusText.parse(text)));
        return samples;
    }
}
