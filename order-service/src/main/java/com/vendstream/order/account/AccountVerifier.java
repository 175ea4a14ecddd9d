package com.vendstream.order.account;

import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.providers.ProviderEnums;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.catalog.CatalogProperties.Biller;
import com.vendstream.order.order.Rejection;
import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.guard.GuardedConnectors;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Looks an account up at the providers that sell the biller, best first, before the payer is
 * charged. An account that is not of the biller's kind ({@link AccountRules}: a Kenyan meter failing Luhn,
 * a phone that is not a number) is refused here without a provider call, as an order for it is.
 *
 * <p>Lookups go through the providers' guards ({@link GuardedConnectors}): this service's own breaker and
 * bulkhead per provider, apart from vend-service's and from the catalogue listings'. A provider they keep
 * back is skipped as one that could not answer; when none answers, the verification says how long until the
 * guards let a lookup through again.
 */
public class AccountVerifier {

    /**
     * A lookup's result.
     *
     * @param retryAfter when the answer is UNAVAILABLE and our guards kept a provider back: the shortest time
     *                   until they let a lookup to one through again; otherwise null
     */
    public record Verification(AccountVerification answer, Duration retryAfter) {
    }

    private final Catalog catalog;
    private final GuardedConnectors connectors;

    public AccountVerifier(Catalog catalog, GuardedConnectors connectors) {
        this.catalog = catalog;
        this.connectors = connectors;
    }

    /** The guards lookups go through (one breaker and bulkhead per provider). */
    public GuardedConnectors guards() {
        return connectors;
    }

    /**
     * Why this merchant (or its outlet) may not ask about the biller's accounts: verification answers only
     * for billers on sale to it, so nobody learns a customer's name through a biller it cannot sell.
     * Refused before any provider call, with the reason an order for it would get.
     */
    public Optional<Rejection> refusal(String merchantId, String subMerchantId, ServiceCategory service,
                                       String billerId) {
        return Optional.ofNullable(catalog.availability(merchantId, subMerchantId, service, billerId).refusal());
    }

    public Optional<Verification> verify(ServiceCategory service, String billerId, String itemId, String account) {
        Optional<Biller> biller = catalog.biller(service, billerId);
        if (biller.isEmpty()) {
            return Optional.empty();
        }
        boolean phone = "PHONE".equals(biller.get().accountKind());
        // A person typing a phone number may space it out; what is ordered is the number without the spaces.
        String checked = phone ? PhoneNumbers.normalised(account) : account;
        Optional<String> malformed = AccountRules.problem(biller.get().accountKind(), biller.get().currency(), itemId,
                checked);
        if (malformed.isPresent()) {
            return Optional.of(new Verification(AccountVerification.invalid(malformed.get()), null));
        }
        if (phone) {
            // Phones get a format check here, without a provider call (no provider looks phones up).
            return Optional.of(new Verification(PhoneNumbers.plausible(biller.get().currency(), account)
                    ? new AccountVerification(AccountVerification.Status.VALID, null, Map.of("check", "number format"),
                    null, "A mobile number of the biller's country; the network is not looked up")
                    : AccountVerification.invalid("Not a mobile number of the biller's country"), null));
        }
        AccountVerification last = AccountVerification.unavailable("No provider could verify the account");
        Duration keptBackFor = null;
        VerifyCommand command = new VerifyCommand(ProviderEnums.serviceType(service), biller.get().id(), itemId, account);
        for (String provider : biller.get().providers()) {
            if (connectors.connector(provider).isEmpty()) {
                continue;
            }
            Verification result = connectors.verify(provider, command, answer -> new Verification(answer, null),
                    keptBack -> new Verification(AccountVerification.unavailable(keptBack.message()),
                            keptBack.retryAfter()));
            if (result.answer().status() != AccountVerification.Status.UNAVAILABLE) {
                return Optional.of(result);
            }
            last = result.answer();
            if (result.retryAfter() != null && (keptBackFor == null || result.retryAfter().compareTo(keptBackFor) < 0)) {
                keptBackFor = result.retryAfter();
            }
        }
        return Optional.of(new Verification(last, keptBackFor));
    }
}
