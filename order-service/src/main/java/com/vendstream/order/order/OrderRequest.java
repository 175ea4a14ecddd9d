package com.vendstream.order.order;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.order.merchant.Merchants;
import com.vendstream.providers.Masking;

/**
 * A merchant's order as received by HTTP or from the checkout topic, after syntax checks.
 * {@code walletPin} is transient: it is checked against the wallet's hash and never stored.
 */
public record OrderRequest(String merchantId, String clientReference, String subMerchantId, ServiceCategory service,
                           String billerId, String itemId, String account, String customerPhone, long amountMinor,
                           String currency, int quantity, PaymentMethod paymentMethod, String walletId,
                           String walletPin, String payerPhone, String channel) {

    /**
     * Fingerprint of what was asked, so that a repeated client reference with a different body is
     * recognised as a conflict. The PIN is not part of it: a retry may re-enter it.
     */
    public String fingerprint() {
        String canonical = String.join("|", nz(subMerchantId), String.valueOf(service), nz(billerId), nz(itemId),
                nz(account), nz(customerPhone), Long.toString(amountMinor), nz(currency), Integer.toString(quantity),
                String.valueOf(paymentMethod), nz(walletId), nz(payerPhone));
        return Merchants.sha256(canonical);
    }

    /** The same order under another client reference (a checkout event's own is unusable as a key). */
    public OrderRequest withClientReference(String reference) {
        return new OrderRequest(merchantId, reference, subMerchantId, service, billerId, itemId, account, customerPhone,
                amountMinor, currency, quantity, paymentMethod, walletId, walletPin, payerPhone, channel);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    @Override
    public String toString() {
        return "OrderRequest[merchantId=" + merchantId + ", clientReference=" + clientReference + ", service=" + service
                + ", billerId=" + billerId + ", itemId=" + itemId + ", account=" + Masking.account(account)
                + ", amountMinor=" + amountMinor + ", currency=" + currency + ", paymentMethod=" + paymentMethod + "]";
    }
}
