package com.vendstream.ops.live;

import reactor.core.publisher.Mono;

/**
 * A number the back office keeps itself: unresolved vends waiting in its queue (package {@code vend}), dead
 * letters waiting at its desk (package {@code deadletter}). The view shows the same number as those pages.
 */
@FunctionalInterface
public interface Count {

    Mono<Long> count();
}
