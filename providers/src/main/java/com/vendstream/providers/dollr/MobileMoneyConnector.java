package com.vendstream.providers.dollr;

import java.time.Instant;
import java.util.List;

/**
 * A mobile-money gateway's invoice, checkout, collection and payout API (Dollr). Setup calls
 * (parties, invoices, sessions, accounts) throw {@link DollrException} when refused; executions and
 * status queries never throw for a provider or network problem and return a {@link PaymentOutcome}
 * whose status is PENDING whenever the money's fate is not certain.
 *
 * <p>Amounts are minor units of the ISO 4217 currency; phones are E.164 digits without '+'.
 */
public interface MobileMoneyConnector {

    enum OperationType { COLLECTION, PAYOUT }

    record NewParty(String name, String phone, String email, String countryCode) {
        @Override
        public String toString() {
            return "NewParty[countryCode=" + countryCode + "]";
        }
    }

    /** @param feeBearer CUSTOMER (the payer pays the fee on top) or MERCHANT */
    record NewInvoice(long counterpartyId, String currency, String note, String feeBearer) {
    }

    record InvoiceItem(String name, String currency, int qty, long amountMinor) {
    }

    /**
     * @param provider Dollr provider enum (MTN_MOMO_LBR, ORANGE_MONEY_LBR, PAWAPAY ...)
     * @param method Dollr method enum (MTN_MOMO_LBR, ORANGE_MONEY_LBR, MTN_MOMO_RWA, AIRTEL_RWA ...)
     */
    record NewPaymentAccount(String accountName, String provider, String method, long partyId, String countryCode,
                             String phone) {
        @Override
        public String toString() {
            return "NewPaymentAccount[provider=" + provider + ", method=" + method + ", partyId=" + partyId + "]";
        }
    }

    /** @param walletId the merchant wallet paying out, when the account has several; may be null */
    record NewPayoutSession(String walletId, String paymentAccountId, long amountMinor, String currency,
                            Instant expiresAt) {
    }

    record FeePreview(long amountMinor, long feeMinor, long payerAmountMinor, String currency, String fxRate) {
    }

    record MmoInfo(String paymentMethod, String gatewayProvider, String countryCode) {
    }

    record Receipt(long invoiceId, String status, String currency, Long subtotalMinor, Long feesMinor, Long totalMinor,
                   String fxRate, String provider, List<Line> items) {
        public record Line(String name, int qty, Long amountMinor) {
        }
    }

    String id();

    /** A valid bearer token (renewed ahead of expiry); for diagnostics, never log it. */
    String accessToken();

    long createParty(NewParty party);

    /** Links the party to the merchant with relationship_type CUSTOMER. */
    long createCounterparty(long partyId);

    long createInvoice(NewInvoice invoice);

    void addInvoiceItem(long invoiceId, InvoiceItem item);

    /** IDLE to ACTIVE; the invoice can no longer be edited. */
    void publishInvoice(long invoiceId);

    FeePreview previewFees(long amountMinor, String currency, String feeBearer);

    MmoInfo detectMmo(String phone);

    /** A checkout session for a published invoice; its id as the string executions take. */
    String createCheckoutSession(long invoiceId);

    String createPaymentAccount(OperationType operationType, NewPaymentAccount account);

    /** @param referenceId a UUID v4, stored by the caller before this call */
    PaymentOutcome executeCollection(String sessionId, String paymentAccountId, String currency, String referenceId);

    String createPayoutSession(NewPayoutSession session);

    /** Carries the configured merchant passcode. @param referenceId a UUID v4, stored before this call */
    PaymentOutcome executePayout(String sessionId, String payoutAccountId, String referenceId);

    PaymentOutcome collectionStatus(String referenceId);

    PaymentOutcome payoutStatus(String referenceId);

    /** Available once the invoice is paid. */
    Receipt receipt(long invoiceId);
}
