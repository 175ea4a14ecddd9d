package com.vendstream.order.catalog;

import com.vendstream.events.RejectionReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.order.account.AccountRules;
import com.vendstream.order.catalog.CatalogProperties.Biller;
import com.vendstream.order.catalog.CatalogProperties.Item;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.Rejection;
import com.vendstream.providers.CatalogOffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Answers what a merchant may sell and whether an order's item and amount fit it.
 *
 * <p>The configured catalogue says what we sell, under which names, through which providers and
 * within which limits. The providers' live listings ({@link ProviderCatalogs}, read in the merchant's
 * scope at each provider) then decide what is on sale now:
 * <ul>
 *   <li>a biller is on sale while at least one of its providers offers it in its currency; a provider
 *       that publishes no listing, whose listing is not known yet, or a biller marked
 *       {@code assumeOffered}, counts as offering it as configured;</li>
 *   <li>a configured item stays while an offering provider lists it (or lists the biller as a whole);
 *       items a provider lists that are not configured are added, so new plans appear without a
 *       deployment;</li>
 *   <li>a fixed price is the provider's (the first provider, in the biller's order, whose listing states
 *       one): it is what the provider charges, so selling at another price would break the ledger; open
 *       amounts are limited to the range every source allows, the biller's configured range included.</li>
 * </ul>
 * Names stay the configured ones. Reads never call a provider (see {@link ProviderCatalogs}).
 */
public class Catalog {

    private final List<Biller> billers;
    private final ProviderCatalogs live;
    private final MerchantScopes scopes;

    /** Configuration only (no live listings). */
    public Catalog(CatalogProperties properties) {
        this(properties, null, MerchantScopes.NONE);
    }

    /** @param scopes per merchant and outlet, its sub-account at each provider */
    public Catalog(CatalogProperties properties, ProviderCatalogs live, MerchantScopes scopes) {
        this.billers = properties.billers();
        this.live = live;
        this.scopes = scopes;
    }

    /** The billers on sale to this merchant now, merged with the providers' listings. */
    public List<Biller> billers(String merchantId, ServiceCategory service) {
        return billers(merchantId, null, service);
    }

    /** The billers on sale to this merchant's outlet (null: the merchant itself) now. */
    public List<Biller> billers(String merchantId, String subMerchantId, ServiceCategory service) {
        return billers.stream()
                .filter(b -> service == null || b.service() == service)
                .filter(b -> allowed(b, merchantId))
                .map(b -> merged(b, merchantId, subMerchantId)).flatMap(Optional::stream)
                .toList();
    }

    /** Whether the merchant may name this outlet. */
    public boolean knows(String merchantId, String subMerchantId) {
        return scopes.allows(merchantId, subMerchantId);
    }

    /** The configured biller, whoever sells it (account lookups and routing need the providers, not the offer). */
    public Optional<Biller> biller(ServiceCategory service, String billerId) {
        return billers.stream().filter(b -> b.service() == service && b.id().equalsIgnoreCase(billerId)).findFirst();
    }

    /** Every provider listing a merchant's catalogue depends on, for refreshing ahead of reads. */
    public Set<ProviderCatalogs.Key> listings(Iterable<String> merchantIds) {
        Set<ProviderCatalogs.Key> keys = new LinkedHashSet<>();
        for (String merchantId : merchantIds) {
            List<String> outlets = new ArrayList<>();
            outlets.add(null);
            outlets.addAll(scopes.outlets(merchantId));
            for (String outlet : outlets) {
                keys.addAll(listings(merchantId, outlet));
            }
        }
        return keys;
    }

    /** The listings one merchant's (or outlet's) catalogue depends on. */
    public Set<ProviderCatalogs.Key> listings(String merchantId, String subMerchantId) {
        Map<String, String> scope = scopes.of(merchantId, subMerchantId);
        Set<ProviderCatalogs.Key> keys = new LinkedHashSet<>();
        billers.stream().filter(b -> allowed(b, merchantId)).flatMap(b -> b.providers().stream()).distinct()
                .forEach(p -> keys.add(new ProviderCatalogs.Key(p, scope.get(p))));
        return keys;
    }

    /**
     * A biller as on sale to a merchant or outlet now ({@code biller}), or why it is not ({@code refusal}):
     * exactly one of the two is set.
     */
    public record Availability(Biller biller, Rejection refusal) {
    }

    /** Whether the merchant (or its outlet, null: the merchant itself) may sell this biller now. */
    public Availability availability(String merchantId, String subMerchantId, ServiceCategory service,
                                     String billerId) {
        if (!scopes.allows(merchantId, subMerchantId)) {
            return refused(RejectionReason.INVALID_REQUEST, "No sub-merchant " + subMerchantId + " for this merchant");
        }
        Optional<Biller> configured = biller(service, billerId);
        if (configured.isEmpty()) {
            return refused(RejectionReason.UNKNOWN_BILLER, "No biller " + billerId + " for " + service);
        }
        if (!allowed(configured.get(), merchantId)) {
            return refused(RejectionReason.NOT_AVAILABLE_TO_MERCHANT,
                    configured.get().id() + " is not available to this merchant");
        }
        return merged(configured.get(), merchantId, subMerchantId).map(b -> new Availability(b, null))
                .orElseGet(() -> refused(RejectionReason.NOT_AVAILABLE_TO_MERCHANT,
                        configured.get().id() + " is not currently offered to this merchant by any of its providers"));
    }

    private static Availability refused(RejectionReason reason, String message) {
        return new Availability(null, new Rejection(reason, message));
    }

    /**
     * Empty when the order fits the catalogue; otherwise the reason it does not. The account must be of
     * the biller's account kind ({@link AccountRules}, the rule account verification applies too).
     */
    public Optional<Rejection> check(OrderRequest request) {
        Availability availability = availability(request.merchantId(), request.subMerchantId(), request.service(),
                request.billerId());
        if (availability.refusal() != null) {
            return Optional.of(availability.refusal());
        }
        Biller biller = availability.biller();
        // Items are required where configured, even if the providers' listings took them all away.
        boolean itemised = !biller(request.service(), request.billerId()).orElseThrow().items().isEmpty();
        if (request.quantity() > 1 && !"COUNT".equals(biller.accountKind())) {
            // Only PIN products sold in counts deliver more than one unit; anything else would charge for
            // units the provider never vends.
            return Optional.of(new Rejection(RejectionReason.INVALID_REQUEST,
                    biller.id() + " is sold one at a time; quantity must be 1"));
        }
        if ("EMAIL".equals(biller.accountKind()) && request.account() != null && request.account().contains("@")) {
            // The provider vends to the account id its email lookup returns, not to the email.
            return Optional.of(new Rejection(RejectionReason.INVALID_ACCOUNT,
                    "Order " + biller.id() + " with the AccountId that /v1/accounts/verify returns for the email"));
        }
        Optional<String> malformed = AccountRules.problem(biller.accountKind(), biller.currency(), request.itemId(),
                request.account());
        if (malformed.isPresent()) {
            return Optional.of(new Rejection(RejectionReason.INVALID_ACCOUNT, malformed.get()));
        }
        if (!biller.currency().equals(request.currency())) {
            return Optional.of(new Rejection(RejectionReason.UNSUPPORTED_CURRENCY,
                    biller.id() + " is sold in " + biller.currency() + ", not " + request.currency()));
        }
        Long min = biller.minAmountMinor();
        Long max = biller.maxAmountMinor();
        if (itemised || request.itemId() != null) {
            Optional<Item> item = biller.items().stream().filter(i -> i.id().equals(request.itemId())).findFirst();
            if (item.isEmpty()) {
                return Optional.of(new Rejection(RejectionReason.UNKNOWN_ITEM,
                        "No item " + request.itemId() + " for biller " + biller.id()));
            }
            Item it = item.get();
            if (it.priceMinor() != null) {
                long expected = it.priceMinor() * request.quantity();
                if (request.amountMinor() != expected) {
                    return Optional.of(new Rejection(RejectionReason.AMOUNT_OUT_OF_RANGE,
                            "Item " + it.id() + " costs " + expected + " minor units, not " + request.amountMinor()));
                }
                return Optional.empty();
            }
            min = it.minAmountMinor() != null ? it.minAmountMinor() : min;
            max = it.maxAmountMinor() != null ? it.maxAmountMinor() : max;
        }
        if (min != null && request.amountMinor() < min) {
            return Optional.of(new Rejection(RejectionReason.AMOUNT_OUT_OF_RANGE,
                    "Amount is below the minimum of " + min + " minor units"));
        }
        if (max != null && request.amountMinor() > max) {
            return Optional.of(new Rejection(RejectionReason.AMOUNT_OUT_OF_RANGE,
                    "Amount is above the maximum of " + max + " minor units"));
        }
        return Optional.empty();
    }

    private static boolean allowed(Biller b, String merchantId) {
        return b.merchants().isEmpty() || b.merchants().contains(merchantId);
    }

    /**
     * The biller as on sale to the merchant, or empty when no provider offers it. A provider maps to
     * null when it counts as offering everything configured, else to its offers for this biller.
     */
    private Optional<Biller> merged(Biller biller, String merchantId, String subMerchantId) {
        if (live == null || biller.assumeOffered()) {
            return Optional.of(biller);
        }
        Map<String, String> scope = scopes.of(merchantId, subMerchantId);
        Map<String, List<CatalogOffer>> offering = new LinkedHashMap<>();
        for (String provider : biller.providers()) {
            Optional<ProviderCatalogs.Snapshot> listing = live.publishes(provider)
                    ? live.current(provider, scope.get(provider)) : Optional.empty();
            if (scope.get(provider) != null && (listing.isEmpty() || !listing.get().known())) {
                // A sub-account's listing not known yet: its parent's is the widest it can be, never the
                // whole configured catalogue (a typo or an outage must not open an outlet up).
                listing = live.current(provider, null);
            }
            if (listing.isEmpty() || !listing.get().known()) {
                offering.put(provider, null);
                continue;
            }
            List<CatalogOffer> offers = listing.get().offers().stream()
                    .filter(o -> o.service().name().equals(biller.service().name()))
                    .filter(o -> o.billerId().equalsIgnoreCase(biller.id()))
                    .filter(o -> biller.currency().equals(o.currency()))
                    .toList();
            if (!offers.isEmpty()) {
                offering.put(provider, offers);
            }
        }
        if (offering.isEmpty()) {
            return Optional.empty();
        }
        Long min = biller.minAmountMinor();
        Long max = biller.maxAmountMinor();
        for (List<CatalogOffer> offers : offering.values()) {
            for (CatalogOffer o : offers == null ? List.<CatalogOffer>of() : offers) {
                if (o.itemId() == null) {
                    min = tighterMin(min, o.minAmountMinor());
                    max = tighterMax(max, o.maxAmountMinor());
                    // A fixed-price product (Pagamio's fixedAmount) is sold at exactly that amount.
                    min = tighterMin(min, o.priceMinor());
                    max = tighterMax(max, o.priceMinor());
                }
            }
        }
        if (min != null && max != null && min > max) {
            return Optional.empty();
        }
        if (biller.items().isEmpty()) {
            return Optional.of(biller.with(min, max, List.of()));
        }
        List<Item> items = new ArrayList<>();
        for (Item item : biller.items()) {
            item(item, offering, min, max).ifPresent(items::add);
        }
        // Plans a provider lists that are not configured yet: on sale under the provider's name and price.
        Set<String> known = new LinkedHashSet<>();
        biller.items().forEach(i -> known.add(i.id()));
        for (List<CatalogOffer> offers : offering.values()) {
            for (CatalogOffer o : offers == null ? List.<CatalogOffer>of() : offers) {
                if (o.itemId() != null && known.add(o.itemId())) {
                    item(new Item(o.itemId(), o.name(), null, null, null), offering, min, max).ifPresent(items::add);
                }
            }
        }
        return items.isEmpty() ? Optional.empty() : Optional.of(biller.with(min, max, List.copyOf(items)));
    }

    /** The item as on sale; an open amount stays within the biller's range as well as its own and the listings'. */
    private static Optional<Item> item(Item item, Map<String, List<CatalogOffer>> offering, Long billerMin,
                                       Long billerMax) {
        boolean offered = false;
        Long price = null;
        Long min = tighterMin(item.minAmountMinor(), billerMin);
        Long max = tighterMax(item.maxAmountMinor(), billerMax);
        for (List<CatalogOffer> offers : offering.values()) {
            if (offers == null || offers.stream().anyMatch(o -> o.itemId() == null)) {
                offered = true;
            }
            for (CatalogOffer o : offers == null ? List.<CatalogOffer>of() : offers) {
                if (item.id().equals(o.itemId())) {
                    offered = true;
                    price = price == null ? o.priceMinor() : price;
                    min = tighterMin(min, o.minAmountMinor());
                    max = tighterMax(max, o.maxAmountMinor());
                }
            }
        }
        if (!offered) {
            return Optional.empty();
        }
        price = price != null ? price : item.priceMinor();
        if (price == null && min != null && max != null && min > max) {
            return Optional.empty();
        }
        return Optional.of(new Item(item.id(), item.name(), price, price == null ? min : null, price == null ? max : null));
    }

    private static Long tighterMin(Long a, Long b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.max(a, b);
    }

    private static Long tighterMax(Long a, Long b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.min(a, b);
    }
}
