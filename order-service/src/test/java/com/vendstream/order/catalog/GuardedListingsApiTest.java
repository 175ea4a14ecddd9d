package com.vendstream.order.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.sandbox.core.CallRecord;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Catalogue listings go through the providers' guards (this service's own, apart from account lookups'): a
 * listing they keep back never reaches the provider, and the last good listing stays on sale.
 */
class GuardedListingsApiTest extends ApiTestSupport {

    @Test
    @SuppressWarnings("unchecked")
    void aListingKeptBackByAnOpenCircuitAsksNothingAndKeepsTheLastGoodOne() {
        ProviderCatalogs live = context.getBean(ProviderCatalogs.class);
        CircuitBreaker breaker = live.guards().orElseThrow().breaker("vtpass");
        CallRecord record = Infrastructure.sandbox.getBean(CallRecord.class);
        ProviderCatalogs.Key vtpass = new ProviderCatalogs.Key("vtpass", null);
        ProviderCatalogs.Snapshot good = live.current("vtpass", null).orElseThrow();
        assertThat(good.known()).isTrue();
        assertThat(live.guards().orElseThrow().breaker("vtpass"))
                .as("apart from the lookups' circuit")
                .isNotSameAs(context.getBean(com.vendstream.order.account.AccountVerifier.class).guards().breaker("vtpass"));
        try {
            breaker.transitionToOpenState();
            int before = record.calls("vtpass", "catalog", null).size();
            live.refresh(List.of(vtpass)).orTimeout(20, TimeUnit.SECONDS).join();

            assertThat(record.calls("vtpass", "catalog", null)).as("no listing call left").hasSize(before);
            ProviderCatalogs.Snapshot kept = live.current("vtpass", null).orElseThrow();
            assertThat(kept.offers()).isEqualTo(good.offers());
            assertThat(kept.fetchedAt()).isEqualTo(good.fetchedAt());
            assertThat(kept.lastError()).contains("not asked", "circuit open");
            // The bouquet only VTpass's listing has is still on sale.
            get(DEMO, "/v1/catalog/billers/CABLE_TV/DSTV").expectStatus().isOk().expectBody()
                    .jsonPath("$.items[*].itemId").value(ids -> assertThat((List<String>) ids).contains("dstv79"));
        } finally {
            breaker.reset();
            live.refresh(List.of(vtpass)).orTimeout(20, TimeUnit.SECONDS).join();
        }
        assertThat(live.current("vtpass", null).orElseThrow().lastError()).isNull();
    }
}
