package com.vendstream.order.catalog;

import com.vendstream.events.ServiceCategory;
import com.vendstream.order.api.MerchantAuthFilter;
import com.vendstream.order.api.Problems;
import com.vendstream.order.catalog.CatalogProperties.Biller;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What a merchant may sell: services, billers per service, items per biller, and the inputs each needs. */
@RestController
@RequestMapping("/v1/catalog")
public class CatalogController {

    /** The input a checkout must collect, by what the account field holds. */
    public record InputField(String name, String type, boolean required, String description) {
    }

    public record ServiceView(String service, long billers) {
    }

    public record ItemView(String itemId, String name, Long priceMinor, Long minAmountMinor, Long maxAmountMinor) {
    }

    public record BillerView(String billerId, String service, String name, String currency, Long minAmountMinor,
                             Long maxAmountMinor, List<InputField> inputs, List<ItemView> items) {
    }

    /**
     * Where this merchant's catalogue comes from at one provider: LIVE (listing fetched), STALE (the last
     * fetch failed, the listing before it is used), PENDING (not fetched yet) and UNAVAILABLE (never
     * fetched successfully) both mean configuration is trusted, CONFIGURATION (the provider publishes no
     * listing). {@code scope} is the merchant's sub-account there, if any.
     */
    public record SourceView(String provider, String scope, String status, Integer offers, Instant fetchedAt,
                             Instant attemptedAt, String lastError) {
    }

    private final Catalog catalog;
    private final ProviderCatalogs live;

    public CatalogController(Catalog catalog, ProviderCatalogs live) {
        this.catalog = catalog;
        this.live = live;
    }

    @GetMapping("/sources")
    public List<SourceView> sources(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                    @RequestParam(required = false) String subMerchantId) {
        return catalog.listings(merchant.id(), outlet(merchant, subMerchantId)).stream().map(key -> {
            if (!live.publishes(key.provider())) {
                return new SourceView(key.provider(), key.scope(), "CONFIGURATION", null, null, null, null);
            }
            return live.current(key.provider(), key.scope()).map(s -> new SourceView(key.provider(), key.scope(),
                    !s.known() ? "UNAVAILABLE" : s.lastError() != null ? "STALE" : "LIVE",
                    s.known() ? s.offers().size() : null, s.fetchedAt(), s.attemptedAt(), s.lastError()))
                    .orElseGet(() -> new SourceView(key.provider(), key.scope(), "PENDING", null, null, null, null));
        }).toList();
    }

    @GetMapping("/services")
    public List<ServiceView> services(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                      @RequestParam(required = false) String subMerchantId) {
        String outlet = outlet(merchant, subMerchantId);
        return Arrays.stream(ServiceCategory.values()).filter(s -> s != ServiceCategory.OTHER)
                .map(s -> new ServiceView(s.name(), catalog.billers(merchant.id(), outlet, s).size()))
                .filter(v -> v.billers() > 0).toList();
    }

    @GetMapping("/billers")
    public List<BillerView> billers(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                    @RequestParam(required = false) String service,
                                    @RequestParam(required = false) String subMerchantId) {
        ServiceCategory category = service == null ? null : parse(service);
        return catalog.billers(merchant.id(), outlet(merchant, subMerchantId), category).stream()
                .map(CatalogController::view).toList();
    }

    @GetMapping("/billers/{service}/{billerId}")
    public BillerView biller(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                             @PathVariable String service, @PathVariable String billerId,
                             @RequestParam(required = false) String subMerchantId) {
        return catalog.billers(merchant.id(), outlet(merchant, subMerchantId), parse(service)).stream()
                .filter(b -> b.id().equalsIgnoreCase(billerId)).findFirst().map(CatalogController::view)
                .orElseThrow(() -> Problems.notFound("Biller " + billerId));
    }

    /** The outlet a catalogue read is for; one the merchant does not have is a 400, not an empty catalogue. */
    private String outlet(Merchant merchant, String subMerchantId) {
        if (!catalog.knows(merchant.id(), subMerchantId)) {
            throw Problems.invalid(List.of("subMerchantId must be one of the merchant's sub-merchants"));
        }
        return subMerchantId;
    }

    static ServiceCategory parse(String service) {
        try {
            return ServiceCategory.valueOf(service.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problems.invalid(List.of("service must be one of AIRTIME, DATA, CABLE_TV, ELECTRICITY, EDUCATION, BILL_PAYMENT"));
        }
    }

    static BillerView view(Biller b) {
        return new BillerView(b.id(), b.service().name(), b.name(), b.currency(), b.minAmountMinor(),
                b.maxAmountMinor(), inputs(b), b.items().stream().map(i -> new ItemView(i.id(), i.name(),
                i.priceMinor(), i.minAmountMinor(), i.maxAmountMinor())).toList());
    }

    static List<InputField> inputs(Biller b) {
        String kind = b.accountKind() == null ? "ACCOUNT" : b.accountKind();
        InputField account = switch (kind) {
            case "PHONE" -> new InputField("account", "phone", true, "Phone number to top up");
            case "METER" -> new InputField("account", "meter", true, "Meter number; choose itemId prepaid or postpaid");
            case "SMARTCARD" -> new InputField("account", "smartcard", true, "Decoder smartcard / IUC number");
            case "PROFILE" -> new InputField("account", "profile", true, "Candidate profile id (verify first)");
            case "EMAIL" -> new InputField("account", "account-id", true,
                    "The AccountId verifying the customer's email returns (POST /v1/accounts/verify), or the phone number");
            case "COUNT" -> new InputField("quantity", "integer", true, "Number of PINs");
            default -> new InputField("account", "text", true, "Customer account number");
        };
        return List.of(account, new InputField("customerPhone", "phone", false, "Customer phone for notifications"),
                new InputField("amount", "money", true, b.items().stream().anyMatch(i -> i.priceMinor() != null)
                        ? "Must equal the item's price" : "Within the biller's or item's minimum and maximum"));
    }
}
