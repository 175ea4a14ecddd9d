package com.vendstream.poller.requery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-memory timers for the schedules this instance drives, each set to fire at the schedule's next
 * due time. Storage is read only when a partition is assigned (to load its schedules) and when a
 * timer fires (to claim that one schedule): never polled. Schedules belong to the instance that owns
 * their source partition; when a partition is revoked its timers are dropped and the new owner
 * loads them from storage.
 */
public class DueTimers {

    private static final Logger log = LoggerFactory.getLogger(DueTimers.class);

    private record Entry(String provider, State state, Owner owner, ScheduledFuture<?> future) {
    }

    private final Clock clock;
    private final ScheduledExecutorService ticker;
    private final ExecutorService workers;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Set<Owner> owned = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> onDue = id -> { };

    public DueTimers(Clock clock, int threads) {
        this.clock = clock;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "requery-timer"));
        this.workers = Executors.newFixedThreadPool(threads, r -> daemon(r, "requery"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** What to run (on a worker thread) when a schedule falls due. */
    public void onDue(Consumer<String> handler) {
        this.onDue = handler;
    }

    public boolean owns(Owner owner) {
        return owned.contains(owner);
    }

    /** This instance now drives these partitions' schedules. */
    public void assigned(Collection<Owner> owners, java.util.function.Function<Owner, Collection<Requery>> load) {
        for (Owner owner : owners) {
            if (owned.add(owner)) {
                load.apply(owner).forEach(this::ensure);
            }
        }
    }

    /** Another instance drives these partitions' schedules from now on. */
    public synchronized void revoked(Collection<Owner> owners) {
        owned.removeAll(owners);
        entries.entrySet().removeIf(e -> {
            if (owners.contains(e.getValue().owner())) {
                e.getValue().future().cancel(false);
                return true;
            }
            return false;
        });
    }

    /**
     * Sets (or resets) the schedule's timer from its stored state: at its next due time, or when a
     * lease another holder has on it runs out. A schedule with nothing due, or owned elsewhere, has
     * no timer here.
     */
    public void ensure(Requery r) {
        Instant due = r.nextDueAt();
        if (due == null || !owned.contains(r.owner())) {
            cancel(r.id());
            return;
        }
        Instant lease = r.leaseUntil();
        if (lease != null && lease.isAfter(due)) {
            due = lease;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        String id = r.id();
        // Locked against fire(): a timer due at once must find its entry, or it would be lost.
        synchronized (this) {
            if (!owned.contains(r.owner())) {
                return;
            }
            try {
                ScheduledFuture<?> future = ticker.schedule(() -> fire(id), delay, TimeUnit.MILLISECONDS);
                Entry previous = entries.put(id, new Entry(r.provider(), r.state(), r.owner(), future));
                if (previous != null) {
                    previous.future().cancel(false);
                }
            } catch (RejectedExecutionException e) {
                log.debug("Timers stopped; schedule {} not set", id);
            }
        }
    }

    private void fire(String id) {
        Entry entry;
        synchronized (this) {
            entry = entries.get(id);
        }
        if (entry == null || !owned.contains(entry.owner())) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    onDue.accept(id);
                } catch (RuntimeException e) {
                    // The schedule is still in storage; a failed step is retried a little later.
                    log.warn("Requery step for {} failed: {}", id, e.toString());
                    retryLater(id, entry);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Workers stopped; requery {} left to the next owner", id);
        }
    }

    private synchronized void retryLater(String id, Entry entry) {
        try {
            ScheduledFuture<?> future = ticker.schedule(() -> fire(id), 5, TimeUnit.SECONDS);
            entries.computeIfPresent(id, (k, old) -> new Entry(old.provider(), old.state(), old.owner(), future));
        } catch (RejectedExecutionException ignored) {
            // shutting down
        }
    }

    public synchronized void cancel(String id) {
        Entry previous = entries.remove(id);
        if (previous != null) {
            previous.future().cancel(false);
        }
    }

    /** Escalated schedules this instance drives for a provider (instances own disjoint sets, so they sum). */
    public long escalated(String provider) {
        return entries.values().stream().filter(e -> e.state() == State.ESCALATED && e.provider().equals(provider))
                .count();
    }

    /** How many source partitions this instance drives. */
    public int owned() {
        return owned.size();
    }

    public int scheduled() {
        return entries.size();
    }

    public void shutdown() {
        ticker.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
