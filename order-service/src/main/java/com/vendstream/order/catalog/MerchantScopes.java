package com.vendstream.order.catalog;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Where a merchant, or one of its outlets, sells at each provider (see MerchantProperties).
 *
 * @param scopes per merchant and outlet (null: the merchant itself), the provider-side sub-account at
 *               each provider; a provider absent from the map means the whole account
 * @param subMerchants the merchant's configured outlets
 * @param knows whether the merchant may name this outlet (null always may)
 */
public record MerchantScopes(BiFunction<String, String, Map<String, String>> scopes,
                             Function<String, List<String>> subMerchants, BiPredicate<String, String> knows) {

    /** Everyone sells under the whole account at every provider. */
    public static final MerchantScopes NONE = new MerchantScopes((m, s) -> Map.of(), m -> List.of(), (m, s) -> true);

    Map<String, String> of(String merchantId, String subMerchantId) {
        return scopes.apply(merchantId, subMerchantId);
    }

    List<String> outlets(String merchantId) {
        return subMerchants.apply(merchantId);
    }

    boolean allows(String merchantId, String subMerchantId) {
        return knows.test(merchantId, subMerchantId);
    }
}
