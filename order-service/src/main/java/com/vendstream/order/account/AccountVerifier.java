package com.vendstream.order.account;

import com.vendstream.events.ServiceCategory;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.catalog.CatalogProperties.Biller;
import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VerifyCommand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Looks an account up at the providers that sell the biller, best first, before the payer is
 * charged. Kenyan meters are Luhn-checked here so that a mistyped number never costs a provider call.
 */
public class AccountVerifier {

    private final Catalog catalog;
    private final Map<String, VendConnector> connectors;

    public AccountVerifier(Catalog catalog, List<VendConnector> connectors) {
        this.catalog = catalog;
        this.connectors = connectors.stream().collect(Collectors.toMap(VendConnector::id, Function.identity()));
    }

    public Optional<AccountVerification> verify(ServiceCategory service, String billerId, String itemId, String account) {
        Optional<Biller> biller = catalog.biller(service, billerId);
        if (biller.isEmpty()) {
            return Optional.empty();
        }
        if ("KES".equals(biller.get().currency()) && "METER".equals(biller.get().accountKind()) && "prepaid".equals(itemId)
                && !Luhn.valid(account)) {
            return Optional.of(AccountVerification.invalid("The meter number fails its check digit (Luhn); check it and try again"));
        }
        if ("PHONE".equals(biller.get().accountKind())) {
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
            AccountVerification result = connector.verify(new VerifyCommand(ServiceType.valueOf(service.name()),
                    biller.get().id(), itemId, account));
            if (result.status() != AccountVerification.Status.UNAVAILABLE) {
                return Optional.of(result);
            }
            last = result;
        }
        return Optional.of(last);
    }
}
