package com.vendstream.order.catalog;

import com.vendstream.events.RejectionReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.order.catalog.CatalogProperties.Biller;
import com.vendstream.order.catalog.CatalogProperties.Item;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.Rejection;
import java.util.List;
import java.util.Optional;

/** Answers what a merchant may sell and whether an order's item and amount fit it. */
public class Catalog {

    private final List<Biller> billers;

    public Catalog(CatalogProperties properties) {
        this.billers = properties.billers();
    }

    public List<Biller> billers(String merchantId, ServiceCategory service) {
        return billers.stream()
                .filter(b -> service == null || b.service() == service)
                .filter(b -> b.merchants().isEmpty() || b.merchants().contains(merchantId))
                .toList();
    }

    public Optional<Biller> biller(ServiceCategory service, String billerId) {
        return billers.stream().filter(b -> b.service() == service && b.id().equalsIgnoreCase(billerId)).findFirst();
    }

    /** Empty when the order fits the catalogue; otherwise the reason it does not. */
    public Optional<Rejection> check(OrderRequest request) {
        Optional<Biller> found = biller(request.service(), request.billerId());
        if (found.isEmpty()) {
            return Optional.of(new Rejection(RejectionReason.UNKNOWN_BILLER,
                    "No biller " + request.billerId() + " for " + request.service()));
        }
        Biller biller = found.get();
        if (!biller.merchants().isEmpty() && !biller.merchants().contains(request.merchantId())) {
            return Optional.of(new Rejection(RejectionReason.NOT_AVAILABLE_TO_MERCHANT,
                    biller.id() + " is not available to this merchant"));
        }
        if (!biller.currency().equals(request.currency())) {
            return Optional.of(new Rejection(RejectionReason.UNSUPPORTED_CURRENCY,
                    biller.id() + " is sold in " + biller.currency() + ", not " + request.currency()));
        }
        Long min = biller.minAmountMinor();
        Long max = biller.maxAmountMinor();
        if (!biller.items().isEmpty() || request.itemId() != null) {
            Optional<Item> item = biller.items().stream().filter(i -> i.id().equals(request.itemId())).findFirst();
            if (item.isEmpty()) {
                return Optional.of(new Rejection(RejectionReason.UNKNOWN_ITEM,
                        "No item " + request.itemId() + " for biller " + biller.id()));
            }
            Item it = item.get();
            if (it.priceMinor() != null) {
                long expected = it.priceMinor() * request.quantity();
                if (request.amountMinor() != expected) {
                    return Optional.of(new Rejection(RejectionReason.AMOUNT_OUT_OF_RANGE,
                            "Item " + it.id() + " costs " + expected + " minor units, not " + request.amountMinor()));
                }
                return Optional.empty();
            }
            min = it.minAmountMinor() != null ? it.minAmountMinor() : min;
            max = it.maxAmountMinor() != null ? it.maxAmountMinor() : max;
        }
        if (min != null && request.amountMinor() < min) {
            return Optional.of(new Rejection(RejectionReason.AMOUNT_OUT_OF_RANGE,
                    "Amount is below the minimum of " + min + " minor units"));
        }
        if (max != null && request.amountMinor() > max) {
            return Optional.of(new Rejection(RejectionReason.AMOUNT_OUT_OF_RANGE,
                    "Amount is above the maximum of " + max + " minor units"));
        }
        return Optional.empty();
    }
}
