package com.vendstream.order.catalog;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.CatalogSource;
import com.vendstream.providers.guard.GuardedConnectors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers' live catalogues, cached per provider and scope (a Pagamio sub-merchant, or the whole
 * account). Reads never call a provider: an order placement must not wait on a catalogue listing, so a
 * key not fetched yet answers "unknown" and is fetched in the background. A failed fetch keeps the
 * last good listing (an outage of a catalogue endpoint is not "sells nothing") and records the error.
 *
 * <p>A listing that keeps failing is retried at every check (a minute by default) but reported once:
 * one WARN when it goes down, one INFO when it is back; meanwhile the gauge
 * {@code vendstream.catalog.source.up{provider,scope}} (1 up, 0 down) and the counter
 * {@code vendstream.catalog.fetch.failures{provider,scope}} say how it stands.
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
    private final GuardedConnectors guards;
    private final Clock clock;
    private final Duration refreshEvery;
    private final LoadingCache<Key, Snapshot> cache;
    private final Executor executor;
    private final MeterRegistry meters;
    private final Map<Key, ListingState> states = new ConcurrentHashMap<>();

    /** Without metrics that anyone reads (tools and tests that only look at listings). */
    public ProviderCatalogs(Collection<CatalogSource> sources, Duration refreshEvery, Clock clock, Executor executor) {
        this(sources, refreshEvery, clock, executor, new SimpleMeterRegistry());
    }

    /** Unguarded: each fetch goes straight to its source (tools, and tests of the listings alone). */
    public ProviderCatalogs(Collection<CatalogSource> sources, Duration refreshEvery, Clock clock, Executor executor,
                            MeterRegistry meters) {
        this(sources, null, refreshEvery, clock, executor, meters);
    }

    /**
     * @param guards the providers' guards every fetch goes through (one breaker and bulkhead per provider, this
     *               service's own); each source must be one of their connectors. A fetch they keep back is a
     *               failed fetch that never reached the provider: the last good listing is kept.
     */
    public ProviderCatalogs(Collection<CatalogSource> sources, GuardedConnectors guards, Duration refreshEvery,
                            Clock clock, Executor executor, MeterRegistry meters) {
        if (guards != null) {
            sources.stream().map(CatalogSource::id).filter(id -> guards.connector(id).isEmpty()).findFirst()
                    .ifPresent(id -> {
                        throw new IllegalArgumentException("Catalogue source " + id + " has no guards");
                    });
        }
        this.guards = guards;
        this.meters = meters;
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
            List<CatalogOffer> offers = List.copyOf(offers(key));
            if (offers.isEmpty() && old != null && old.known() && !old.offers().isEmpty()) {
                // A listing that suddenly empties is far likelier a changed or broken reply than a provider
                // that stopped selling everything: keep the last one until a person looks.
                throw new IllegalStateException("the listing came back empty");
            }
            int before = state(key).set(UP);
            if (before == DOWN) {
                log.info("Catalogue of {} is back: {} offers", describe(key), offers.size());
            } else if (before == UNKNOWN) {
                log.info("Catalogue of {}: {} offers", describe(key), offers.size());
            } else {
                log.debug("Catalogue of {} refreshed: {} offers", describe(key), offers.size());
            }
            return new Snapshot(key, offers, at, at, null);
        } catch (RuntimeException e) {
            // Keep what was last listed: a catalogue outage must not take the provider's products off sale.
            String error = firstLine(e);
            Counter.builder("vendstream.catalog.fetch.failures").tags(tags(key))
                    .description("Failed fetches of a provider's catalogue listing").register(meters).increment();
            if (state(key).set(DOWN) != DOWN) {
                // Once per outage, not at every retry; no stack trace (the cause is the provider's answer).
                log.warn("Catalogue of {} unavailable: {}; {} until it answers (retried at every check)",
                        describe(key), error, old != null && old.known() ? "keeping the listing fetched at "
                                + old.fetchedAt() : "selling as configured");
            } else {
                log.debug("Catalogue of {} still unavailable: {}", describe(key), error);
            }
            return old == null || !old.known() ? new Snapshot(key, null, null, at, error)
                    : new Snapshot(key, old.offers(), old.fetchedAt(), at, error);
        }
    }

    /** The source's listing, through the guards when there are any; a fetch they keep back throws. */
    private List<CatalogOffer> offers(Key key) {
        CatalogSource source = sources.get(key.provider());
        if (guards == null) {
            return source.offers(key.scope());
        }
        // The breaker is the provider's, shared by every scope: a scope the provider refuses (IllegalArgumentException:
        // an unknown sub-merchant, a malformed id) says nothing about the provider being down, so it is carried out
        // past the breaker instead of counting; otherwise one bad outlet, retried every check, would keep the
        // circuit open and the provider's healthy scopes from refreshing.
        Listing listing = guards.call(key.provider(), "catalogue", () -> {
            try {
                return new Listing(source.offers(key.scope()), null);
            } catch (IllegalArgumentException refused) {
                return new Listing(null, refused);
            }
        }, keptBack -> {
            throw new IllegalStateException("listing not asked: " + keptBack.message());
        });
        if (listing.refused() != null) {
            throw listing.refused();
        }
        return listing.offers();
    }

    /** A fetched listing, or the provider's refusal of the scope. */
    private record Listing(List<CatalogOffer> offers, IllegalArgumentException refused) {
    }

    /** The guards fetches go through, if any (one breaker and bulkhead per provider). */
    public Optional<GuardedConnectors> guards() {
        return Optional.ofNullable(guards);
    }

    private static final int UNKNOWN = -1;
    private static final int DOWN = 0;
    private static final int UP = 1;

    /** Whether the latest fetch of one listing succeeded; read by its gauge. */
    private static final class ListingState {
        private final AtomicInteger value = new AtomicInteger(UNKNOWN);

        /** Sets the state and returns the one it replaces (concurrent fetches of a key see each change once). */
        int set(int now) {
            return value.getAndSet(now);
        }

        double gauge() {
            int v = value.get();
            return v == UNKNOWN ? Double.NaN : v;
        }
    }

    private ListingState state(Key key) {
        return states.computeIfAbsent(key, k -> {
            ListingState state = new ListingState();
            Gauge.builder("vendstream.catalog.source.up", state, ListingState::gauge).tags(tags(k))
                    .description("1 while the latest fetch of a catalogue listing succeeded, 0 after one failed")
                    .register(meters);
            return state;
        });
    }

    /** The whole account's listing is tagged scope "-". */
    private static Tags tags(Key key) {
        return Tags.of("provider", key.provider(), "scope", key.scope() == null ? "-" : key.scope());
    }

    private static String describe(Key key) {
        return key.provider() + (key.scope() == null ? "" : " for " + key.scope());
    }

    /**
     * The cause as one short line: a connector's message may go on with the reply's body, which is the
     * provider's to show and not the log's.
     */
    private static String firstLine(RuntimeException e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getMessage().strip().lines().findFirst().orElse("");
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
