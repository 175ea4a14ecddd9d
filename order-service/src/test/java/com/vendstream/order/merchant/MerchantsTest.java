package com.vendstream.order.merchant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.order.merchant.MerchantProperties.Merchant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key rotation: a merchant's current and next keys both authenticate it; nothing else does. */
class MerchantsTest {

    private static Merchant merchant(String id, String key, String nextKey) {
        return new Merchant(id, id, Merchants.sha256(key), "UTC", List.of(), null, null,
                nextKey == null ? null : Merchants.sha256(nextKey));
    }

    @Test
    void theCurrentAndTheNextKeyBothAuthenticateTheMerchant() {
        Merchants merchants = new Merchants(List.of(merchant("m1", "key-2", "key-3"), merchant("m2", "other", null)));

        assertThat(merchants.authenticate("key-2")).map(Merchant::id).contains("m1");
        assertThat(merchants.authenticate("key-3")).map(Merchant::id).contains("m1");
        assertThat(merchants.authenticate("other")).map(Merchant::id).contains("m2");
        // The key retired at the end of the last rotation, and anything else, authenticates nobody.
        assertThat(merchants.authenticate("key-1")).isEmpty();
        assertThat(merchants.authenticate("")).isEmpty();
        assertThat(merchants.authenticate(null)).isEmpty();
    }

    @Test
    void aKeyHashUpperCasedInConfigurationStillMatches() {
        Merchant upper = new Merchant("m1", "m1", Merchants.sha256("key-1").toUpperCase(), "UTC", List.of(), null, null,
                Merchants.sha256("key-2").toUpperCase());
        Merchants merchants = new Merchants(List.of(upper));

        assertThat(merchants.authenticate("key-1")).isPresent();
        assertThat(merchants.authenticate("key-2")).isPresent();
    }

    @Test
    void oneKeyForTwoMerchantsStopsTheStartNamingTheMerchantsNotTheHash() {
        String shared = Merchants.sha256("shared");

        assertThatThrownBy(() -> new Merchants(List.of(merchant("m1", "a", "shared"), merchant("m2", "shared", null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m1").hasMessageContaining("m2")
                .hasMessageNotContaining(shared);
    }

    @Test
    void aMerchantWithoutAKeyStopsTheStart() {
        assertThatThrownBy(() -> new Merchants(List.of(new Merchant("m1", "m1", null, "UTC", List.of()))))
                .hasMessageContaining("m1");
    }
}
