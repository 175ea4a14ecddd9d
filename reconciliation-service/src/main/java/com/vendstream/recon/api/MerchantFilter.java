package com.vendstream.recon.api;

import com.vendstream.kit.web.Problems;
import java.util.regex.Pattern;

/**
 * The {@code merchantId} query parameter of the listings and CSVs: one merchant's rows, or all when absent. Merchant
 * ids are short codes (order-service's configuration), so anything else is a 400 rather than an empty answer, and
 * the id can name a CSV file.
 */
final class MerchantFilter {

    private static final Pattern MERCHANT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private MerchantFilter() {
    }

    /**
     * @param merchantId the parameter
     * @param alias      an older name of the same parameter ({@code merchant} on the ledger listing), or null
     * @return the merchant to filter by, null for all
     */
    static String of(String merchantId, String alias) {
        String id = ReconController.blankToNull(merchantId);
        String old = ReconController.blankToNull(alias);
        if (id != null && old != null && !id.equals(old)) {
            throw Problems.invalid("merchantId and merchant name different merchants; give merchantId only");
        }
        String m = id != null ? id : old;
        if (m != null && !MERCHANT_ID.matcher(m).matches()) {
            throw Problems.invalid("merchantId must be a merchant id (1-64 of A-Z a-z 0-9 . _ -)");
        }
        return m;
    }
}
