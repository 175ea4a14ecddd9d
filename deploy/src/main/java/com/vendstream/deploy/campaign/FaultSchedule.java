package com.vendstream.deploy.campaign;

import com.vendstream.deploy.ProcessStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * The faults of a run, drawn from the seed: each fires once the clients have placed a drawn number of
 * requests, one after the other. A kill is {@code kill -9} of one part, then a drawn pause, then the
 * restart (awaited until healthy). While a killed part is down the clients go on up to the next fault's
 * moment and then wait, so that every kill meets orders in flight before and after it.
 */
final class FaultSchedule {

    enum Type { KILL, PROVIDER_FAULT, SLOW_REPLIES, NORMAL_REPLIES, POISON }

    /**
     * One fault. For a kill, {@code target} is the part; for a provider fault {@code provider/operation}
     * and {@code kind} the sandbox's scenario, {@code times} how many calls it hits.
     */
    record Fault(int at, Type type, String target, String kind, int times, Duration pause) {
        String describe() {
            return switch (type) {
                case KILL -> "kill -9 " + target + ", restart after " + pause.toMillis() / 1000.0 + " s";
                case PROVIDER_FAULT -> "sandbox: next " + times + " " + target + " answer " + kind;
                case SLOW_REPLIES -> "sandbox: " + target + " replies after " + kind;
                case NORMAL_REPLIES -> "sandbox: " + target + " replies at its usual latency";
                case POISON -> "poison records on the checkout topic";
            };
        }
    }

    /** What happened when a kill was carried out. */
    record Kill(String part, int at, Instant killedAt, Instant restartedAt, long pidBefore, long pidAfter,
                String restartFailure) {
    }

    /** The sandbox's provider faults the campaign arms: every transport fault a provider's reply can have. */
    private static final List<String[]> PROVIDER_FAULTS = List.of(
            new String[] {"vtpass/vend", "TIMEOUT_AFTER_PROCESSING", "3"},
            new String[] {"vtpass/vend", "SERVER_ERROR", "3"},
            new String[] {"vtpass/vend", "TOO_MANY_REQUESTS", "3"},
            new String[] {"vtpass/vend", "GARBAGE", "3"},
            new String[] {"vtpass/vend", "HTML_PAGE", "3"},
            new String[] {"vtpass/vend", "CONNECTION_RESET", "3"},
            new String[] {"vtpass/requery", "SERVER_ERROR", "3"},
            new String[] {"vtpass/requery", "HTML_PAGE", "2"},
            new String[] {"pay4power/*", "CONNECTION_RESET", "2"},
            new String[] {"dollr/collection", "TOO_MANY_REQUESTS", "2"},
            new String[] {"dollr/status", "SERVER_ERROR", "2"});

    private final List<Fault> faults;
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private volatile int completed;

    private FaultSchedule(List<Fault> faults) {
        this.faults = faults;
    }

    /**
     * @param requests       the run's planned requests; faults fire between 5 % and 90 % of them
     * @param killsPerService kills of each of the four services; the broker, the store, and everything but the
     *                        sandbox at once, are killed once each
     */
    static FaultSchedule draw(Random random, int requests, int killsPerService, Duration minPause, Duration maxPause,
                              boolean providerFaults) {
        List<Fault> faults = new ArrayList<>();
        int from = Math.max(1, requests / 20);
        int span = Math.max(1, requests * 9 / 10 - from);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < killsPerService; i++) {
            parts.addAll(ProcessStack.SERVICES);
        }
        parts.add(ProcessStack.KAFKA);
        parts.add(ProcessStack.STORE);
        parts.add(ProcessStack.EVERYTHING);
        long pauseSpan = Math.max(0, maxPause.toMillis() - minPause.toMillis());
        for (String part : parts) {
            Duration pause = minPause.plusMillis(pauseSpan == 0 ? 0 : (long) (random.nextDouble() * pauseSpan));
            faults.add(new Fault(from + random.nextInt(span), Type.KILL, part, null, 0, pause));
        }
        if (providerFaults) {
            for (String[] f : PROVIDER_FAULTS) {
                faults.add(new Fault(from + random.nextInt(span), Type.PROVIDER_FAULT, f[0], f[1],
                        Integer.parseInt(f[2]), Duration.ZERO));
            }
            int slow = from + random.nextInt(span);
            faults.add(new Fault(slow, Type.SLOW_REPLIES, "vtpass", "PT3S", 0, Duration.ZERO));
            faults.add(new Fault(Math.min(requests - 1, slow + Math.max(5, requests / 50)), Type.NORMAL_REPLIES,
                    "vtpass", null, 0, Duration.ZERO));
        }
        faults.add(new Fault(from + random.nextInt(span), Type.POISON, "checkout", null, 0, Duration.ZERO));
        faults.sort(Comparator.comparingInt(Fault::at));
        return new FaultSchedule(List.copyOf(faults));
    }

    List<Fault> faults() {
        return faults;
    }

    List<Kill> kills() {
        return List.copyOf(kills);
    }

    List<String> log() {
        return List.copyOf(log);
    }

    /**
     * Holds a client back before request {@code index} while the fault before that moment is still under way.
     */
    void awaitTurn(int index) {
        synchronized (this) {
            while (index >= limit()) {
                try {
                    wait(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private int limit() {
        int next = completed + 1;
        return next < faults.size() ? faults.get(next).at() : Integer.MAX_VALUE;
    }

    /** Carries out every fault at its moment; returns when the last one is done (restarted). */
    void run(IntSupplier placed, FaultActions actions) {
        for (Fault f : faults) {
            while (placed.getAsInt() < f.at()) {
                pause(Duration.ofMillis(100));
            }
            String line = String.format("%s  after %d requests: %s", Instant.now(), placed.getAsInt(), f.describe());
            log.add(line);
            System.out.println("  " + line);
            try {
                carryOut(f, actions);
            } catch (RuntimeException e) {
                log.add("  failed: " + e);
                System.out.println("    failed: " + e);
            }
            synchronized (this) {
                completed++;
                notifyAll();
            }
        }
    }

    private void carryOut(Fault f, FaultActions actions) {
        switch (f.type()) {
            case KILL -> {
                long before = actions.pid(f.target());
                Instant killedAt = Instant.now();
                actions.kill(f.target());
                pause(f.pause());
                String failure = null;
                for (int attempt = 1; attempt <= 3; attempt++) {
                    try {
                        actions.restart(f.target());
                        failure = null;
                        break;
                    } catch (RuntimeException e) {
                        failure = e.getMessage();
                        System.out.println("    restart of " + f.target() + " failed (" + attempt + "): " + failure);
                    }
                }
                kills.add(new Kill(f.target(), f.at(), killedAt, Instant.now(), before, actions.pid(f.target()),
                        failure));
            }
            case PROVIDER_FAULT -> {
                String[] po = f.target().split("/");
                actions.providerFault(po[0], po[1], f.kind(), f.times());
            }
            case SLOW_REPLIES -> actions.latency(f.target(), Duration.parse(f.kind()));
            case NORMAL_REPLIES -> actions.latency(f.target(), null);
            case POISON -> actions.poison();
        }
    }

    /** What the schedule does to the running system. */
    interface FaultActions {
        void kill(String part);

        void restart(String part);

        long pid(String part);

        void providerFault(String provider, String operation, String kind, int times);

        /** @param latency null for the provider's usual latency */
        void latency(String provider, Duration latency);

        void poison();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
