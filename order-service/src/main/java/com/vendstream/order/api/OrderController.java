package com.vendstream.order.api;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.order.Inputs;
import com.vendstream.order.api.OrderJson.Amount;
import com.vendstream.order.api.OrderJson.OrderView;
import com.vendstream.order.api.OrderJson.Payment;
import com.vendstream.order.api.OrderJson.PlaceOrder;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderPlacement.Result;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.OrderValidation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The order API merchants' checkout systems call. */
@RestController
@RequestMapping("/v1/orders")
public class OrderController {

    private final OrderPlacement placement;
    private final OrderStore store;
    private final Clock clock;
    private final OrderWaits waits;
    private final PlacementAdmission admission;

    public OrderController(OrderPlacement placement, OrderStore store, Clock clock, OrderWaits waits,
                           PlacementAdmission admission) {
        this.placement = placement;
        this.store = store;
        this.clock = clock;
        this.waits = waits;
        this.admission = admission;
    }

    /**
     * Places the order under admission control (503 {@code overloaded} with {@code Retry-After} past the limit,
     * unless the reference is stored already: then the usual replay or conflict). An admitted placement runs
     * to its end even if the client leaves; its retry with the same reference gets the stored order.
     */
    @PostMapping
    public Mono<ResponseEntity<OrderView>> place(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                                 @RequestBody PlaceOrder body) {
        OrderRequest request = toRequest(merchant.id(), body);
        return admission.run("order", () -> placement.place(request, false), () -> placement.replayOf(request))
                .map(OrderController::respond);
    }

    private static ResponseEntity<OrderView> respond(Result result) {
        return switch (result.outcome()) {
            case INVALID -> throw Problems.rejected(HttpStatus.UNPROCESSABLE_CONTENT, result.rejection(), null);
            case CONFLICT -> throw Problems.rejected(HttpStatus.CONFLICT, result.rejection(), result.order().orderId());
            case CREATED -> result.order().state() == OrderState.REJECTED
                    ? throwRejected(result)
                    : ResponseEntity.status(HttpStatus.CREATED).body(OrderView.of(result.order()));
            case REPLAYED -> ResponseEntity.ok(OrderView.of(result.order()));
        };
    }

    private static ResponseEntity<OrderView> throwRejected(Result result) {
        throw Problems.rejected(HttpStatus.UNPROCESSABLE_CONTENT, result.rejection(), result.order().orderId());
    }

    @GetMapping("/{orderId}")
    public Mono<OrderView> get(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                               @PathVariable String orderId) {
        return read(merchant, orderId).subscribeOn(Schedulers.boundedElastic());
    }

    /** The merchant's order, read when subscribed (a blocking store call: the caller picks the thread). */
    private Mono<OrderView> read(Merchant merchant, String orderId) {
        return Mono.fromCallable(() -> store.find(orderId)
                // Another merchant's order is reported as missing, not forbidden, so ids cannot be probed.
                .filter(o -> o.merchantId().equals(merchant.id()))
                .map(OrderView::of)
                .orElseThrow(() -> Problems.notFound("Order " + orderId)));
    }

    /**
     * Long poll: answers as soon as the order is settled (completed, refunded, rejected, unresolved),
     * or with the current state when {@code timeout} (ISO-8601, at most 60 s) passes. Counts against
     * the merchant's cap of open waits (429 beyond it); re-reads the order twice a second on the waits' pool.
     */
    @GetMapping("/{orderId}/outcome")
    public Mono<OrderView> outcome(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                   @PathVariable String orderId,
                                   @RequestParam(defaultValue = "PT20S") java.time.Duration timeout) {
        java.time.Duration bounded = timeout.compareTo(java.time.Duration.ofSeconds(60)) > 0
                ? java.time.Duration.ofSeconds(60) : timeout;
        return waits.limit(merchant.id(), updates(merchant, orderId)
                .filter(o -> settled(o.state()))
                .next()
                .timeout(bounded, read(merchant, orderId).subscribeOn(waits.reads())));
    }

    /**
     * Server-sent events: the order's state each time it changes, ending when it settles (or after 5
     * minutes). Capped as the long poll. The cap and an unknown order are answered before the stream
     * starts, as problem details whatever the client accepts (an event-stream client gets the status and
     * a JSON body it can show, rather than an event it would take for the order).
     */
    @GetMapping("/{orderId}/events")
    public Mono<ResponseEntity<Object>> events(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                               @PathVariable String orderId, ServerHttpRequest request) {
        return waits.enter(merchant.id()).flatMap(place -> read(merchant, orderId).subscribeOn(waits.reads())
                        .doOnError(e -> place.close())
                        .doOnCancel(place::close)
                        .map(first -> ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                                .<Object>body(updates(merchant, orderId, first)
                                        .distinctUntilChanged(OrderView::state)
                                        .takeUntil(o -> settled(o.state()))
                                        .take(java.time.Duration.ofMinutes(5))
                                        .doFinally(signal -> place.close()))))
                .onErrorResume(ErrorResponseException.class, e -> {
                    ProblemDetail problem = e.getBody();
                    if (problem.getInstance() == null) {
                        problem.setInstance(java.net.URI.create(request.getPath().value()));
                    }
                    return Mono.just(ResponseEntity.status(e.getStatusCode()).headers(e.getHeaders())
                            .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem));
                });
    }

    private reactor.core.publisher.Flux<OrderView> updates(Merchant merchant, String orderId) {
        return read(merchant, orderId).subscribeOn(waits.reads()).flatMapMany(first -> updates(merchant, orderId, first));
    }

    /** {@code first}, then the order re-read twice a second on the waits' pool. */
    private reactor.core.publisher.Flux<OrderView> updates(Merchant merchant, String orderId, OrderView first) {
        Mono<OrderView> read = read(merchant, orderId).subscribeOn(waits.reads());
        return reactor.core.publisher.Flux.concat(Mono.just(first),
                reactor.core.publisher.Flux.interval(java.time.Duration.ofMillis(500))
                        // A tick while a read is still queued is skipped, not an overflow error.
                        .onBackpressureDrop().concatMap(tick -> read));
    }

    /** Settled as the order-state model says: awaiting payment, or any other state still moving, is not. */
    private static boolean settled(String state) {
        return OrderState.valueOf(state).isSettled();
    }

    @GetMapping
    public Mono<List<OrderView>> history(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                         @RequestParam(required = false) String state,
                                         @RequestParam(required = false) String from,
                                         @RequestParam(required = false) String to,
                                         @RequestParam(defaultValue = "0") int page,
                                         @RequestParam(defaultValue = "50") int size) {
        List<String> errors = new ArrayList<>();
        OrderState filter = null;
        try {
            filter = state == null ? null : OrderState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add("state must be one of " + List.of(OrderState.values()));
        }
        TimeWindow window = TimeWindow.parse(from, to, clock, errors);
        Paging.require(page, size, errors);
        OrderState byState = filter;
        return Mono.fromCallable(() -> store.history(merchant.id(), byState, window.from(), window.to(), page, size)
                .stream().map(OrderView::of).toList()).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * The body as an order request, then the one validation both intakes share ({@link OrderValidation}),
     * answered here as 400 listing every problem. Only what is particular to JSON is read here: names of
     * enums, a missing object.
     */
    static OrderRequest toRequest(String merchantId, PlaceOrder b) {
        if (b == null) {
            throw Problems.invalid(List.of("body is required"));
        }
        ServiceCategory service = null;
        try {
            service = b.service() == null ? null : ServiceCategory.valueOf(b.service().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // reported by the validation
        }
        PaymentMethod method = PaymentMethod.WALLET;
        if (b.payment() != null && b.payment().method() != null) {
            try {
                method = PaymentMethod.valueOf(b.payment().method().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                method = null;
            }
        }
        Payment payment = b.payment() == null ? new Payment(null, null, null, null) : b.payment();
        Amount amount = b.amount() == null ? new Amount(null, null) : b.amount();
        OrderRequest request = new OrderRequest(merchantId, b.clientReference(), b.subMerchantId(), service,
                b.billerId() == null ? null : b.billerId().toUpperCase(Locale.ROOT), b.itemId(),
                Inputs.trimSpaces(b.account()), b.customerPhone(), amount.minor() == null ? 0 : amount.minor(),
                amount.currency(), b.quantity() == null ? 1 : b.quantity(), method, payment.walletId(), payment.pin(),
                payment.payerPhone(), "api");
        List<String> errors = OrderValidation.problems(request);
        if (!errors.isEmpty()) {
            throw Problems.invalid(errors);
        }
        return request;
    }
}
