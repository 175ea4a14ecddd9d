package com.vendstream.order.checkout;

import com.vendstream.events.Envelope;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.RejectionReason;
import com.vendstream.order.Inputs;
import com.vendstream.order.merchant.Merchants;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.OrderValidation;
import com.vendstream.order.order.Rejection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * OrderPlaced from the checkout topic goes through the same validation ({@link OrderValidation}) and the
 * same placement as the HTTP API. An event that cannot become an order still ends as OrderRejected with
 * a reason, never silently dropped; a repeated event finds its order by the merchant's client reference
 * and changes nothing.
 */
public class CheckoutIntake {

    private final OrderPlacement placement;

    public CheckoutIntake(OrderPlacement placement) {
        this.placement = placement;
    }

    public OrderPlacement.Result accept(OrderPlaced event) {
        Envelope e = event.getEnvelope();
        OrderLine line = event.getLine();
        OrderRequest request = new OrderRequest(e.getMerchantId(), event.getClientReference(), event.getSubMerchantId(),
                line.getService(), line.getBillerId() == null ? null : line.getBillerId().toUpperCase(Locale.ROOT),
                line.getItemId(), Inputs.trimSpaces(line.getAccount()), line.getCustomerPhone(),
                line.getAmount().getAmountMinor(), line.getAmount().getCurrency(),
                line.getQuantity() == null ? 1 : line.getQuantity(), event.getPaymentMethod(), event.getWalletId(),
                null, event.getPayerPhone(), "checkout");
        List<String> problems = OrderValidation.problems(request);
        if (!OrderValidation.validReference(request.clientReference())) {
            // Unusable as the idempotency key (empty, too long, odd characters): the rejected order is kept under
            // one derived from the event, so a redelivery of the same event finds it.
            request = request.withClientReference("checkout-event-" + Merchants.sha256(e.getEventId()).substring(0, 32));
        }
        Optional<Rejection> precheck = problems.isEmpty() ? Optional.empty()
                : Optional.of(new Rejection(RejectionReason.INVALID_REQUEST, String.join("; ", problems)));
        return placement.place(request, true, precheck);
    }
}
