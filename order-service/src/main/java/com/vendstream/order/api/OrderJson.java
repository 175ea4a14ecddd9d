package com.vendstream.order.api;

import com.vendstream.order.order.AccountMasking;
import com.vendstream.order.order.Order;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** JSON shapes of the order API. Amounts are minor units with an ISO 4217 currency. */
public final class OrderJson {

    private OrderJson() {
    }

    public record Amount(Long minor, String currency) {
    }

    public record Payment(String method, String walletId, String pin, String payerPhone) {
        @Override
        public String toString() {
            return "Payment[method=" + method + ", walletId=" + walletId + "]";
        }
    }

    public record PlaceOrder(String clientReference, String subMerchantId, String service, String billerId,
                             String itemId, String account, String customerPhone, Amount amount, Integer quantity,
                             Payment payment) {
    }

    public record Vend(String provider, String providerReference, String token, String units, List<String> pins,
                       Map<String, String> receipt) {
    }

    public record Rejection(String reasonCode, String message) {
    }

    /**
     * The account is shown masked, and so is every copy of it in the receipt ({@link AccountMasking}): it is
     * the customer's meter, phone or card number.
     */
    public record OrderView(String orderId, String clientReference, String state, String service, String billerId,
                            String itemId, String account, Amount amount, int quantity, String paymentMethod,
                            String walletId, Vend vend, Rejection rejection, String failureReason,
                            LocalDate businessDate, Instant createdAt, Instant updatedAt) {

        public static OrderView of(Order o) {
            Vend vend = o.provider() == null ? null
                    : new Vend(o.provider(), o.providerReference(), o.token(), o.units(), o.pins(),
                    AccountMasking.fields(o.receipt(), o.account(), o.customerPhone()));
            Rejection rejection = o.rejectionCode() == null ? null : new Rejection(o.rejectionCode(), o.rejectionMessage());
            return new OrderView(o.orderId(), o.clientReference(), o.state().name(), o.service().name(), o.billerId(),
                    o.itemId(), AccountMasking.account(o.account()), new Amount(o.amountMinor(), o.currency()), o.quantity(),
                    o.paymentMethod().name(), o.walletId(), vend, rejection,
                    AccountMasking.text(o.failureReason(), o.account(), o.customerPhone()), o.businessDate(),
                    o.createdAt(), o.updatedAt());
        }
    }
}
