package com.vendstream.ops.live;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /ops/v1/live}: every role (OpsSecurityConfiguration's rule for reading /ops/v1/**). */
@RestController
class LiveController {

    private final LiveService live;

    LiveController(LiveService live) {
        this.live = live;
    }

    @GetMapping("/ops/v1/live")
    Mono<LiveView> live() {
        return live.view();
    }
}
