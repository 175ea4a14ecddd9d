package com.vendstream.order.account;

import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.providers.ProviderEnums;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.catalog.CatalogProperties.Biller;
import com.vendstream.order.order.Rejection;
import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VerifyCommand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Looks an account up at the providers that sell the biller, best first, before the payer is
 * charged. An account that is not of the biller's kind ({@link AccountRules}: a Kenyan meter failing Luhn,
 * a phone that is not a number) is refused here without a provider call, as an order for it is.
 */
public class AccountVerifier {

    private final Catalog catalog;
    private final Map<String, VendConnector> connectors;

    public AccountVerifier(Catalog catalog, List<VendConnector> connectors) {
        this.catalog = catalog;
        this.connectors = connectors.stream().collect(Collectors.toMap(VendConnector::id, Function.identity()));
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

    public Optional<AccountVerification> verify(ServiceCategory service, String billerId, String itemId, String account) {
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
            return Optional.of(AccountVerification.invalid(malformed.get()));
        }
        if (phone) {
            // Phones get a format check here, without a provider call (no provider looks phones up).
            return Optional.of(PhoneNumbers.plausible(biller.get().currency(), account)
                    ? new AccountVerification(AccountVerification.Status.VALID, null, Map.of("check", "number format"),
                    null, "A mobile number of the biller's country; the network is not looked up")
                    : AccountVerification.invalid("Not a mobile number of the biller's country"));
        }
        AccountVerification last = AccountVerification.unavailable("No provider could verify the account");
        for (String provider : biller.get().providers()) {
            VendConnector connector = connectors.get(provider);
            if (connector == null) {
                continue;
            }
            AccountVerification result = connector.verify(new VerifyCommand(ProviderEnums.serviceType(service),
                    biller.get().id(), itemId, account));
            if (result.status() != AccountVerification.Status.UNAVAILABLE) {
                return Optional.of(result);
            }
            last = result;
        }
        return Optional.of(last);
    }
}
