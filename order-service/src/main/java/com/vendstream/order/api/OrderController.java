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

    public OrderController(OrderPlacement placement, OrderStore store, Clock clock) {
        this.placement = placement;
        this.store = store;
        this.clock = clock;
    }

    @PostMapping
    public Mono<ResponseEntity<OrderView>> place(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                                 @RequestBody PlaceOrder body) {
        OrderRequest request = toRequest(merchant.id(), body);
        return Mono.fromCallable(() -> placement.place(request, false))
                .subscribeOn(Schedulers.boundedElastic())
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
        return Mono.fromCallable(() -> store.find(orderId)
                        // Another merchant's order is reported as missing, not forbidden, so ids cannot be probed.
                        .filter(o -> o.merchantId().equals(merchant.id()))
                        .map(OrderView::of)
                        .orElseThrow(() -> Problems.notFound("Order " + orderId)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Long poll: answers as soon as the order reaches a state a customer can be told about
     * (completed, refunded, rejected, unresolved), or with the current state when {@code timeout}
     * (ISO-8601, at most 60 s) passes. Re-reads the order twice a second for that one request only.
     */
    @GetMapping("/{orderId}/outcome")
    public Mono<OrderView> outcome(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                   @PathVariable String orderId,
                                   @RequestParam(defaultValue = "PT20S") java.time.Duration timeout) {
        java.time.Duration bounded = timeout.compareTo(java.time.Duration.ofSeconds(60)) > 0
                ? java.time.Duration.ofSeconds(60) : timeout;
        return updates(merchant, orderId)
                .filter(o -> settled(o.state()))
                .next()
                .timeout(bounded, get(merchant, orderId));
    }

    /** Server-sent events: the order's state each time it changes, ending when it settles. */
    @GetMapping(path = "/{orderId}/events", produces = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE)
    public reactor.core.publisher.Flux<OrderView> events(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                                         @PathVariable String orderId) {
        return updates(merchant, orderId)
                .distinctUntilChanged(OrderView::state)
                .takeUntil(o -> settled(o.state()))
                .take(java.time.Duration.ofMinutes(5));
    }

    private reactor.core.publisher.Flux<OrderView> updates(Merchant merchant, String orderId) {
        return get(merchant, orderId).flatMapMany(first -> reactor.core.publisher.Flux.concat(Mono.just(first),
                reactor.core.publisher.Flux.interval(java.time.Duration.ofMillis(500))
                        .concatMap(tick -> get(merchant, orderId))));
    }

    private static boolean settled(String state) {
        return !state.equals(OrderState.RECEIVED.name()) && !state.equals(OrderState.VENDING.name())
                && !state.equals(OrderState.VEND_PENDING.name()) && !state.equals(OrderState.REFUNDING.name());
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
