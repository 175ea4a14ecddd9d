package com.vendstream.providers.pawacard;

import com.vendstream.providers.support.TokenCache;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pawacard {@code ref}s, unique by construction in the 12 digits of the seed's example
 * ("370474587102"; the seed states no other rule, and answers 103 "Bad reference number" to a ref it
 * dislikes). A repeated ref is answered with the original transaction, so a collision would hand one
 * order another order's token: random digits are not enough.
 *
 * <p>Layout: two digits of node ({@code 10 + node}, node 0..89, one per process that vends through
 * Pawacard; never a leading zero, in case Pawacard stores refs as numbers), then ten digits of ticks:
 * tenths of a second since 2025-01-01T00:00Z. A process hands out each tick once: the later of the
 * current tick and the one after the last it gave. So one process never repeats itself (even if its
 * clock steps back), and two processes differ in the node.
 *
 * <p>Capacity: 10 references a second per node sustained. A burst may run ahead of the clock by at
 * most {@code maxAhead} (1 s, i.e. 10 references); beyond that {@link #next()} waits for the clock, so
 * a process restarted on the same node more than {@code maxAhead} later cannot reissue a reference.
 * Ten digits of tenths of a second last until September 2056.
 *
 * <p>A process is a JVM: every connector instance in it ({@link #forNode}) shares one sequence per node
 * (the local stack runs several services, and tests many connectors, in one JVM).
 */
final class PawacardReferences {

    private static final Logger log = LoggerFactory.getLogger(PawacardReferences.class);

    static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");
    static final long TICK_MILLIS = 100;
    static final long TICKS = 10_000_000_000L;
    static final int NODES = 90;

    private static final ConcurrentMap<Integer, PawacardReferences> PER_NODE = new ConcurrentHashMap<>();

    private final int node;
    private final Clock clock;
    private final TokenCache.Sleeper sleeper;
    private final long maxAheadTicks;
    private long last = -1;

    PawacardReferences(int node, Clock clock, TokenCache.Sleeper sleeper, Duration maxAhead) {
        if (node < 0 || node >= NODES) {
            throw new IllegalArgumentException("Pawacard reference node must be 0.." + (NODES - 1) + ", was " + node);
        }
        this.node = node;
        this.clock = clock;
        this.sleeper = sleeper;
        this.maxAheadTicks = Math.max(0, maxAhead.toMillis() / TICK_MILLIS);
    }

    /** This JVM's sequence for {@code node}, on the system clock. */
    static PawacardReferences forNode(int node) {
        return PER_NODE.computeIfAbsent(node, n -> new PawacardReferences(n, Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()), Duration.ofSeconds(1)));
    }

    synchronized String next() {
        long now = ticks(clock.instant());
        long tick = Math.max(last + 1, now);
        while (tick - now > maxAheadTicks) {
            // Running too far ahead of the clock: wait for it rather than borrow ticks a restart could reuse.
            try {
                sleeper.sleep(Duration.ofMillis((tick - now - maxAheadTicks) * TICK_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a Pawacard reference", e);
            }
            now = ticks(clock.instant());
            tick = Math.max(last + 1, now);
        }
        if (tick >= TICKS) {
            throw new IllegalStateException("Pawacard references of this layout ran out (September 2056)");
        }
        last = tick;
        return String.format("%02d%010d", 10 + node, tick);
    }

    static long ticks(Instant at) {
        return Math.max(0, (at.toEpochMilli() - EPOCH.toEpochMilli()) / TICK_MILLIS);
    }

    /**
     * The node when none is configured: a host name ending in {@code -<n>} (a Kubernetes StatefulSet
     * ordinal) gives {@code n mod 90}; any other name a hash, which two processes may share. Several
     * processes vending through Pawacard should set {@code reference-node} each.
     */
    static int defaultNode(String hostName) {
        if (hostName != null && hostName.matches(".*-\\d{1,9}")) {
            return Integer.parseInt(hostName.substring(hostName.lastIndexOf('-') + 1)) % NODES;
        }
        return Math.floorMod(hostName == null ? 0 : hostName.hashCode(), NODES);
    }

    /** This host's default node, derived (and logged) once per JVM. */
    static int defaultNode() {
        return DefaultNode.NODE;
    }

    private static final class DefaultNode {
        static final int NODE;

        static {
            String host = hostName();
            NODE = defaultNode(host);
            log.warn("Pawacard reference node not configured; using {} derived from the host name. Processes that"
                    + " vend through Pawacard must not share a node: set vendstream.providers.pawacard.reference-node",
                    NODE);
        }
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
