package com.vendstream.order.catalog;

import java.util.List;
import java.util.Map;

/** Where a merchant, or one of its outlets, sells at each provider (see MerchantProperties). */
public interface MerchantScopes {

    /** Per provider, the provider-side sub-account; a provider absent from the map means the whole account. */
    Map<String, String> of(String merchantId, String subMerchantId);

    /** The merchant's configured outlets. */
    List<String> subMerchants(String merchantId);

    /** Whether the merchant may name this outlet (null: the merchant itself). */
    boolean knows(String merchantId, String subMerchantId);

    /** Everyone sells under the whole account at every provider. */
    MerchantScopes NONE = new MerchantScopes() {
        @Override
        public Map<String, String> of(String merchantId, String subMerchantId) {
            return Map.of();
        }

        @Override
        public List<String> subMerchants(String merchantId) {
            return List.of();
        }

        @Override
        public boolean knows(String merchantId, String subMerchantId) {
            return true;
        }
    };
}
