package com.vendstream.providers;

import java.util.List;

/**
 * A provider that publishes what it sells. Implemented by connectors whose API lists products;
 * a provider without such an API (Pawacard sells one biller) simply does not implement it, and the
 * catalogue then trusts configuration for it.
 */
public interface CatalogSource {

    /** The provider id, as {@link VendConnector#id()}. */
    String id();

    /**
     * The provider's current offers for {@code scope}: null for our whole account, otherwise a
     * provider-side sub-account (a Pagamio sub-merchant id). Offers the provider lists but our
     * catalogue has no name for are left out. Throws when the listing cannot be fetched or read, so
     * a caller can keep its last good copy instead of taking an outage for "sells nothing".
     */
    List<CatalogOffer> offers(String scope);
}
