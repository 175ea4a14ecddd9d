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

    /** One request: what was asked and what the sandbox did with it. */
    public record Call(String provider, String operation, String reference, String account, String outcome,
                       Instant at) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> vends = new ConcurrentHashMap<>();

    public void call(String provider, String operation, String reference, String account, String outcome) {
        calls.add(new Call(provider, operation, reference, account, outcome, Instant.now()));
    }

    /** A vend the provider really performed (value delivered or being delivered), keyed by our reference. */
    public void vended(String provider, String reference) {
        vends.computeIfAbsent(provider + "/" + reference, k -> new AtomicInteger()).incrementAndGet();
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

    public int maxVendsPerReference() {
        return vends.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    public int vendedReferences() {
        return vends.size();
    }

    public void reset() {
        calls.clear();
        vends.clear();
    }
}
