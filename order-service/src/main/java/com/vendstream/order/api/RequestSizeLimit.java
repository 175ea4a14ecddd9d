package com.vendstream.order.api;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request bodies above {@code maxBytes} are refused with 413 {@code PAYLOAD_TOO_LARGE} before they are read
 * whole: a declared {@code Content-Length} above the limit is answered at once, before any of the body is read
 * (and before authentication, which it would only make more expensive); a body sent without one (chunked) is
 * counted as it streams and refused at the first chunk that crosses the limit, so at most the limit and one
 * chunk are ever held. Every API body is a small JSON document, so one limit serves all of them.
 */
public class RequestSizeLimit implements WebFilter, Ordered {

    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    private final long maxBytes;

    public RequestSizeLimit(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("vendstream.order.max-request-body must be at least 1 byte");
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getHeaders().getContentLength() > maxBytes) {
            return ProblemResponses.write(exchange, tooLarge());
        }
        AtomicLong read = new AtomicLong();
        ServerHttpRequestDecorator capped = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().handle((buffer, sink) -> {
                    if (read.addAndGet(buffer.readableByteCount()) > maxBytes) {
                        DataBufferUtils.release(buffer);
                        sink.error(tooLarge());
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(capped).build())
                // A controller's body read answers the refusal itself; this is for a body read anywhere else.
                .onErrorResume(TooLarge.class, e -> exchange.getResponse().isCommitted() ? Mono.error(e)
                        : ProblemResponses.write(exchange, e));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private TooLarge tooLarge() {
        return new TooLarge(maxBytes);
    }

    /** 413 with the limit, so a client can tell what would have been accepted. */
    static final class TooLarge extends ErrorResponseException {
        TooLarge(long maxBytes) {
            super(HttpStatus.CONTENT_TOO_LARGE, Problems.refused(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE",
                    "Request body too large", "A request body may be at most " + maxBytes + " bytes").getBody(), null);
            getBody().setProperty("maxBytes", maxBytes);
        }
    }
}
