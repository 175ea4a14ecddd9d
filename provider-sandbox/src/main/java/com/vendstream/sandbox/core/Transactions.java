package com.vendstream.sandbox.core;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Every provider's books: the transactions the sandbox really performed, one per (provider, reference).
 * Creating is atomic per reference, so two concurrent vends with one reference can never both vend;
 * the loser gets the original back and answers as its provider documents (014, the original, 409 ...).
 */
@Component
public class Transactions {

    /** The result of {@link #create}: the transaction under the reference, and whether this call made it. */
    public record Created(SandboxTransaction transaction, boolean fresh) {
    }

    private final Map<String, SandboxTransaction> byReference = new ConcurrentHashMap<>();
    private final CallRecord record;
    private final Clock clock;

    @Autowired
    public Transactions(CallRecord record) {
        this(record, Clock.systemUTC());
    }

    Transactions(CallRecord record, Clock clock) {
        this.record = record;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * Records a vend under {@code reference} unless one exists; only a fresh one counts as a vend in the
     * call record. The factory runs at most once per reference.
     */
    public Created create(String provider, String reference, Supplier<SandboxTransaction> factory) {
        boolean[] fresh = {false};
        SandboxTransaction tx = byReference.computeIfAbsent(key(provider, reference), k -> {
            fresh[0] = true;
            return factory.get();
        });
        if (fresh[0]) {
            record.vended(provider, reference, tx.account());
        }
        return new Created(tx, fresh[0]);
    }

    public SandboxTransaction find(String provider, String reference) {
        return reference == null ? null : byReference.get(key(provider, reference));
    }

    /** A provider's transactions, oldest first; {@code day} (in {@code zone}) narrows to one business day. */
    public List<SandboxTransaction> list(String provider, LocalDate day, ZoneId zone) {
        List<SandboxTransaction> out = new ArrayList<>();
        for (SandboxTransaction tx : byReference.values()) {
            if ((provider == null || provider.equals(tx.provider()))
                    && (day == null || tx.createdAt().atZone(zone).toLocalDate().equals(day))) {
                out.add(tx);
            }
        }
        out.sort(Comparator.comparing(SandboxTransaction::createdAt).thenComparing(SandboxTransaction::reference));
        return out;
    }

    public void reset() {
        byReference.clear();
    }

    private static String key(String provider, String reference) {
        return provider + "/" + reference;
    }
}
