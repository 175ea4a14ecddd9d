package com.vendstream.ops.live;

import reactor.core.publisher.Mono;

/** How many unresolved vends wait for a person in the back office's queue (OPEN and PROPOSED). */
@FunctionalInterface
public interface WaitingVends {

    Mono<Long> count();
}
