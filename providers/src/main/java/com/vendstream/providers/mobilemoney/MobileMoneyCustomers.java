package com.vendstream.providers.mobilemoney;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a mobile-money gateway keeps the ids a provider gave a customer (party, counterparty, payment
 * accounts), so each customer is set up at the provider once, not once per order. Keyed by provider and
 * E.164 phone ({@link #key}); the first writer wins and later writers adopt its ids, so a race leaves at
 * most an unused party at the provider, never two sets of ids in use. The service that owns the storage
 * implements it (order-service: {@code MobileMoneyCustomerStore}, in MongoDB).
 */
public interface MobileMoneyCustomers {

    /** Which kept payment account: the provider keeps collection and payout accounts apart. */
    enum AccountUse { COLLECTION, PAYOUT }

    /**
     * @param method the provider's payment method for this phone's operator
     * @param gatewayProvider the provider's name for the operator's gateway
     */
    record Customer(String key, long partyId, long counterpartyId, String method, String gatewayProvider,
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

    static String key(String provider, String e164Phone) {
        return provider + ":" + e164Phone;
    }

    Optional<Customer> find(String key);

    /** Stores the customer unless one is stored under its key already; returns whichever is stored. */
    Customer insertIfAbsent(Customer customer, Instant now);

    /** Records a payment account unless one is recorded already; returns the recorded one. */
    String accountIfAbsent(String key, AccountUse use, String accountId);

    /**
     * Forgets a stored customer whose ids the provider no longer accepts, unless another writer already
     * replaced it (the party id must still match), so the next payment sets the customer up again.
     */
    void forget(String key, long partyId);
}
