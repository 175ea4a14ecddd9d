package com.vendstream.sandbox.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Every request the sandbox received, and every vend it actually performed, per provider and
 * reference. Tests and load runs read it to prove that no order was vended twice.
 */
@Component
public class CallRecord {

    /**
     * One request: what was asked and what the sandbox answered.
     *
     * @param operation auth, verify, vend, requery, report, catalog, balance ...
     * @param answer the provider code or status the sandbox replied with, or {@code fault:<SCENARIO>}
     */
    public record Call(String provider, String operation, String reference, String account, String answer,
                       Instant at) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> vends = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> vendsByAccount = new ConcurrentHashMap<>();

    public void call(String provider, String operation, String reference, String account, String answer) {
        calls.add(new Call(provider, operation, reference, account, answer, Instant.now()));
    }

    /** A vend the provider accepted into its books (whatever its outcome), keyed by our reference. */
    public void vended(String provider, String reference) {
        vends.computeIfAbsent(provider + "/" + reference, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Same, also counted per account, so a re-vend under a new reference shows too. */
    public void vended(String provider, String reference, String account) {
        vended(provider, reference);
        if (account != null) {
            vendsByAccount.computeIfAbsent(provider + "/" + account, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    public List<Call> calls(String provider, String operation, String reference) {
        List<Call> result = new ArrayList<>();
        for (Call c : calls) {
            if ((provider == null || provider.equals(c.provider()))
                    && (operation == null || operation.equals(c.operation()))
                    && (reference == null || reference.equals(c.reference()))) {
                result.add(c);
            }
        }
        return result;
    }

    public int vendCount(String provider, String reference) {
        AtomicInteger n = vends.get(provider + "/" + reference);
        return n == null ? 0 : n.get();
    }

    public int vendCountForAccount(String provider, String account) {
        AtomicInteger n = vendsByAccount.get(provider + "/" + account);
        return n == null ? 0 : n.get();
    }

    /** Vend requests received for a reference, accepted or not (a resend with the same reference shows here). */
    public int vendRequests(String provider, String reference) {
        return calls(provider, "vend", reference).size();
    }

    public int maxVendsPerReference() {
        return vends.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    public int vendedReferences() {
        return vends.size();
    }

    public void reset() {
        calls.clear();
        vends.clear();
        vendsByAccount.clear();
    }
}
