package com.vendstream.sandbox.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One vend in a provider's books, as the sandbox performed it. Requeries and reports read it, so what
 * they show is what was really vended. Provider-specific reply data (token, units, receipt number,
 * the original request) goes in {@link #details()}.
 */
public final class SandboxTransaction {

    private final String provider;
    private final String reference;
    private final String providerTransactionId;
    private final String operation;
    private final String account;
    private final java.util.concurrent.atomic.AtomicLong amountMinor;
    private final String currency;
    private final Scenario scenario;
    private final Instant createdAt;
    private final AtomicReference<Scenario.Status> status;
    private final AtomicInteger requeries = new AtomicInteger();
    private final Map<String, Object> details = new ConcurrentHashMap<>();

    public SandboxTransaction(String provider, String reference, String providerTransactionId, String operation,
                              String account, long amountMinor, String currency, Scenario scenario, Instant createdAt) {
        this.provider = provider;
        this.reference = reference;
        this.providerTransactionId = providerTransactionId;
        this.operation = operation;
        this.account = account;
        this.amountMinor = new java.util.concurrent.atomic.AtomicLong(amountMinor);
        this.currency = currency;
        this.scenario = scenario;
        this.createdAt = createdAt;
        this.status = new AtomicReference<>(scenario.initialStatus() == null ? Scenario.Status.FAILED
                : scenario.initialStatus());
    }

    @JsonProperty
    public String provider() {
        return provider;
    }

    @JsonProperty
    public String reference() {
        return reference;
    }

    @JsonProperty
    public String providerTransactionId() {
        return providerTransactionId;
    }

    /** vend, bill, ... as the provider calls the product. */
    @JsonProperty
    public String operation() {
        return operation;
    }

    @JsonProperty
    public String account() {
        return account;
    }

    @JsonProperty
    public long amountMinor() {
        return amountMinor.get();
    }

    @JsonProperty
    public String currency() {
        return currency;
    }

    @JsonProperty
    public Scenario scenario() {
        return scenario;
    }

    @JsonProperty
    public Instant createdAt() {
        return createdAt;
    }

    @JsonProperty
    public Scenario.Status status() {
        return status.get();
    }

    @JsonProperty
    public int requeries() {
        return requeries.get();
    }

    public Map<String, Object> details() {
        return details;
    }

    @JsonIgnore
    public boolean isPending() {
        return status.get() == Scenario.Status.PENDING;
    }

    /** A status query: counts towards the pending policy and may settle the transaction. */
    public Scenario.Status requery(PendingPolicy policy, Instant now) {
        requeries.incrementAndGet();
        return settle(policy, now);
    }

    /** Settles a pending transaction whose time has come, without counting a query (reports, listings). */
    public Scenario.Status settle(PendingPolicy policy, Instant now) {
        if (status.get() != Scenario.Status.PENDING || scenario == Scenario.PENDING_FOREVER) {
            return status.get();
        }
        boolean byCount = policy.requeries() >= 0 && requeries.get() > policy.requeries();
        boolean byTime = !policy.after().isZero() && !now.isBefore(createdAt.plus(policy.after()));
        if (byCount || byTime) {
            status.compareAndSet(Scenario.Status.PENDING,
                    scenario == Scenario.PENDING_THEN_FAIL ? Scenario.Status.FAILED : Scenario.Status.SUCCEEDED);
        }
        return status.get();
    }

    /** Forces the final state (admin API: a person resolving a stuck transaction). */
    public void resolve(Scenario.Status to) {
        status.set(to);
    }

    /** Back from the books file: the state it had when the sandbox stopped. */
    void restore(Scenario.Status to, int requeryCount, Map<String, Object> savedDetails) {
        status.set(to);
        requeries.set(requeryCount);
        details.putAll(savedDetails);
    }

    /** Changes the amount on the provider's books (admin API: a provider record that disagrees with ours). */
    public void amend(long toMinor) {
        amountMinor.set(toMinor);
    }
}
