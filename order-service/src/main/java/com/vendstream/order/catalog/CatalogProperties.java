package com.vendstream.order.catalog;

import com.vendstream.events.ServiceCategory;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The sellable catalogue as curated here: billers per service, their items, prices and limits, and
 * which providers can deliver each. Amounts are minor units of the biller's currency. {@link Catalog}
 * merges it with the providers' live listings (see {@link Live}).
 */
@ConfigurationProperties(prefix = "vendstream.catalog")
public record CatalogProperties(List<Biller> billers, Live live) {

    @ConstructorBinding
    public CatalogProperties {
        billers = billers == null ? List.of() : List.copyOf(billers);
        live = live == null ? new Live(null, null, null) : live;
    }

    public CatalogProperties(List<Biller> billers) {
        this(billers, new Live(false, null, null));
    }

    /**
     * @param enabled whether providers' listings narrow and complete this catalogue (false: configuration only)
     * @param refreshEvery how old a listing may get before it is fetched again
     * @param checkEvery how often listings are checked for being due, and failed fetches retried
     */
    public record Live(Boolean enabled, java.time.Duration refreshEvery, java.time.Duration checkEvery) {
        public Live {
            enabled = enabled == null || enabled;
            refreshEvery = refreshEvery == null ? java.time.Duration.ofMinutes(15) : refreshEvery;
            checkEvery = checkEvery == null ? java.time.Duration.ofMinutes(1) : checkEvery;
        }
    }

    /**
     * @param accountKind what the account field holds: PHONE, METER, SMARTCARD, PROFILE, EMAIL, ACCOUNT, COUNT
     * @param minAmountMinor lower bound for free-amount items (null: no bound)
     * @param merchants merchants allowed to sell it; empty means every merchant
     * @param assumeOffered sold as configured even though the providers' listings do not show it (a
     *                      product sold under a separate agreement); false: the listings decide
     */
    public record Biller(String id, ServiceCategory service, String name, String currency, String accountKind,
                         Long minAmountMinor, Long maxAmountMinor, List<String> providers, List<Item> items,
                         List<String> merchants, boolean assumeOffered) {
        @ConstructorBinding
        public Biller {
            providers = providers == null ? List.of() : List.copyOf(providers);
            items = items == null ? List.of() : List.copyOf(items);
            merchants = merchants == null ? List.of() : List.copyOf(merchants);
        }

        public Biller(String id, ServiceCategory service, String name, String currency, String accountKind,
                      Long minAmountMinor, Long maxAmountMinor, List<String> providers, List<Item> items,
                      List<String> merchants) {
            this(id, service, name, currency, accountKind, minAmountMinor, maxAmountMinor, providers, items, merchants,
                    false);
        }

        Biller with(Long min, Long max, List<Item> newItems) {
            return new Biller(id, service, name, currency, accountKind, min, max, providers, newItems, merchants,
                    assumeOffered);
        }
    }

    /** An item with a fixed price ({@code priceMinor}) or a range. */
    public record Item(String id, String name, Long priceMinor, Long minAmountMinor, Long maxAmountMinor) {
    }
}
