package com.vendstream.order.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import com.vendstream.sandbox.pagamio.PagamioSandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The catalogue merged with the sandbox providers' live listings, through the API: VTpass's listing
 * adds bouquets configuration lacks; Pagamio's listing is read in each merchant's sub-merchant scope,
 * so the second merchant (sub-merchant {@value PagamioSandbox#AIRTIME_ONLY_SUB_MERCHANT}) sells
 * Vodacom airtime but not Eskom, and an order for Eskom is refused before any money moves.
 */
class LiveCatalogApiTest extends ApiTestSupport {

    private static final ProviderCatalogs.Key SUB_MERCHANT_LISTING =
            new ProviderCatalogs.Key("pagamio", PagamioSandbox.AIRTIME_ONLY_SUB_MERCHANT);

    @Test
    @SuppressWarnings("unchecked")
    void sourcesSayWhereEachPartOfTheCatalogueComesFrom() {
        List<Map<String, Object>> sources = get(DEMO, "/v1/catalog/sources").expectStatus().isOk()
                .expectBody(List.class).returnResult().getResponseBody();
        assertThat(sources).extracting(s -> s.get("provider"), s -> s.get("status"))
                .contains(org.assertj.core.api.Assertions.tuple("vtpass", "LIVE"),
                        org.assertj.core.api.Assertions.tuple("pagamio", "LIVE"),
                        // No base URL here, so no connector: its billers are sold as configured.
                        org.assertj.core.api.Assertions.tuple("pawacard", "CONFIGURATION"));
        assertThat(sources).filteredOn(s -> s.get("provider").equals("vtpass")).singleElement()
                .satisfies(s -> assertThat(((Number) s.get("offers")).intValue()).isGreaterThan(30));
        List<Map<String, Object>> second = get(SECOND, "/v1/catalog/sources").expectStatus().isOk()
                .expectBody(List.class).returnResult().getResponseBody();
        assertThat(second).filteredOn(s -> s.get("provider").equals("pagamio")).singleElement()
                .satisfies(s -> assertThat(s.get("scope")).isEqualTo(PagamioSandbox.AIRTIME_ONLY_SUB_MERCHANT));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSubMerchantSellsOnlyWhatPagamioActivatedForIt() {
        get(DEMO, "/v1/catalog/billers?service=ELECTRICITY").expectStatus().isOk().expectBody()
                .jsonPath("$[*].billerId").value(ids -> assertThat((List<String>) ids).contains("ESKOM"));
        get(SECOND, "/v1/catalog/billers?service=ELECTRICITY").expectStatus().isOk().expectBody()
                .jsonPath("$[*].billerId").value(ids -> assertThat((List<String>) ids).doesNotContain("ESKOM")
                        .contains("IKEDC"));
        get(SECOND, "/v1/catalog/billers?service=AIRTIME").expectStatus().isOk().expectBody()
                .jsonPath("$[*].billerId").value(ids -> assertThat((List<String>) ids).contains("VODACOM"));
        get(SECOND, "/v1/catalog/billers/ELECTRICITY/ESKOM").expectStatus().isNotFound();

        post(SECOND, eskom("second-float-ngn")).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("NOT_AVAILABLE_TO_MERCHANT")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("not currently offered"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void anOutletOfAMerchantSellsWhatItsOwnSubMerchantMaySell() {
        get(DEMO, "/v1/catalog/billers?service=ELECTRICITY&subMerchantId=kiosk-airtime").expectStatus().isOk()
                .expectBody().jsonPath("$[*].billerId").value(ids -> assertThat((List<String>) ids)
                        .doesNotContain("ESKOM").contains("IKEDC"));
        get(DEMO, "/v1/catalog/sources?subMerchantId=kiosk-airtime").expectStatus().isOk().expectBody()
                .jsonPath("$[?(@.provider == 'pagamio')].scope").isEqualTo(List.of(PagamioSandbox.AIRTIME_ONLY_SUB_MERCHANT));
        get(DEMO, "/v1/catalog/billers?subMerchantId=elsewhere").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);

        Map<String, Object> atKiosk = new java.util.HashMap<>(eskom("demo-float-zar"));
        atKiosk.put("subMerchantId", "kiosk-airtime");
        post(DEMO, atKiosk).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("NOT_AVAILABLE_TO_MERCHANT");
        atKiosk.put("subMerchantId", "elsewhere");
        atKiosk.put("clientReference", "eskom-" + System.nanoTime());
        post(DEMO, atKiosk).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("INVALID_REQUEST");
    }

    @Test
    void switchingAProductOnForTheSubMerchantPutsItOnSaleAtTheNextRefresh() {
        ProviderCatalogs live = context.getBean(ProviderCatalogs.class);
        try {
            pagamioAvailability("ELE-ESK-001", true);
            live.refresh(List.of(SUB_MERCHANT_LISTING)).orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
            get(SECOND, "/v1/catalog/billers/ELECTRICITY/ESKOM").expectStatus().isOk().expectBody()
                    .jsonPath("$.currency").isEqualTo("ZAR")
                    // Pagamio lists Eskom from R10 to R3,000; configuration says the same, so the range stands.
                    .jsonPath("$.minAmountMinor").isEqualTo(1000)
                    .jsonPath("$.maxAmountMinor").isEqualTo(300000);
        } finally {
            pagamioAvailability("ELE-ESK-001", false);
            live.refresh(List.of(SUB_MERCHANT_LISTING)).orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
        }
        get(SECOND, "/v1/catalog/billers/ELECTRICITY/ESKOM").expectStatus().isNotFound();
    }

    private static Map<String, Object> eskom(String walletId) {
        return Map.of("clientReference", "eskom-" + System.nanoTime(), "service", "ELECTRICITY", "billerId", "ESKOM",
                "itemId", "prepaid", "account", "00001100000", "amount", Map.of("minor", 10000, "currency", "ZAR"),
                "payment", Map.of("method", "WALLET", "walletId", walletId));
    }

    private static void pagamioAvailability(String product, boolean active) {
        WebClient.create(Infrastructure.sandboxUrl()).put().uri("/sandbox/admin/pagamio/sub-merchants/{sub}/products/{code}?active={a}",
                PagamioSandbox.AIRTIME_ONLY_SUB_MERCHANT, product, active).retrieve().toBodilessEntity()
                .block(Duration.ofSeconds(10));
    }
}
