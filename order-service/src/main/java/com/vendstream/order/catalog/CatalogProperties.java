package com.vendstream.order.catalog;

import com.vendstream.events.ServiceCategory;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sellable catalogue: billers per service, their items, prices and limits, and which providers
 * can deliver each. Amounts are minor units of the biller's currency.
 */
@ConfigurationProperties(prefix = "vendstream.catalog")
public record CatalogProperties(List<Biller> billers) {

    public CatalogProperties {
        billers = billers == null ? List.of() : List.copyOf(billers);
    }

    /**
     * @param accountKind what the account field holds: PHONE, METER, SMARTCARD, PROFILE, EMAIL, ACCOUNT, COUNT
     * @param minAmountMinor lower bound for free-amount items (null: no bound)
     * @param merchants merchants allowed to sell it; empty means every merchant
     */
    public record Biller(String id, ServiceCategory service, String name, String currency, String accountKind,
                         Long minAmountMinor, Long maxAmountMinor, List<String> providers, List<Item> items,
                         List<String> merchants) {
        public Biller {
            providers = providers == null ? List.of() : List.copyOf(providers);
            items = items == null ? List.of() : List.copyOf(items);
            merchants = merchants == null ? List.of() : List.copyOf(merchants);
        }
    }

    /** An item with a fixed price ({@code priceMinor}) or a range. */
    public record Item(String id, String name, Long priceMinor, Long minAmountMinor, Long maxAmountMinor) {
    }
}
