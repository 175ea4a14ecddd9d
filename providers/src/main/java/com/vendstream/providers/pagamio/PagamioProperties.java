package com.vendstream.providers.pagamio;

import java.time.Duration;
import java.util.Locale;

/**
 * Pagamio VAS connection settings. Credentials come from configuration or the environment and are
 * never logged.
 *
 * <p>The account's ids are configured, not learnt: Pagamio's documented login reply carries only
 * {@code token}, {@code refreshToken} and {@code expiresIn}, while the catalogue
 * ({@code GET /merchants/{merchantId}/products}) and every status lookup ({@code POST /transactions}'s
 * {@code userType} and {@code userTypeId}) need them.
 *
 * @param userType MERCHANT or SUB_MERCHANT: which kind of user the credentials are
 * @param merchantId the merchant account id (required for userType MERCHANT)
 * @param subMerchantId the sub-merchant id (required for userType SUB_MERCHANT)
 * @param purchasesPerMinute Pagamio's limit per token (10); the client keeps under it
 * @param limiterWait how long a purchase may wait for the client-side limiter before it is given back
 *                    as not sent (LOCAL_RATE_LIMIT) to be sent later
 * @param retryBackoff first wait after a 429 (doubles, capped at 60 s, ±25 % jitter)
 * @param maxAttempts attempts of one purchase after 429s before giving up (same reference each time)
 */
public record PagamioProperties(String baseUrl, String username, String password, String userType, String merchantId,
                                String subMerchantId, String channelId, String paymentMethod, Duration connectTimeout,
                                Duration readTimeout, Integer purchasesPerMinute, Duration limiterWait,
                                Duration retryBackoff, Integer maxAttempts) {

    public PagamioProperties {
        userType = userType == null ? "MERCHANT" : userType.trim().toUpperCase(Locale.ROOT);
        merchantId = blankToNull(merchantId);
        subMerchantId = blankToNull(subMerchantId);
        channelId = channelId == null ? "F5YZP7" : channelId;
        paymentMethod = paymentMethod == null ? "cash" : paymentMethod;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
        purchasesPerMinute = purchasesPerMinute == null ? 10 : purchasesPerMinute;
        limiterWait = limiterWait == null ? Duration.ofSeconds(5) : limiterWait;
        retryBackoff = retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff;
        maxAttempts = maxAttempts == null ? 5 : maxAttempts;
        switch (userType) {
            case "MERCHANT" -> require(merchantId, "merchant-id");
            case "SUB_MERCHANT" -> require(subMerchantId, "sub-merchant-id");
            default -> throw new IllegalArgumentException(
                    "vendstream.providers.pagamio.user-type must be MERCHANT or SUB_MERCHANT, was " + userType);
        }
    }

    /** A merchant account with every other setting at its default. */
    public PagamioProperties(String baseUrl, String username, String password, String merchantId) {
        this(baseUrl, username, password, "MERCHANT", merchantId, null, null, null, null, null, null, null, null, null);
    }

    /** The {@code userTypeId} of {@code POST /transactions}: the id of the kind of user we log in as. */
    public String userTypeId() {
        return "SUB_MERCHANT".equals(userType) ? subMerchantId : merchantId;
    }

    private static void require(String id, String key) {
        if (id == null) {
            throw new IllegalArgumentException("vendstream.providers.pagamio." + key + " is required: Pagamio's login"
                    + " does not say which account it is, and status lookups and the catalogue need it");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "PagamioProperties[baseUrl=" + baseUrl + ", userType=" + userType + ", userTypeId=" + userTypeId()
                + ", username=****, password=****]";
    }
}
