package com.vendstream.order.catalog;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CatalogSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers' live catalogues, cached per provider and scope (a Pagamio sub-merchant, or the whole
 * account). Reads never call a provider: an order placement must not wait on a catalogue listing, so a
 * key not fetched yet answers "unknown" and is fetched in the background. A failed fetch keeps the
 * last good listing (an outage of a catalogue endpoint is not "sells nothing") and records the error.
 */
public class ProviderCatalogs {

    private static final Logger log = LoggerFactory.getLogger(ProviderCatalogs.class);

    /** One listing: a provider, and its sub-account or null for the whole account. */
    public record Key(String provider, String scope) {
    }

    /**
     * What is known of one listing. {@code offers} is null until a fetch has succeeded; {@code lastError}
     * is the cause of the latest failed fetch (null once one succeeds again).
     */
    public record Snapshot(Key key, List<CatalogOffer> offers, Instant fetchedAt, Instant attemptedAt,
                           String lastError) {
        public boolean known() {
            return offers != null;
        }
    }

    private final Map<String, CatalogSource> sources;
    private final Clock clock;
    private final Duration refreshEvery;
    private final LoadingCache<Key, Snapshot> cache;
    private final Executor executor;

    public ProviderCatalogs(Collection<CatalogSource> sources, Duration refreshEvery, Clock clock, Executor executor) {
        this.sources = sources.stream().collect(Collectors.toMap(CatalogSource::id, Function.identity(), (a, b) -> a));
        this.clock = clock;
        this.refreshEvery = refreshEvery;
        this.executor = executor;
        this.cache = Caffeine.newBuilder().executor(executor).build(new CacheLoader<>() {
            @Override
            public Snapshot load(Key key) {
                return fetch(key, null);
            }

            @Override
            public Snapshot reload(Key key, Snapshot old) {
                return fetch(key, old);
            }
        });
    }

    public boolean publishes(String provider) {
        return sources.containsKey(provider);
    }

    /** The cached listing, or empty (and a background fetch started) when none has been attempted. */
    public Optional<Snapshot> current(String provider, String scope) {
        Key key = new Key(provider, scope);
        Snapshot snapshot = cache.getIfPresent(key);
        if (snapshot == null && publishes(provider)) {
            cache.refresh(key);
        }
        return Optional.ofNullable(snapshot);
    }

    /**
     * Refetches the keys that are missing, failed last time, or older than the refresh interval; the
     * returned future completes when those fetches have finished (the scheduler ignores it, start-up
     * and tests wait on it).
     */
    public CompletableFuture<Void> refreshDue(Collection<Key> keys) {
        Instant now = clock.instant();
        CompletableFuture<?>[] running = keys.stream().filter(k -> publishes(k.provider())).filter(k -> {
            Snapshot s = cache.getIfPresent(k);
            return s == null || s.lastError() != null || s.fetchedAt() == null
                    || !s.fetchedAt().plus(refreshEvery).isAfter(now);
        }).map(this::fetchAndStore).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(running);
    }

    /** Refetches these listings now, whatever their age (operators and tests); completes when done. */
    public CompletableFuture<Void> refresh(Collection<Key> keys) {
        return CompletableFuture.allOf(keys.stream().filter(k -> publishes(k.provider())).map(this::fetchAndStore)
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Fetches one listing on the fetch threads and stores it; completes once it is stored. Not
     * Caffeine's refresh: that hands back a refresh already in flight, possibly one that started before
     * what the caller wants to see (and completes before its value is in the cache), so "refresh, then
     * read" could read the old listing. Caffeine still coalesces the first load of a key read before
     * any fetch ({@link #current}).
     */
    private CompletableFuture<Void> fetchAndStore(Key key) {
        return CompletableFuture.runAsync(() -> cache.put(key, fetch(key, cache.getIfPresent(key))), executor);
    }

    public List<Snapshot> snapshots() {
        return List.copyOf(cache.asMap().values());
    }

    private Snapshot fetch(Key key, Snapshot old) {
        Instant at = clock.instant();
        try {
            List<CatalogOffer> offers = List.copyOf(sources.get(key.provider()).offers(key.scope()));
            if (offers.isEmpty() && old != null && old.known() && !old.offers().isEmpty()) {
                // A listing that suddenly empties is far likelier a changed or broken reply than a provider
                // that stopped selling everything: keep the last one until a person looks.
                throw new IllegalStateException("the listing came back empty");
            }
            log.info("Catalogue of {}{}: {} offers", key.provider(), key.scope() == null ? "" : " for " + key.scope(),
                    offers.size());
            return new Snapshot(key, offers, at, at, null);
        } catch (RuntimeException e) {
            // Keep what was last listed: a catalogue outage must not take the provider's products off sale.
            log.warn("Catalogue of {}{} not refreshed: {}", key.provider(), key.scope() == null ? "" : " for " + key.scope(),
                    e.toString());
            String error = e.getMessage() != null ? e.getMessage() : e.toString();
            return old == null || !old.known() ? new Snapshot(key, null, null, at, error)
                    : new Snapshot(key, old.offers(), old.fetchedAt(), at, error);
        }
    }
}
