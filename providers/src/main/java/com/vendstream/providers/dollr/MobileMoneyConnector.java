package com.vendstream.providers.dollr;

import com.vendstream.providers.mobilemoney.MobileMoneyException;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.mobilemoney.PaymentStatusLookup;
import java.util.List;

/**
 * Dollr's session-level API: parties, invoices, checkout and payout sessions, payment accounts, fee
 * predictions, executions, receipts (implemented by {@link DollrConnector}, guarded by
 * {@code guard.GuardedMobileMoney}). Dollr's own: services never call it for a payment; they collect and pay
 * out through the neutral {@code mobilemoney.MobileMoneyGateway} ({@link DollrMobileMoney} runs the invoice
 * flow over this interface) and ask statuses through the neutral {@link PaymentStatusLookup} it extends.
 * Setup calls throw {@link MobileMoneyException} when refused; executions and status queries never throw
 * for a provider or network problem and return a {@link PaymentOutcome}: PENDING whenever the money's fate
 * is not certain, NOT_SENT when nothing reached the gateway's processing (the same reference may be
 * executed again later).
 *
 * <p>Amounts are minor units of the ISO 4217 currency; phones are E.164 digits without '+'. Field
 * names on the wire follow Dollr's API reference (providers/PAY4POWER_DOLLR.md lists each one).
 */
public interface MobileMoneyConnector extends PaymentStatusLookup {

    enum OperationType { COLLECTION, PAYOUT }

    /** Who bears Dollr's fees: PAYER (added to what the customer pays) or PAYEE (taken from what we receive). */
    enum FeeBearer { PAYER, PAYEE }

    /** @param phone required by Dollr */
    record NewParty(String fullname, String phone, String email, String countryCode) {
        @Override
        public String toString() {
            return "NewParty[countryCode=" + countryCode + "]";
        }
    }

    record NewInvoice(long counterpartyId, String currency, String note, FeeBearer feeBearer) {
    }

    record InvoiceItem(String name, String currency, int qty, long amountMinor) {
    }

    /**
     * @param provider Dollr provider enum (PAWAPAY, MTN_MOMO_LBR, ORANGE_MONEY_LBR, STRIPE, PLATFORM)
     * @param method Dollr method enum (MTN_MOMO_LBR, ORANGE_MONEY_LBR, MTN_MOMO_RWA, AIRTEL_RWA ...)
     */
    record NewPaymentAccount(String accountName, String provider, String method, long partyId, String countryCode,
                             String phone) {
        @Override
        public String toString() {
            return "NewPaymentAccount[provider=" + provider + ", method=" + method + ", partyId=" + partyId + "]";
        }
    }

    /** @param payoutAccountId the payee's PAYOUT payment account */
    record NewPayoutSession(String payoutAccountId, long amountMinor, String currency) {
    }

    /**
     * What Dollr's fee prediction is asked about.
     *
     * @param targetCurrency the currency the payer pays in (the same as {@code baseCurrency} without FX)
     * @param paymentMethod and {@code provider}: as for the payment account (from {@link #detectMmo})
     */
    record FeeQuery(long amountMinor, String baseCurrency, String targetCurrency, String paymentMethod,
                    OperationType operationType, String provider, FeeBearer feeBearer) {
    }

    /** @param feeMinor payer amount minus payee amount when both are in one currency, else null */
    record FeePreview(Long payerAmountMinor, String payerCurrency, Long payeeAmountMinor, String payeeCurrency,
                      Long feeMinor) {
    }

    record MmoInfo(String paymentMethod, String gatewayProvider, String countryCode) {
    }

    /**
     * @param subtotalMinor the invoice total ({@code total_amount})
     * @param feesMinor payer amount minus payee amount, when both are in the invoice's currency
     * @param totalMinor what the payer paid, when in the invoice's currency
     */
    record Receipt(long invoiceId, String status, String currency, Long subtotalMinor, Long feesMinor, Long totalMinor,
                   String fxRate, String provider, List<Line> items) {
        public record Line(String name, int qty, Long amountMinor) {
        }
    }

    /** A valid bearer token (renewed ahead of expiry); for diagnostics, never log it. */
    String accessToken();

    long createParty(NewParty party);

    /** Links the party to the merchant with relationship_type CUSTOMER. */
    long createCounterparty(long partyId);

    long createInvoice(NewInvoice invoice);

    void addInvoiceItem(long invoiceId, InvoiceItem item);

    /** IDLE to ACTIVE; the invoice can no longer be edited. */
    void publishInvoice(long invoiceId);

    FeePreview previewFees(FeeQuery query);

    MmoInfo detectMmo(String phone, OperationType operationType);

    /** A checkout session for a published invoice; its id as the string executions take. */
    String createCheckoutSession(long invoiceId);

    String createPaymentAccount(OperationType operationType, NewPaymentAccount account);

    /** @param referenceId a UUID v4, stored by the caller before this call */
    PaymentOutcome executeCollection(String sessionId, String paymentAccountId, String currency, String referenceId);

    String createPayoutSession(NewPayoutSession session);

    /** Carries the configured merchant passcode. @param referenceId a UUID v4, stored before this call */
    PaymentOutcome executePayout(String sessionId, String payoutAccountId, String referenceId);

    /** Available once the invoice is paid. */
    Receipt receipt(long invoiceId);
}
