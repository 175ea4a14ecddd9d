package com.vendstream.order.order;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Read model of an order, as stored.
 *
 * @param collectedAfterRejectionAt when a mobile-money collection was found completed although the order had
 *                                  been rejected (the money is then paid back by payout); null otherwise
 * @param paidBackAfterRejectionAt when that payout was confirmed
 */
public record Order(String orderId, String merchantId, String clientReference, String fingerprint, OrderState state,
                    ServiceCategory service, String billerId, String itemId, String account, String customerPhone,
                    long amountMinor, String currency, int quantity, PaymentMethod paymentMethod, String walletId,
                    String provider, String providerReference, String token, String units, List<String> pins,
                    Map<String, String> receipt, String rejectionCode, String rejectionMessage, String failureReason,
                    Instant createdAt, Instant updatedAt, LocalDate businessDate, String correlationId,
                    String channel, String payerPhone, String paymentReference, String payoutReference,
                    String subMerchantId, Instant collectedAfterRejectionAt, Instant paidBackAfterRejectionAt) {

    @Override
    public String toString() {
        // Customer numbers and delivered tokens stay out of logs.
        return "Order[orderId=" + orderId + ", merchantId=" + merchantId + ", clientReference=" + clientReference
                + ", state=" + state + ", service=" + service + ", billerId=" + billerId + "]";
    }
}
