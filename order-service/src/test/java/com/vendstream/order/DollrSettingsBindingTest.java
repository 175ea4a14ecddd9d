package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.dollr.DollrMobileMoney;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeBearer;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Dollr's invoice-flow settings keep their names (vendstream.payments.dollr.*) now that the flow is in providers. */
class DollrSettingsBindingTest {

    @Test
    void theFeeBearerAndThePreviewAreBoundWithRelaxedNames() {
        DollrMobileMoney.Settings settings = OrderServiceConfiguration.dollrSettings(new MockEnvironment()
                .withProperty("vendstream.payments.dollr.fee-bearer", "customer")
                .withProperty("vendstream.payments.dollr.feePreview", "true"));

        assertThat(settings.bearer()).isEqualTo(FeeBearer.PAYER);
        assertThat(settings.feePreview()).isTrue();
    }

    @Test
    void noneSetIsTheMerchantBearingTheFeesWithoutAPreview() {
        assertThat(OrderServiceConfiguration.dollrSettings(new MockEnvironment()))
                .isEqualTo(DollrMobileMoney.Settings.defaults());
    }

    @Test
    void anUnknownFeeBearerStopsTheStart() {
        assertThatThrownBy(() -> OrderServiceConfiguration.dollrSettings(new MockEnvironment()
                .withProperty("vendstream.payments.dollr.fee-bearer", "nobody")))
                .hasStackTraceContaining("vendstream.payments.dollr.fee-bearer must be PAYEE or PAYER");
    }
}
