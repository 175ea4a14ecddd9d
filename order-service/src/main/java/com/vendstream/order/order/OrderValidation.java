package com.vendstream.order.order;

import static com.vendstream.order.Inputs.matches;

import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.order.Inputs;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of an order, one rule for both intakes: the HTTP API answers these problems with 400, a
 * checkout event becomes OrderRejected INVALID_REQUEST, and placement runs them again for any caller
 * (the recovery sweep included). What needs the catalogue (biller, item, amount range, the account's
 * form for the biller's account kind) is {@code Catalog.check}'s. Messages name the fields as the HTTP
 * API spells them and never repeat a value: accounts and phones are personal data.
 */
public final class OrderValidation {

    public static final int MAX_QUANTITY = 10;

    private OrderValidation() {
    }

    public static boolean validReference(String clientReference) {
        return matches(Inputs.REFERENCE, clientReference);
    }

    /** Every problem of the order's shape; empty when it may be checked against the catalogue. */
    public static List<String> problems(OrderRequest r) {
        List<String> errors = new ArrayList<>();
        if (!validReference(r.clientReference())) {
            errors.add("clientReference is required: 1-64 letters, digits or . _ : -");
        }
        if (r.subMerchantId() != null && !matches(Inputs.TEXT, r.subMerchantId())) {
            errors.add("subMerchantId must be 1-64 printable ASCII characters");
        }
        if (r.service() == null || r.service() == ServiceCategory.OTHER) {
            errors.add("service must be one of AIRTIME, DATA, CABLE_TV, ELECTRICITY, EDUCATION, BILL_PAYMENT");
        }
        if (!matches(Inputs.TEXT, r.billerId())) {
            errors.add("billerId is required: 1-64 printable ASCII characters");
        }
        if (r.itemId() != null && !matches(Inputs.TEXT, r.itemId())) {
            errors.add("itemId must be 1-64 printable ASCII characters");
        }
        if (!matches(Inputs.TEXT, r.account())) {
            errors.add("account is required: 1-64 printable ASCII characters, no control or formatting characters");
        }
        if (r.customerPhone() != null && !matches(Inputs.PHONE, r.customerPhone())) {
            errors.add("customerPhone must be a phone number: an optional + and 8 to 15 digits");
        }
        if (r.amountMinor() <= 0) {
            errors.add("amount.minor must be a positive whole number of minor units");
        }
        if (!matches(Inputs.CURRENCY, r.currency())) {
            errors.add("amount.currency must be an ISO 4217 code such as NGN");
        }
        if (r.quantity() < 1 || r.quantity() > MAX_QUANTITY) {
            errors.add("quantity must be between 1 and " + MAX_QUANTITY);
        }
        if (r.paymentMethod() != PaymentMethod.WALLET && r.paymentMethod() != PaymentMethod.MOBILE_MONEY) {
            errors.add("payment.method must be WALLET or MOBILE_MONEY");
        }
        if (r.paymentMethod() == PaymentMethod.WALLET ? !matches(Inputs.TEXT, r.walletId())
                : r.walletId() != null && !matches(Inputs.TEXT, r.walletId())) {
            errors.add("payment.walletId is required for WALLET payment: 1-64 printable ASCII characters");
        }
        if (r.paymentMethod() == PaymentMethod.MOBILE_MONEY || r.payerPhone() != null) {
            if (!matches(Inputs.PAYER_PHONE, r.payerPhone())) {
                errors.add("payment.payerPhone must be the payer's mobile-money number in E.164 digits without '+'");
            }
        }
        if (r.walletPin() != null && !r.walletPin().matches("\\d{4}")) {
            errors.add("payment.pin must be 4 digits");
        }
        return errors;
    }
}
