package com.vendstream.order.catalog;

import com.vendstream.order.merchant.MerchantProperties;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.order.merchant.Merchants;
import com.vendstream.providers.CatalogSource;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.guard.GuardMetrics;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;

/** The catalogue: configuration merged with the listings of the providers that publish one. */
@Configuration(proxyBeanMethods = false)
public class CatalogConfiguration {

    /**
     * The listings go through guards of their own (vendstream.order.guard.*, as account lookups), apart from the
     * lookups': a broken listing endpoint is not a provider whose lookups fail, nor the other way round.
     */
    @Bean
    ProviderCatalogs providerCatalogs(CatalogProperties properties, ObjectProvider<VendConnector> connectors, Clock clock,
                                      MeterRegistry meters, ObservationRegistry observations, GuardSettings orderGuard) {
        // Connectors are declared as VendConnector beans; the ones with a listing API also implement CatalogSource.
        List<VendConnector> listing = !properties.live().enabled() ? List.of() : connectors.orderedStream()
                .filter(CatalogSource.class::isInstance).toList();
        List<CatalogSource> sources = listing.stream().map(CatalogSource.class::cast).toList();
        // Listings are fetched off the request threads, at most two at a time: they are slow and rare.
        return new ProviderCatalogs(sources, new GuardedConnectors(listing, orderGuard,
                GuardMetrics.of(meters, observations, "catalogue")), properties.live().refreshEvery(),
                clock, Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "catalogue-fetch");
                    t.setDaemon(true);
                    return t;
                }), meters);
    }

    @Bean
    Catalog catalog(CatalogProperties properties, ProviderCatalogs live, Merchants merchants) {
        return new Catalog(properties, live, new MerchantScopes(merchants::providerScopes, merchants::subMerchants,
                merchants::knowsSubMerchant));
    }

    @Bean
    CatalogRefresh catalogRefresh(Catalog catalog, ProviderCatalogs live, MerchantProperties merchants) {
        return new CatalogRefresh(catalog, live, merchants.merchants().stream().map(Merchant::id).toList());
    }

    /** Keeps every listing a merchant's catalogue depends on fetched ahead of the reads. */
    public static class CatalogRefresh {
        private final Catalog catalog;
        private final ProviderCatalogs live;
        private final List<String> merchantIds;

        CatalogRefresh(Catalog catalog, ProviderCatalogs live, List<String> merchantIds) {
            this.catalog = catalog;
            this.live = live;
            this.merchantIds = merchantIds;
        }

        @EventListener(ApplicationReadyEvent.class)
        public void warm() {
            live.refreshDue(catalog.listings(merchantIds));
        }

        @Scheduled(fixedDelayString = "${vendstream.catalog.live.check-every:PT1M}",
                initialDelayString = "${vendstream.catalog.live.check-every:PT1M}")
        public void refreshDue() {
            live.refreshDue(catalog.listings(merchantIds));
        }
    }
}
