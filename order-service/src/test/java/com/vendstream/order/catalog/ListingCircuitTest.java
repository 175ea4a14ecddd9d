package com.vendstream.order.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CatalogSource;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.testkit.ScriptedConnector;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The listing circuit is the provider's, shared by all its scopes: a scope the provider refuses (an outlet's
 * unknown sub-merchant id) must not open it, or one bad outlet, retried at every check, would keep the
 * provider's healthy scopes from refreshing. A provider that is down still opens it.
 */
class ListingCircuitTest {

    private static final List<CatalogOffer> LISTING = List.of(new CatalogOffer(ServiceType.ELECTRICITY, "ESKOM",
            "prepaid", "Eskom prepaid", "ZAR", null, null, null));

    private RuntimeException down;

    private final CatalogSource pagamio = new CatalogSource() {
        @Override
        public String id() {
            return "pagamio";
        }

        @Override
        public List<CatalogOffer> offers(String scope) {
            if (down != null) {
                throw down;
            }
            if ("unknown-outlet".equals(scope)) {
                throw new IllegalArgumentException("Pagamio refused the products listing with HTTP 404");
            }
            return LISTING;
        }
    };

    private final GuardedConnectors guards = new GuardedConnectors(List.of(new ScriptedConnector("pagamio")),
            new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(5), 50, 4));
    private final ProviderCatalogs catalogs = new ProviderCatalogs(List.of(pagamio), guards, Duration.ofMinutes(15),
            Clock.systemUTC(), Runnable::run, new SimpleMeterRegistry());

    @Test
    void aScopeTheProviderRefusesLeavesTheCircuitClosedForItsOtherScopes() {
        ProviderCatalogs.Key bad = new ProviderCatalogs.Key("pagamio", "unknown-outlet");
        ProviderCatalogs.Key good = new ProviderCatalogs.Key("pagamio", "outlet-7");
        for (int i = 0; i < 10; i++) {
            catalogs.refresh(List.of(bad)).join();
        }
        assertThat(catalogs.current("pagamio", "unknown-outlet").orElseThrow().lastError()).contains("HTTP 404");
        assertThat(guards.breaker("pagamio").getState()).isEqualTo(CircuitBreaker.State.CLOSED);

        catalogs.refresh(List.of(good)).join();
        ProviderCatalogs.Snapshot fetched = catalogs.current("pagamio", "outlet-7").orElseThrow();
        assertThat(fetched.offers()).isEqualTo(LISTING);
        assertThat(fetched.lastError()).isNull();
    }

    @Test
    void aProviderThatIsDownStillOpensIt() {
        down = new IllegalStateException("Pagamio products listing failed with HTTP 503");
        ProviderCatalogs.Key good = new ProviderCatalogs.Key("pagamio", "outlet-7");
        for (int i = 0; i < 4; i++) {
            catalogs.refresh(List.of(good)).join();
        }
        assertThat(guards.breaker("pagamio").getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
