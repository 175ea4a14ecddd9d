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
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
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

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final Map<String, SandboxTransaction> byReference = new ConcurrentHashMap<>();
    private final CallRecord record;
    private final Clock clock;
    private final Path booksFile;

    /**
     * @param booksFile where the books are kept between runs ({@code vendstream.sandbox.books-file}); a
     *                  real provider does not forget its transactions when we restart, so the local
     *                  stack keeps them in its data folder. Empty: in memory only (tests).
     */
    @Autowired
    public Transactions(CallRecord record, @Value("${vendstream.sandbox.books-file:}") String booksFile) {
        this(record, Clock.systemUTC(), booksFile == null || booksFile.isBlank() ? null : Path.of(booksFile));
    }

    Transactions(CallRecord record, Clock clock) {
        this(record, clock, null);
    }

    Transactions(CallRecord record, Clock clock, Path booksFile) {
        this.record = record;
        this.clock = clock;
        this.booksFile = booksFile;
        load();
    }

    private static JsonMapper books() {
        // Numbers come back as the types the sandboxes stored (ids as Long, amounts as BigDecimal).
        return JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    }

    @SuppressWarnings("unchecked")
    private void load() {
        if (booksFile == null || !Files.exists(booksFile)) {
            return;
        }
        List<Map<String, Object>> saved = books().readValue(booksFile.toFile(), List.class);
        for (Map<String, Object> t : saved) {
            SandboxTransaction tx = new SandboxTransaction((String) t.get("provider"), (String) t.get("reference"),
                    (String) t.get("providerTransactionId"), (String) t.get("operation"), (String) t.get("account"),
                    ((Number) t.get("amountMinor")).longValue(), (String) t.get("currency"),
                    Scenario.valueOf((String) t.get("scenario")), Instant.parse((String) t.get("createdAt")));
            tx.restore(Scenario.Status.valueOf((String) t.get("status")), ((Number) t.get("requeries")).intValue(),
                    (Map<String, Object>) t.getOrDefault("details", Map.of()));
            byReference.put(key(tx.provider(), tx.reference()), tx);
        }
        log.info("Provider books: {} transactions loaded from {}", saved.size(), booksFile);
    }

    /** Writes the books (on a schedule and at shutdown); a crash loses at most the last interval. */
    @Scheduled(fixedDelayString = "${vendstream.sandbox.books-save-interval:5s}")
    @PreDestroy
    public synchronized void save() {
        if (booksFile == null) {
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (SandboxTransaction tx : byReference.values()) {
            Map<String, Object> t = new java.util.LinkedHashMap<>();
            t.put("provider", tx.provider());
            t.put("reference", tx.reference());
            t.put("providerTransactionId", tx.providerTransactionId());
            t.put("operation", tx.operation());
            t.put("account", tx.account());
            t.put("amountMinor", tx.amountMinor());
            t.put("currency", tx.currency());
            t.put("scenario", tx.scenario().name());
            t.put("createdAt", tx.createdAt().toString());
            t.put("status", tx.status().name());
            t.put("requeries", tx.requeries());
            t.put("details", tx.details());
            out.add(t);
        }
        try {
            Files.createDirectories(booksFile.toAbsolutePath().getParent());
            Path next = booksFile.resolveSibling(booksFile.getFileName() + ".next");
            books().writeValue(next.toFile(), out);
            Files.move(next, booksFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            log.warn("Provider books not saved to {}: {}", booksFile, e.toString());
        }
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
