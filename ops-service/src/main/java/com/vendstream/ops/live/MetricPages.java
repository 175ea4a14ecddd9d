package com.vendstream.ops.live;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The services' metrics pages (Prometheus text), each source's as it answered this round. The adapter that reads
 * them over HTTP is in ops' {@code intake} package.
 */
public interface MetricPages {

    /** Each configured source's page, in configuration order; a null value for a source that did not answer. */
    Mono<Map<String, String>> read();
}
