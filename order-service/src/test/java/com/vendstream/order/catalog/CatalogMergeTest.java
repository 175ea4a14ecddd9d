package com.vendstream.order.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.RejectionReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.order.catalog.CatalogProperties.Biller;
import com.vendstream.order.catalog.CatalogProperties.Item;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.Rejection;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CatalogSource;
import com.vendstream.providers.ServiceType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The merge rules of {@link Catalog}: configuration says what we sell and through whom, the providers'
 * listings say what is on sale now. The listings here are scripted provider doubles (the contract
 * tests cover the real listings against the sandbox).
 */
class CatalogMergeTest {

    /** A provider's listing that a test can change, or make fail. */
    static final class ScriptedSource implements CatalogSource {
        final String id;
        final Map<String, List<CatalogOffer>> byScope = new java.util.HashMap<>();
        RuntimeException failure;
        int fetches;

        ScriptedSource(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public List<CatalogOffer> offers(String scope) {
            fetches++;
            if (failure != null) {
                throw failure;
            }
            return byScope.getOrDefault(scope == null ? "" : scope, List.of());
        }
    }

    static final Biller DSTV = new Biller("DSTV", ServiceCategory.CABLE_TV, "DStv", "NGN", "SMARTCARD", null, null,
            List.of("vtpass", "pay4power"), List.of(new Item("dstv-padi", "Padi", 250_000L, null, null),
            new Item("dstv-gone", "Discontinued", 100_000L, null, null)), List.of());
    static final Biller IKEDC = new Biller("IKEDC", ServiceCategory.ELECTRICITY, "Ikeja", "NGN", "METER", 50_000L,
            50_000_000L, List.of("vtpass"), List.of(new Item("prepaid", "Prepaid", null, null, null)), List.of());
    static final Biller ESKOM = new Biller("ESKOM", ServiceCategory.ELECTRICITY, "Eskom", "ZAR", "METER", 1_000L,
            300_000L, List.of("pagamio"), List.of(new Item("prepaid", "Prepaid", null, null, null)), List.of());
    static final Biller KPLC = new Biller("KPLC", ServiceCategory.ELECTRICITY, "Kenya Power", "KES", "METER", 5_000L,
            3_500_000L, List.of("pawacard"), List.of(), List.of());
    static final Biller LONESTAR = new Biller("LONESTAR", ServiceCategory.AIRTIME, "Lonestar", "LRD", "PHONE", 5_000L,
            2_000_000L, List.of("pay4power"), List.of(), List.of(), true);
    static final Biller MTN = new Biller("MTN", ServiceCategory.AIRTIME, "MTN", "NGN", "PHONE", 5_000L, 5_000_000L,
            List.of("pay4power"), List.of(), List.of());

    ScriptedSource vtpass;
    ScriptedSource pagamio;
    ScriptedSource pay4power;
    ProviderCatalogs live;
    Catalog catalog;

    @BeforeEach
    void setUp() {
        vtpass = new ScriptedSource("vtpass");
        pagamio = new ScriptedSource("pagamio");
        pay4power = new ScriptedSource("pay4power");
        vtpass.byScope.put("", new ArrayList<>(List.of(
                offer(ServiceType.CABLE_TV, "DSTV", "dstv-padi", 290_000L, null, null),
                offer(ServiceType.CABLE_TV, "DSTV", "dstv-confam", 620_000L, null, null),
                offer(ServiceType.ELECTRICITY, "IKEDC", "prepaid", null, 100_000L, 20_000_000L))));
        pay4power.byScope.put("", List.of(new CatalogOffer(ServiceType.AIRTIME, "MTN", null, "MTN", "NGN", null, null, null)));
        pagamio.byScope.put("", List.of(zar("ESKOM", 1_000L, 300_000L)));
        pagamio.byScope.put("SUB-1", List.of());
        // Pay4Power publishes nothing for DSTV here, and pawacard publishes no listing at all.
        live = new ProviderCatalogs(List.of(vtpass, pagamio, pay4power), Duration.ofMinutes(15), Clock.systemUTC(),
                Runnable::run);
        catalog = new Catalog(new CatalogProperties(List.of(DSTV, IKEDC, ESKOM, KPLC, LONESTAR, MTN)), live,
                new MerchantScopes((merchant, outlet) -> merchant.equals("scoped") || "kiosk".equals(outlet)
                        ? Map.of("pagamio", "SUB-1") : Map.of(),
                        merchant -> merchant.equals("m1") ? List.of("kiosk") : List.of(),
                        (merchant, outlet) -> outlet == null || (merchant.equals("m1") && outlet.equals("kiosk"))));
        live.refresh(catalog.listings(List.of("m1", "scoped"))).join();
    }

    static CatalogOffer offer(ServiceType service, String biller, String item, Long price, Long min, Long max) {
        return new CatalogOffer(service, biller, item, "listed " + item, "NGN", price, min, max);
    }

    static CatalogOffer zar(String biller, Long min, Long max) {
        return new CatalogOffer(ServiceType.ELECTRICITY, biller, null, biller, "ZAR", null, min, max);
    }

    Biller onSale(String merchant, String billerId) {
        return catalog.billers(merchant, null).stream().filter(b -> b.id().equals(billerId)).findFirst().orElse(null);
    }

    static OrderRequest order(String merchant, ServiceCategory service, String biller, String item, long minor,
                              String currency) {
        return order(merchant, null, service, biller, item, minor, currency);
    }

    static OrderRequest order(String merchant, String outlet, ServiceCategory service, String biller, String item,
                              long minor, String currency) {
        return new OrderRequest(merchant, "r", outlet, service, biller, item, "1111111111", null, minor, currency, 1,
                null, "w", null, null, "API");
    }

    @Test
    void theProvidersPriceWinsNewPlansAppearAndDelistedOnesGo() {
        Biller dstv = onSale("m1", "DSTV");
        assertThat(dstv.items()).extracting(Item::id, Item::name, Item::priceMinor).containsExactly(
                org.assertj.core.api.Assertions.tuple("dstv-padi", "Padi", 290_000L),
                org.assertj.core.api.Assertions.tuple("dstv-confam", "listed dstv-confam", 620_000L));
        assertThat(catalog.check(order("m1", ServiceCategory.CABLE_TV, "DSTV", "dstv-padi", 250_000L, "NGN")))
                .map(Rejection::reason).contains(RejectionReason.AMOUNT_OUT_OF_RANGE);
        assertThat(catalog.check(order("m1", ServiceCategory.CABLE_TV, "DSTV", "dstv-padi", 290_000L, "NGN"))).isEmpty();
        assertThat(catalog.check(order("m1", ServiceCategory.CABLE_TV, "DSTV", "dstv-confam", 620_000L, "NGN"))).isEmpty();
        assertThat(catalog.check(order("m1", ServiceCategory.CABLE_TV, "DSTV", "dstv-gone", 100_000L, "NGN")))
                .map(Rejection::reason).contains(RejectionReason.UNKNOWN_ITEM);
    }

    @Test
    void openAmountsAreLimitedToWhatEverySourceAllows() {
        Item prepaid = onSale("m1", "IKEDC").items().get(0);
        assertThat(prepaid.minAmountMinor()).isEqualTo(100_000L);
        assertThat(prepaid.maxAmountMinor()).isEqualTo(20_000_000L);
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "IKEDC", "prepaid", 60_000L, "NGN")))
                .map(Rejection::reason).contains(RejectionReason.AMOUNT_OUT_OF_RANGE);
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "IKEDC", "prepaid", 100_000L, "NGN"))).isEmpty();
    }

    @Test
    void aBillerNoProviderListsIsOffSaleAndAnOrderForItIsRefused() {
        vtpass.byScope.put("", List.of(offer(ServiceType.CABLE_TV, "DSTV", "dstv-padi", 290_000L, null, null)));
        live.refresh(catalog.listings(List.of("m1"))).join();
        assertThat(onSale("m1", "IKEDC")).isNull();
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "IKEDC", "prepaid", 100_000L, "NGN")))
                .map(Rejection::reason).contains(RejectionReason.NOT_AVAILABLE_TO_MERCHANT);
    }

    @Test
    void aSubMerchantScopeReadsItsOwnListing() {
        assertThat(onSale("m1", "ESKOM")).isNotNull();
        assertThat(onSale("scoped", "ESKOM")).isNull();
        assertThat(catalog.check(order("scoped", ServiceCategory.ELECTRICITY, "ESKOM", "prepaid", 10_000L, "ZAR")))
                .map(Rejection::reason).contains(RejectionReason.NOT_AVAILABLE_TO_MERCHANT);
        assertThat(catalog.listings(List.of("scoped"))).contains(new ProviderCatalogs.Key("pagamio", "SUB-1"));
    }

    @Test
    void anOutletReadsItsOwnListingAndAnUnknownOutletIsRefused() {
        assertThat(catalog.billers("m1", "kiosk", null)).extracting(Biller::id).doesNotContain("ESKOM").contains("IKEDC");
        assertThat(catalog.check(order("m1", "kiosk", ServiceCategory.ELECTRICITY, "ESKOM", "prepaid", 10_000L, "ZAR")))
                .map(Rejection::reason).contains(RejectionReason.NOT_AVAILABLE_TO_MERCHANT);
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "ESKOM", "prepaid", 10_000L, "ZAR"))).isEmpty();
        assertThat(catalog.check(order("m1", "nowhere", ServiceCategory.ELECTRICITY, "ESKOM", "prepaid", 10_000L, "ZAR")))
                .map(Rejection::reason).contains(RejectionReason.INVALID_REQUEST);
        // The outlet's listing is kept fresh with the merchant's.
        assertThat(catalog.listings(List.of("m1"))).contains(new ProviderCatalogs.Key("pagamio", null),
                new ProviderCatalogs.Key("pagamio", "SUB-1"));
    }

    @Test
    void anOfferInAnotherCurrencyDoesNotCount() {
        pagamio.byScope.put("", List.of(new CatalogOffer(ServiceType.ELECTRICITY, "ESKOM", null, "Eskom", "NGN", null,
                null, null)));
        live.refresh(catalog.listings(List.of("m1"))).join();
        assertThat(onSale("m1", "ESKOM")).isNull();
    }

    @Test
    void aFailedRefreshKeepsTheLastGoodListingAndSaysSo() {
        vtpass.failure = new IllegalStateException("VTpass services listing failed: HTTP 503");
        live.refresh(catalog.listings(List.of("m1"))).join();
        assertThat(onSale("m1", "DSTV").items()).extracting(Item::id).contains("dstv-confam");
        assertThat(onSale("m1", "IKEDC").items().get(0).minAmountMinor()).isEqualTo(100_000L);
        assertThat(live.current("vtpass", null)).get().satisfies(s -> {
            assertThat(s.known()).isTrue();
            assertThat(s.lastError()).contains("503");
        });
        // A listing that failed is due again at the next check, however fresh its last success.
        int before = vtpass.fetches;
        live.refreshDue(catalog.listings(List.of("m1"))).join();
        assertThat(vtpass.fetches).isEqualTo(before + 1);
    }

    @Test
    void whatNoListingCoversIsSoldAsConfigured() {
        // Pawacard publishes no listing; LONESTAR is marked assume-offered though Pay4Power does not list it.
        assertThat(onSale("m1", "KPLC")).isEqualTo(KPLC);
        assertThat(onSale("m1", "LONESTAR")).isEqualTo(LONESTAR);
        // A listing never fetched successfully leaves the biller as configured rather than off sale.
        ScriptedSource down = new ScriptedSource("vtpass");
        down.failure = new IllegalStateException("connection refused");
        ProviderCatalogs unreachable = new ProviderCatalogs(List.of(down), Duration.ofMinutes(15), Clock.systemUTC(),
                Runnable::run);
        Catalog fallback = new Catalog(new CatalogProperties(List.of(IKEDC)), unreachable, MerchantScopes.NONE);
        unreachable.refresh(fallback.listings(List.of("m1"))).join();
        assertThat(fallback.billers("m1", null)).singleElement().satisfies(b -> {
            assertThat(b.id()).isEqualTo("IKEDC");
            assertThat(b.items()).extracting(Item::id, Item::minAmountMinor, Item::maxAmountMinor)
                    .containsExactly(org.assertj.core.api.Assertions.tuple("prepaid", 50_000L, 50_000_000L));
        });
        assertThat(unreachable.current("vtpass", null)).get().satisfies(s -> assertThat(s.known()).isFalse());
    }

    @Test
    void readsNeverCallAProviderEvenForAListingNotFetchedYet() {
        // An executor that never runs anything: a read that waited on a fetch would hang or fetch inline.
        java.util.List<Runnable> queued = new ArrayList<>();
        ScriptedSource fresh = new ScriptedSource("vtpass");
        fresh.byScope.put("", List.of(offer(ServiceType.ELECTRICITY, "IKEDC", "prepaid", null, 100_000L, 20_000_000L)));
        ProviderCatalogs cold = new ProviderCatalogs(List.of(fresh), Duration.ofMinutes(15), Clock.systemUTC(), queued::add);
        Catalog coldCatalog = new Catalog(new CatalogProperties(List.of(IKEDC)), cold, MerchantScopes.NONE);
        for (int i = 0; i < 20; i++) {
            assertThat(coldCatalog.billers("m1", null)).extracting(Biller::id).containsExactly("IKEDC");
            assertThat(coldCatalog.check(order("m1", ServiceCategory.ELECTRICITY, "IKEDC", "prepaid", 60_000L, "NGN")))
                    .isEmpty();
        }
        assertThat(fresh.fetches).isZero();
        // The reads asked for the listing in the background; once that runs, the listing applies.
        assertThat(queued).isNotEmpty();
        queued.forEach(Runnable::run);
        assertThat(fresh.fetches).isEqualTo(1);
        assertThat(coldCatalog.check(order("m1", ServiceCategory.ELECTRICITY, "IKEDC", "prepaid", 60_000L, "NGN")))
                .map(Rejection::reason).contains(RejectionReason.AMOUNT_OUT_OF_RANGE);
    }

    @Test
    void aLooserListingNeverWidensTheConfiguredRange() {
        vtpass.byScope.put("", List.of(offer(ServiceType.ELECTRICITY, "IKEDC", "prepaid", null, 100L, 900_000_000L)));
        live.refresh(catalog.listings(List.of("m1"))).join();
        Item prepaid = onSale("m1", "IKEDC").items().get(0);
        assertThat(prepaid.minAmountMinor()).isEqualTo(50_000L);
        assertThat(prepaid.maxAmountMinor()).isEqualTo(50_000_000L);
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "IKEDC", "prepaid", 1_000L, "NGN")))
                .map(Rejection::reason).contains(RejectionReason.AMOUNT_OUT_OF_RANGE);
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "IKEDC", "prepaid", 60_000_000L, "NGN")))
                .map(Rejection::reason).contains(RejectionReason.AMOUNT_OUT_OF_RANGE);
    }

    @Test
    void aWholeBillerFixedPriceIsTheOnlyAmountAccepted() {
        pagamio.byScope.put("", List.of(new CatalogOffer(ServiceType.ELECTRICITY, "ESKOM", null, "Eskom R50", "ZAR",
                5_000L, null, null)));
        live.refresh(catalog.listings(List.of("m1"))).join();
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "ESKOM", "prepaid", 5_000L, "ZAR"))).isEmpty();
        assertThat(catalog.check(order("m1", ServiceCategory.ELECTRICITY, "ESKOM", "prepaid", 6_000L, "ZAR")))
                .map(Rejection::reason).contains(RejectionReason.AMOUNT_OUT_OF_RANGE);
        // A fixed price outside the configured range takes the biller off sale rather than selling it.
        pagamio.byScope.put("", List.of(new CatalogOffer(ServiceType.ELECTRICITY, "ESKOM", null, "Eskom R5", "ZAR",
                500L, null, null)));
        live.refresh(catalog.listings(List.of("m1"))).join();
        assertThat(onSale("m1", "ESKOM")).isNull();
    }

    @Test
    void aListingThatSuddenlyEmptiesIsTreatedAsAFailedFetch() {
        vtpass.byScope.put("", List.of());
        live.refresh(catalog.listings(List.of("m1"))).join();
        assertThat(onSale("m1", "IKEDC")).isNotNull();
        assertThat(live.current("vtpass", null)).get().satisfies(s -> assertThat(s.lastError()).contains("empty"));
    }

    @Test
    void aFailureWithoutAMessageIsStillRecordedAndRetried() {
        ScriptedSource down = new ScriptedSource("vtpass");
        down.failure = new NullPointerException();
        ProviderCatalogs failing = new ProviderCatalogs(List.of(down), Duration.ofMinutes(15), Clock.systemUTC(),
                Runnable::run);
        Catalog c = new Catalog(new CatalogProperties(List.of(IKEDC)), failing, MerchantScopes.NONE);
        failing.refresh(c.listings(List.of("m1"))).join();
        assertThat(failing.current("vtpass", null)).get().satisfies(s -> assertThat(s.lastError()).isNotBlank());
        failing.refreshDue(c.listings(List.of("m1"))).join();
        assertThat(down.fetches).isEqualTo(2);
    }

    @Test
    void anOutletWhoseOwnListingIsUnknownGetsItsParentsNotTheWholeConfiguration() {
        pagamio.failure = new IllegalStateException("403");
        ProviderCatalogs partial = new ProviderCatalogs(List.of(pagamio), Duration.ofMinutes(15), Clock.systemUTC(),
                Runnable::run);
        Catalog c = new Catalog(new CatalogProperties(List.of(ESKOM)), partial, new MerchantScopes((m, o) -> Map.of("pagamio", "SUB-TYPO"), m -> List.of(), (m, o) -> true));
        pagamio.failure = null;
        partial.refresh(List.of(new ProviderCatalogs.Key("pagamio", null))).join();
        pagamio.byScope.put("", List.of());
        pagamio.failure = new IllegalStateException("403");
        partial.refresh(List.of(new ProviderCatalogs.Key("pagamio", "SUB-TYPO"))).join();
        // The parent's listing has Eskom, so the outlet may sell it; had the parent dropped it, neither could.
        assertThat(c.billers("m1", null)).extracting(Biller::id).containsExactly("ESKOM");
        pagamio.failure = null;
        pagamio.byScope.put("", List.of(zar("FLASH", 1_000L, 300_000L)));
        partial.refresh(List.of(new ProviderCatalogs.Key("pagamio", null))).join();
        assertThat(c.billers("m1", null)).isEmpty();
    }

    @Test
    void onlyPinProductsSoldInCountsTakeAQuantityAndEmailsAreNotAccounts() {
        OrderRequest two = new OrderRequest("m1", "r", null, ServiceCategory.CABLE_TV, "DSTV", "dstv-padi", "1212121212",
                null, 580_000L, "NGN", 2, null, "w", null, null, "API");
        assertThat(catalog.check(two)).map(Rejection::reason).contains(RejectionReason.INVALID_REQUEST);
        Biller smile = new Biller("SMILE", ServiceCategory.DATA, "Smile", "NGN", "EMAIL", null, null, List.of("pawacard"),
                List.of(new Item("smile-1gb", "1GB", 100_000L, null, null)), List.of());
        Biller waec = new Biller("WAEC", ServiceCategory.EDUCATION, "WAEC", "NGN", "COUNT", null, null,
                List.of("pawacard"), List.of(new Item("waecdirect", "PIN", 90_000L, null, null)), List.of());
        Catalog c = new Catalog(new CatalogProperties(List.of(smile, waec)));
        assertThat(c.check(new OrderRequest("m1", "r", null, ServiceCategory.DATA, "SMILE", "smile-1gb",
                "someone@example.com", null, 100_000L, "NGN", 1, null, "w", null, null, "API")))
                .map(Rejection::reason).contains(RejectionReason.INVALID_ACCOUNT);
        assertThat(c.check(new OrderRequest("m1", "r", null, ServiceCategory.DATA, "SMILE", "smile-1gb",
                "08011111111", null, 100_000L, "NGN", 1, null, "w", null, null, "API"))).isEmpty();
        assertThat(c.check(new OrderRequest("m1", "r", null, ServiceCategory.EDUCATION, "WAEC", "waecdirect",
                "08011111111", null, 180_000L, "NGN", 2, null, "w", null, null, "API"))).isEmpty();
    }
}
