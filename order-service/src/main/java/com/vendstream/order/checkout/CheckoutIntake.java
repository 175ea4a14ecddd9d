package com.vendstream.order.checkout;

import com.vendstream.events.Envelope;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.RejectionReason;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * OrderPlaced from the checkout topic goes through the same placement as the HTTP API. An event
 * that cannot become an order still ends as OrderRejected with a reason, never silently dropped;
 * a repeated event finds its order by the merchant's client reference and changes nothing.
 */
public class CheckoutIntake {

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private final OrderPlacement placement;

    public CheckoutIntake(OrderPlacement placement) {
        this.placement = placement;
    }

    public OrderPlacement.Result accept(OrderPlaced event) {
        Envelope e = event.getEnvelope();
        OrderLine line = event.getLine();
        List<String> errors = new ArrayList<>();
        if (event.getClientReference() == null || event.getClientReference().isBlank()) {
            errors.add("clientReference is empty");
        }
        if (line.getAmount().getAmountMinor() <= 0) {
            errors.add("amount must be positive");
        }
        if (!CURRENCY.matcher(line.getAmount().getCurrency()).matches()) {
            errors.add("currency is not an ISO 4217 code");
        }
        if (line.getAccount() == null || line.getAccount().isBlank()) {
            errors.add("account is empty");
        }
        if (event.getPaymentMethod() == PaymentMethod.WALLET && event.getWalletId() == null) {
            errors.add("walletId is required for WALLET payment");
        }
        String clientReference = event.getClientReference() == null || event.getClientReference().isBlank()
                ? "checkout-event-" + e.getEventId() : event.getClientReference();
        OrderRequest request = new OrderRequest(e.getMerchantId(), clientReference, event.getSubMerchantId(),
                line.getService(), line.getBillerId() == null ? "" : line.getBillerId().toUpperCase(Locale.ROOT),
                line.getItemId(), line.getAccount(), line.getCustomerPhone(), line.getAmount().getAmountMinor(),
                line.getAmount().getCurrency(), line.getQuantity() == null ? 1 : line.getQuantity(),
                event.getPaymentMethod(), event.getWalletId(), null, event.getPayerPhone(), "checkout");
        Optional<Rejection> precheck = errors.isEmpty() ? Optional.empty()
                : Optional.of(new Rejection(RejectionReason.INVALID_REQUEST, String.join("; ", errors)));
        return placement.place(request, true, precheck);
    }
}
