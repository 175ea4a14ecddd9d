package com.vendstream.order.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.events.ServiceCategory;
import java.time.Clock;
import java.time.Duration;
import com.vendstream.order.ApiTestSupport;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.ErrorResponseException;

/**
 * The catalogue endpoints (from order-service.yml) and account verification, which asks the
 * provider sandbox's VTpass for real and refuses what it can without a provider call.
 */
class CatalogAndAccountApiTest extends ApiTestSupport {

    private WebTestClient.ResponseSpec verify(Map<String, Object> body) {
        return client.post().uri("/v1/accounts/verify").header("Authorization", "Bearer " + DEMO)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    @SuppressWarnings("unchecked")
    void servicesListEachServiceWithItsNumberOfBillers() {
        List<Map<String, Object>> services = get(DEMO, "/v1/catalog/services").expectStatus().isOk()
                .expectBody(List.class).returnResult().getResponseBody();
        assertThat(services).extracting(s -> s.get("service"), s -> ((Number) s.get("billers")).intValue())
                .containsExactly(tuple("AIRTIME", 6), tuple("DATA", 2),
                        tuple("CABLE_TV", 3), tuple("ELECTRICITY", 4),
                        tuple("EDUCATION", 2));
        client.get().uri("/v1/catalog/services").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void billersOfAServiceCarryTheirItemsPricesAndInputs() {
        get(DEMO, "/v1/catalog/billers?service=cable_tv").expectStatus().isOk().expectBody()
                .jsonPath("$[*].billerId").isEqualTo(List.of("DSTV", "GOTV", "DSTV-ZA"))
                // The configured bouquets first, then those only VTpass's listing has, under VTpass's names.
                .jsonPath("$[?(@.billerId == 'DSTV')].items[*].itemId").isEqualTo(List.of("dstv-padi", "dstv-yanga",
                        "dstv-confam", "dstv79"))
                .jsonPath("$[?(@.billerId == 'DSTV')].items[2].name").isEqualTo(List.of("DStv Confam N6,200"))
                .jsonPath("$[?(@.billerId == 'DSTV')].items[2].priceMinor").isEqualTo(List.of(620000))
                .jsonPath("$[?(@.billerId == 'DSTV')].items[0].priceMinor").isEqualTo(List.of(290000))
                .jsonPath("$[?(@.billerId == 'DSTV')].inputs[0].type").isEqualTo(List.of("smartcard"))
                .jsonPath("$[?(@.billerId == 'DSTV-ZA')].currency").isEqualTo(List.of("ZAR"));
        get(DEMO, "/v1/catalog/billers").expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(17);
        get(DEMO, "/v1/catalog/billers?service=TELEPORT").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void oneBillerIsFoundByServiceAndIdAndAnUnknownOneIs404() {
        get(DEMO, "/v1/catalog/billers/ELECTRICITY/ikedc").expectStatus().isOk().expectBody()
                .jsonPath("$.billerId").isEqualTo("IKEDC")
                .jsonPath("$.currency").isEqualTo("NGN")
                .jsonPath("$.minAmountMinor").isEqualTo(50000)
                .jsonPath("$.maxAmountMinor").isEqualTo(50000000)
                .jsonPath("$.items[*].itemId").isEqualTo(List.of("prepaid", "postpaid"))
                .jsonPath("$.inputs[0].name").isEqualTo("account")
                .jsonPath("$.inputs[0].type").isEqualTo("meter");
        for (String uri : List.of("/v1/catalog/billers/AIRTIME/NOPE", "/v1/catalog/billers/AIRTIME/IKEDC")) {
            get(DEMO, uri).expectStatus().isNotFound()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/not-found");
        }
        get(DEMO, "/v1/catalog/billers/TELEPORT/IKEDC").expectStatus().isBadRequest();
    }

    /** No configured biller is restricted to merchants, so the scoping is checked on the controller itself. */
    @Test
    void aBillerRestrictedToSomeMerchantsIsInvisibleToOthers() {
        CatalogController catalog = new CatalogController(new Catalog(new CatalogProperties(List.of(
                new CatalogProperties.Biller("MTN", ServiceCategory.AIRTIME, "MTN", "NGN", "PHONE", 5000L, 5000000L,
                        List.of("vtpass"), List.of(), List.of()),
                new CatalogProperties.Biller("PRIVATE", ServiceCategory.AIRTIME, "Private", "NGN", "PHONE", 5000L,
                        5000000L, List.of("vtpass"), List.of(), List.of("m1"))))),
                new ProviderCatalogs(List.of(), Duration.ofMinutes(15), Clock.systemUTC(), Runnable::run));
        Merchant m1 = new Merchant("m1", "One", "x", "UTC", List.of());
        Merchant m2 = new Merchant("m2", "Two", "y", "UTC", List.of());
        assertThat(catalog.billers(m1, "AIRTIME", null)).extracting(CatalogController.BillerView::billerId)
                .containsExactly("MTN", "PRIVATE");
        assertThat(catalog.billers(m2, "AIRTIME", null)).extracting(CatalogController.BillerView::billerId)
                .containsExactly("MTN");
        assertThat(catalog.services(m2, null)).extracting(CatalogController.ServiceView::billers).containsExactly(1L);
        assertThat(catalog.biller(m1, "AIRTIME", "private", null).billerId()).isEqualTo("PRIVATE");
        assertThatThrownBy(() -> catalog.biller(m2, "AIRTIME", "PRIVATE", null)).isInstanceOfSatisfying(
                ErrorResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND));
    }

    @Test
    void aMeterTheProviderKnowsIsVerifiedWithItsCustomerAndTheAccountMasked() {
        verify(Map.of("service", "ELECTRICITY", "billerId", "ikedc", "itemId", "prepaid", "account", "1111111111111"))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("VALID")
                .jsonPath("$.customerName").isEqualTo("TESTMETER1")
                .jsonPath("$.details.Address").isEqualTo("ABULE - EGBA BU ABULE")
                .jsonPath("$.details.Meter_Type").isEqualTo("PREPAID")
                .jsonPath("$.account").value(a -> assertThat(a.toString()).endsWith("1111").doesNotContain("1111111111111"));
    }

    @Test
    void aPhoneIsCheckedForItsCountrysFormatWithoutAProviderCall() {
        var record = Infrastructure.sandbox.getBean(com.vendstream.sandbox.core.CallRecord.class);
        int before = record.calls("vtpass", "verify", null).size();
        verify(Map.of("service", "AIRTIME", "billerId", "MTN", "account", "+234 803 111 2222")).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("VALID")
                .jsonPath("$.details.check").isEqualTo("number format");
        verify(Map.of("service", "DATA", "billerId", "MTN", "itemId", "mtn-10mb-100", "account", "08011111111"))
                .expectStatus().isOk();
        for (String notMobile : List.of("12345", "0123456789012", "0271234567")) {
            verify(Map.of("service", "AIRTIME", "billerId", "MTN", "account", notMobile))
                    .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                    .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/invalid-account");
        }
        // A Liberian number for Lonestar, a South African one for Vodacom.
        verify(Map.of("service", "AIRTIME", "billerId", "LONESTAR", "account", "231770000007")).expectStatus().isOk();
        verify(Map.of("service", "AIRTIME", "billerId", "VODACOM", "account", "0821234567")).expectStatus().isOk();
        verify(Map.of("service", "AIRTIME", "billerId", "VODACOM", "account", "08011111111"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(record.calls("vtpass", "verify", null)).hasSize(before);
    }

    /** Issue 11 item 27: a merchant learns nothing about the customers of billers it cannot sell. */
    @Test
    void verificationAnswersOnlyWithinTheMerchantsOrOutletsCatalogueAndAsksNoProviderOtherwise() {
        var record = Infrastructure.sandbox.getBean(com.vendstream.sandbox.core.CallRecord.class);
        int before = record.calls("pagamio", "verify", null).size();
        Map<String, Object> eskom = Map.of("service", "ELECTRICITY", "billerId", "ESKOM", "itemId", "prepaid",
                "account", "00001100000");
        // The second merchant sells as Pagamio's airtime-only sub-merchant: no Eskom.
        client.post().uri("/v1/accounts/verify").header("Authorization", "Bearer " + SECOND)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(eskom).exchange()
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("NOT_AVAILABLE_TO_MERCHANT")
                .jsonPath("$.customerName").doesNotExist();
        // So does the demo merchant's airtime kiosk; an outlet the merchant does not have is refused as orders are.
        Map<String, Object> atKiosk = new java.util.HashMap<>(eskom);
        atKiosk.put("subMerchantId", "kiosk-airtime");
        verify(atKiosk).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("NOT_AVAILABLE_TO_MERCHANT");
        atKiosk.put("subMerchantId", "elsewhere");
        verify(atKiosk).expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("INVALID_REQUEST");
        assertThat(record.calls("pagamio", "verify", null)).hasSize(before);
        // The demo merchant itself sells Eskom, and gets the provider's answer.
        verify(eskom).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("VALID");
        assertThat(record.calls("pagamio", "verify", null)).hasSize(before + 1);
    }

    /** Issue 11 item 26: the account is checked for hidden characters before anything else. */
    @Test
    void anAccountWithControlOrFormatCharactersIs400() {
        for (String account : List.of("0801\u202E1111111", "08011111111\u0007", "\uD83D\uDE0008011111111")) {
            verify(Map.of("service", "AIRTIME", "billerId", "MTN", "account", account)).expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    @Test
    void aMeterTheProviderDoesNotKnowIs422() {
        verify(Map.of("service", "ELECTRICITY", "billerId", "IKEDC", "itemId", "prepaid", "account", "7777777777777"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/invalid-account")
                .jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("not correct"));
    }

    @Test
    void anUnknownBillerIs404AMissingAccount400AndABillerWithoutAReachableProvider503() {
        verify(Map.of("service", "ELECTRICITY", "billerId", "NOPE", "account", "1111111111111"))
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/not-found");
        verify(Map.of("service", "ELECTRICITY", "billerId", "IKEDC")).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verify(Map.of("service", "TELEPORT", "billerId", "IKEDC", "account", "1")).expectStatus().isBadRequest();
        // Kenya Power is sold through Pawacard, which this service has no base URL for: a Luhn-valid meter
        // cannot be verified, and that is said plainly rather than guessed.
        verify(Map.of("service", "ELECTRICITY", "billerId", "KPLC", "itemId", "prepaid", "account", "12345678903"))
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.type").isEqualTo("https://vendstream.dev/problems/verification-unavailable");
    }
}
