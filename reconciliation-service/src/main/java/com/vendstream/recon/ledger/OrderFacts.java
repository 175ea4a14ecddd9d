package com.vendstream.recon.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything consumed about one order, and the order's state derived from it. Derivations depend
 * only on the set of facts, never on the order they arrived in (orders and vend outcomes travel on
 * different topics, so arrival order is not the order things happened in); that is what makes a
 * replay rebuild the same ledgers.
 */
public final class OrderFacts {

    public static final String NO_PROVIDER = "none";

    private final String orderId;
    private final String merchantId;
    private final LocalDate businessDay;
    private final List<Fact> facts;

    public OrderFacts(String orderId, String merchantId, LocalDate businessDay, List<Fact> facts) {
        this.orderId = orderId;
        this.merchantId = merchantId;
        this.businessDay = businessDay;
        List<Fact> sorted = new ArrayList<>(facts);
        sorted.sort(Comparator.comparing(Fact::at).thenComparing(Fact::eventId));
        this.facts = List.copyOf(sorted);
    }

    public String orderId() {
        return orderId;
    }

    public String merchantId() {
        return merchantId;
    }

    public LocalDate businessDay() {
        return businessDay;
    }

    public List<Fact> facts() {
        return facts;
    }

    public boolean has(FactKind kind) {
        return facts.stream().anyMatch(f -> f.kind() == kind);
    }

    public Optional<Fact> first(FactKind kind) {
        return facts.stream().filter(f -> f.kind() == kind).findFirst();
    }

    public List<Fact> all(FactKind kind) {
        return facts.stream().filter(f -> f.kind() == kind).toList();
    }

    public Optional<Fact> accepted() {
        return first(FactKind.ACCEPTED);
    }

    /** Orders that never took money (rejected only) do not belong in a ledger. */
    public boolean isLedgerRelevant() {
        return facts.stream().anyMatch(f -> f.kind() == FactKind.ACCEPTED || f.kind() == FactKind.COMPLETED
                || f.kind() == FactKind.REFUNDED || f.kind().isVendOutcome());
    }

    /**
     * Success wins over failure wins over unresolved wins over pending. A success and a failure
     * together are a contradiction that matching reports; the order still counts as delivered here
     * because the provider's record, not arrival order, has to settle it.
     */
    public VendStatus vendStatus() {
        return vendStatusAt(Instant.MAX);
    }

    /** The vend status as it was known from facts that had happened by {@code at}. */
    public VendStatus vendStatusAt(Instant at) {
        boolean succeeded = false, failed = false, unresolved = false, pending = false;
        for (Fact f : facts) {
            if (f.at().isAfter(at)) {
                continue;
            }
            switch (f.kind()) {
                case VEND_SUCCEEDED -> succeeded = true;
                case VEND_FAILED -> failed = true;
                case VEND_UNRESOLVED -> unresolved = true;
                case VEND_PENDING -> pending = true;
                default -> {
                }
            }
        }
        if (succeeded) {
            return VendStatus.SUCCEEDED;
        }
        if (failed) {
            return VendStatus.FAILED;
        }
        if (unresolved) {
            return VendStatus.UNRESOLVED;
        }
        return pending ? VendStatus.PENDING : VendStatus.NONE;
    }

    /** Our own events disagree about the outcome. */
    public boolean isContradictory() {
        return (has(FactKind.VEND_SUCCEEDED) && has(FactKind.VEND_FAILED))
                || (has(FactKind.COMPLETED) && has(FactKind.REFUNDED))
                || (has(FactKind.VEND_SUCCEEDED) && has(FactKind.REFUNDED))
                || (has(FactKind.VEND_FAILED) && has(FactKind.COMPLETED));
    }

    private Optional<Fact> lastVend() {
        Fact last = null;
        for (Fact f : facts) {
            if ((f.kind().isVendOutcome() || f.kind() == FactKind.COMPLETED) && f.provider() != null
                    && !f.provider().isBlank()) {
                last = f;
            }
        }
        return Optional.ofNullable(last);
    }

    public String provider() {
        return lastVend().map(Fact::provider).orElse(NO_PROVIDER);
    }

    public String reference() {
        return lastVend().map(Fact::reference).orElse(null);
    }

    public String providerTransactionId() {
        String id = null;
        for (Fact f : facts) {
            if (f.providerTransactionId() != null) {
                id = f.providerTransactionId();
            }
        }
        return id;
    }

    public String service() {
        return accepted().map(Fact::service)
                .or(() -> facts.stream().map(Fact::service).filter(s -> s != null).findFirst())
                .orElse("OTHER");
    }

    public String billerId() {
        return facts.stream().map(Fact::billerId).filter(b -> b != null).findFirst().orElse(null);
    }

    public String itemId() {
        return facts.stream().map(Fact::itemId).filter(b -> b != null).findFirst().orElse(null);
    }

    public String currency() {
        return accepted().map(Fact::currency)
                .or(() -> facts.stream().map(Fact::currency).filter(c -> c != null).findFirst())
                .orElse("XXX");
    }

    /** Face value: what was debited, or failing that what the vend was for. */
    public long faceValueMinor() {
        return accepted().map(Fact::amountMinor)
                .or(() -> facts.stream().filter(f -> f.kind().isVendOutcome()).map(Fact::amountMinor)
                        .filter(a -> a != null).findFirst())
                .orElse(0L);
    }

    public Optional<Long> vendedAmountMinor() {
        return first(FactKind.VEND_SUCCEEDED).map(Fact::amountMinor);
    }

    public Optional<Long> providerCostMinor() {
        return facts.stream().filter(f -> f.kind() == FactKind.VEND_SUCCEEDED && f.providerCostMinor() != null)
                .map(Fact::providerCostMinor).findFirst();
    }

    public long sum(FactKind kind) {
        return facts.stream().filter(f -> f.kind() == kind && f.amountMinor() != null).mapToLong(Fact::amountMinor)
                .sum();
    }
}
