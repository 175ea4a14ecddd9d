package com.vendstream.providers.vtpass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.ServiceType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bound VTpass sent but we cannot read is not "no bound": the open amounts it limits are not offered. */
class VtpassCatalogueBoundsTest {

    @Test
    void anUnreadableBoundLeavesTheServicesOpenAmountsOutButKeepsItsFixedPrices() {
        List<VtpassTransformer.ListedService> listed = VtpassTransformer.services("""
                {"response_description":"000","content":[
                {"serviceID":"ikeja-electric","name":"Ikeja","minimium_amount":"500","maximum_amount":"100000.005"},
                {"serviceID":"eko-electric","name":"Eko","minimium_amount":"500","maximum_amount":"100000"}]}""");
        String variations = """
                {"response_description":"000","content":{"variations":[
                {"variation_code":"prepaid","name":"Prepaid","variation_amount":"0","fixedPrice":"No"},
                {"variation_code":"token-1000","name":"Token","variation_amount":"1000.00","fixedPrice":"Yes"}]}}""";

        assertThat(VtpassTransformer.variations(variations, ServiceType.ELECTRICITY, "IKEJA", listed.get(0), c -> c))
                .extracting(CatalogOffer::itemId).containsExactly("token-1000");
        assertThat(VtpassTransformer.variations(variations, ServiceType.ELECTRICITY, "EKO", listed.get(1), c -> c))
                .extracting(CatalogOffer::itemId, CatalogOffer::minAmountMinor, CatalogOffer::maxAmountMinor)
                .containsExactly(tuple("prepaid", 50_000L, 10_000_000L),
                        tuple("token-1000", null, null));
    }
}
