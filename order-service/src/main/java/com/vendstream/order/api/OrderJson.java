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
     * A mobile-money collection that completed after the order was rejected: the customer was charged for an
     * order that will not be delivered, so the money is paid back by payout (PAYING_BACK, then PAID_BACK).
     */
    public record CollectedAfterRejection(String state, Instant collectedAt, Instant paidBackAt) {
    }

    /**
     * The account is shown masked, and so is every copy of it in the receipt, and of it and the customer's
     * and payer's phones in the rejection and failure messages ({@link AccountMasking}): it is the customer's
     * meter, phone or card number.
     *
     * @param collectedAfterRejection set only for a rejected mobile-money order whose collection completed late
     */
    public record OrderView(String orderId, String clientReference, String state, String service, String billerId,
                            String itemId, String account, Amount amount, int quantity, String paymentMethod,
                            String walletId, Vend vend, Rejection rejection, String failureReason,
                            LocalDate businessDate, Instant createdAt, Instant updatedAt,
                            CollectedAfterRejection collectedAfterRejection) {

        public static OrderView of(Order o) {
            Vend vend = o.provider() == null ? null
                    : new Vend(o.provider(), o.providerReference(), o.token(), o.units(), o.pins(),
                    AccountMasking.fields(o.receipt(), o.account(), o.customerPhone()));
            Rejection rejection = o.rejectionCode() == null ? null : new Rejection(o.rejectionCode(),
                    AccountMasking.rejectionMessage(o.rejectionCode(), o.rejectionMessage(), o.account(),
                            o.customerPhone(), o.payerPhone()));
            CollectedAfterRejection late = o.collectedAfterRejectionAt() == null ? null
                    : new CollectedAfterRejection(o.paidBackAfterRejectionAt() == null ? "PAYING_BACK" : "PAID_BACK",
                    o.collectedAfterRejectionAt(), o.paidBackAfterRejectionAt());
            return new OrderView(o.orderId(), o.clientReference(), o.state().name(), o.service().name(), o.billerId(),
                    o.itemId(), AccountMasking.account(o.account()), new Amount(o.amountMinor(), o.currency()), o.quantity(),
                    o.paymentMethod().name(), o.walletId(), vend, rejection,
                    AccountMasking.text(o.failureReason(), o.account(), o.customerPhone(), o.payerPhone()),
                    o.businessDate(), o.createdAt(), o.updatedAt(), late);
        }
    }
}
