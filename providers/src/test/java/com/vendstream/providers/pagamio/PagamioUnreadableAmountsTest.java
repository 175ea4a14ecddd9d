package com.vendstream.providers.pagamio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.support.Lenient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An amount Pagamio sent that we cannot read is unknown: never zero, never "open" or "unbounded". */
class PagamioUnreadableAmountsTest {

    @Test
    void aReportLineWhoseAmountIsFinerThanTheRandIsOfUnknownAmountNotZero() {
        TransactionReport line = PagamioTransformer.report(Lenient.parse("""
                {"transactionId":"tx-1","merchantReference":"ref-1","status":{"code":"0","label":"COMPLETED"},
                "totalAmount":"120.005","productName":"Vodacom","responseDate":"2026-12-04T10:00:00"}"""));

        assertThat(line.outcome()).isEqualTo(CodeRule.Outcome.SUCCEEDED);
        assertThat(line.amountMinor()).isNull();
        assertThat(PagamioTransformer.report(Lenient.parse("""
                {"transactionId":"tx-2","merchantReference":"ref-2","status":"0","totalAmount":"120.00"}""")).amountMinor())
                .isEqualTo(12_000L);
    }

    @Test
    void aProductWhosePriceOrBoundIsSentButUnreadableIsLeftOutOfTheCatalogue() {
        List<CatalogOffer> offers = PagamioTransformer.products(200, """
                {"data":[
                {"productCode":"FIXED-OK","name":"Voucher 10","fixedAmount":"10.00"},
                {"productCode":"FIXED-BAD","name":"Voucher ?","fixedAmount":"10.005"},
                {"productCode":"OPEN-OK","name":"Airtime","minAmount":"5","maxAmount":"1000"},
                {"productCode":"OPEN-BAD-MIN","name":"Data","minAmount":"five","maxAmount":"1000"},
                {"productCode":"OPEN-BAD-MAX","name":"Bundle","minAmount":"5","maxAmount":"1000.001"},
                {"productCode":"OPEN-NO-BOUNDS","name":"Eskom"}]}""",
                code -> List.of(Map.entry(ServiceType.AIRTIME, code)));

        assertThat(offers).extracting(CatalogOffer::billerId, CatalogOffer::priceMinor, CatalogOffer::minAmountMinor,
                        CatalogOffer::maxAmountMinor)
                .containsExactly(
                        tuple("FIXED-OK", 1_000L, null, null),
                        tuple("OPEN-OK", null, 500L, 100_000L),
                        tuple("OPEN-NO-BOUNDS", null, null, null));
    }
}
