package com.vendstream.order.payment;

/**
 * The ids a mobile-money provider gave a customer (party, counterparty, payment accounts), kept so
 * each customer is set up at the provider once, not once per order. Keyed by provider and E.164
 * phone; the first writer wins and later writers adopt its ids, so a race leaves at most an unused
 * party at the provider, never two sets of ids in use. Kept by {@link MobileMoneyCustomerStore}.
 */
public final class MobileMoneyCustomers {

    /** Which cached payment account: the provider keeps collection and payout accounts apart. */
    public enum AccountUse { COLLECTION, PAYOUT }

    /**
     * @param method the provider's payment method for this phone's operator
     * @param gatewayProvider the provider's name for the operator's gateway
     */
    public record Customer(String key, long partyId, long counterpartyId, String method, String gatewayProvider,
                           String countryCode, String collectionAccountId, String payoutAccountId) {

        public String account(AccountUse use) {
            return use == AccountUse.COLLECTION ? collectionAccountId : payoutAccountId;
        }

        @Override
        public String toString() {
            // The key holds the phone number.
            return "Customer[partyId=" + partyId + ", method=" + method + "]";
        }
    }

    private MobileMoneyCustomers() {
    }

    public static String key(String provider, String e164Phone) {
        return provider + ":" + e164Phone;
    }
}
