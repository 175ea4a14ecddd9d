package com.vendstream.deploy.campaign;

import com.vendstream.deploy.LocalStack;
import com.vendstream.deploy.ProcessStack;
import com.vendstream.deploy.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.SerializationFeature;

/**
 * The fault campaign: a fresh stack with every part in its own process, N orders from concurrent
 * clients (the load run's outcome accounts and the other providers, wallet and mobile-money orders,
 * top-ups, checkout events some of which are sent twice), while the schedule drawn from the seed
 * kills each service, the broker and the store ({@code kill -9}) and restarts them, arms the sandbox's
 * provider faults and puts poison on the checkout topic. When everything has settled the {@link Audit}
 * holds the system to what the clients were told; the result is printed and written to
 * {@code <data>/campaign/result.json}. Exits 1 if any "must" fails.
 *
 * <pre>fault-campaign.sh [--orders N] [--seed S] [--data-dir DIR] [--clients C] [--kills-per-service K]
 *                   [--pause-seconds MIN-MAX] [--settle-minutes M] [--quiet-minutes Q]</pre>
 * The audit begins once no order is moving, once those still moving have not changed for Q minutes
 * (default 3), or after M minutes (default 20).
 */
public final class FaultCampaign {

    /** What a run does; {@link #parse} reads the command line. */
    public record Options(int orders, long seed, Path dataDir, int clients, int killsPerService, Duration minPause,
                          Duration maxPause, Duration settleLimit, Duration quiet, boolean providerFaults) {

        static final String USAGE = "usage: fault-campaign.sh [--orders N] [--seed S] [--data-dir DIR] [--clients C]"
                + " [--kills-per-service K] [--pause-seconds MIN-MAX] [--settle-minutes M]"
                + " [--quiet-minutes Q]";

        public static Options parse(String... args) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
                }
                if (eq > 0) {
                    a.put(arg.substring(2, eq), arg.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    a.put(arg.substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
                }
            }
            List<String> known = List.of("orders", "seed", "data-dir", "clients", "kills-per-service", "pause-seconds",
                    "settle-minutes", "quiet-minutes");
            for (String key : a.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("unknown argument --" + key + "\n" + USAGE);
                }
            }
            String[] pause = a.getOrDefault("pause-seconds", "1-15").split("-");
            return new Options(Integer.parseInt(a.getOrDefault("orders", "10000")),
                    a.containsKey("seed") ? Long.parseLong(a.get("seed")) : ThreadLocalRandom.current().nextLong(1L << 40),
                    Path.of(a.getOrDefault("data-dir", ".vendstream-campaign")).toAbsolutePath(),
                    Integer.parseInt(a.getOrDefault("clients", "16")),
                    Integer.parseInt(a.getOrDefault("kills-per-service", "3")),
                    Duration.ofSeconds(Long.parseLong(pause[0])),
                    Duration.ofSeconds(Long.parseLong(pause[pause.length - 1])),
                    Duration.ofMinutes(Long.parseLong(a.getOrDefault("settle-minutes", "20"))),
                    Duration.ofMinutes(Long.parseLong(a.getOrDefault("quiet-minutes", "3"))), true);
        }
    }

    private FaultCampaign() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Object> result = run(options);
        // Kafka clients leave non-daemon threads; the campaign owns the process.
        System.exit(Boolean.TRUE.equals(result.get("passed")) ? 0 : 1);
    }

    /** Runs the campaign on a fresh data folder and returns the result (also written as JSON). */
    public static Map<String, Object> run(Options o) throws Exception {
        Instant started = Instant.now();
        System.out.printf("fault campaign: %d orders, %d clients, seed %d (repeat with --seed %d), data in %s%n",
                o.orders(), o.clients(), o.seed(), o.seed(), o.dataDir());
        RunFolder.fresh(o.dataDir(), "campaign");
        Map<String, Object> settings = new LinkedHashMap<>(LocalStack.settings(o.dataDir()));
        // The load mix repeats accounts; VTpass's 019 window would refuse them as likely duplicates.
        settings.put("vendstream.sandbox.vtpass.duplicate-window", "0s");
        // An order whose event to vend-service or status-poller a kill lost is asked about again after this
        // (PT10M in production); the audit starts once orders have been still for --quiet-minutes, so the
        // campaign asks sooner. Still longer than vend-service's lease (PT2M): a vend in flight is not asked.
        settings.put("vendstream.order.republish-after", "PT2M30S");
        // A collection call that a kill cut off is followed by status once its in-flight mark runs out (PT10M in
        // production, far beyond the quiet window): the collection may have completed at Dollr, and until it is
        // followed no payment event names its reference. A minute is still far longer than any Dollr call here.
        settings.put("vendstream.payments.retry.in-flight-for", "PT1M");
        ProcessStack stack = ProcessStack.start(o.dataDir(), ProcessStack.Ports.free(), settings, List.of());
        System.out.printf("stack up in %.1f s: %s%n", Duration.between(started, Instant.now()).toMillis() / 1000.0,
                stack.urls());
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            String runId = Long.toString(o.seed(), 36);
            String orderApi = stack.url("order-service");
            String sandbox = stack.url(ProcessStack.SANDBOX);
            String registry = stack.url(ProcessStack.REGISTRY);
            List<String> customerWallets = openCustomerWallets(orderApi, runId, 8);
            Random random = new Random(o.seed());
            List<Customers.Planned> plan = Customers.plan(o.orders(), random, runId, customerWallets);
            FaultSchedule schedule = FaultSchedule.draw(random, plan.size(), o.killsPerService(), o.minPause(),
                    o.maxPause(), o.providerFaults());
            System.out.println("faults (" + schedule.faults().size() + "), each once the clients have placed the "
                    + "given number of requests:");
            schedule.faults().forEach(f -> System.out.printf("  at %5d  %s%n", f.at(), f.describe()));

            Http http = new Http();
            String usualLatency = http.get(sandbox + "/sandbox/admin/latency?provider=vtpass", null,
                    Duration.ofSeconds(10)).body().path("latency").asString("PT0.02S");
            List<String> poisonKeys = new CopyOnWriteArrayList<>();
            Customers customers = new Customers(orderApi, stack.bootstrapServers(), registry);
            AtomicInteger placed = new AtomicInteger();
            Thread faults = new Thread(() -> schedule.run(placed::get, new FaultSchedule.FaultActions() {
                @Override
                public void kill(String part) {
                    stack.kill(part);
                }

                @Override
                public void restart(String part) {
                    stack.restart(part);
                }

                @Override
                public long pid(String part) {
                    return stack.pid(part);
                }

                @Override
                public void providerFault(String provider, String operation, String kind, int times) {
                    admin(http, () -> http.post(sandbox + "/sandbox/admin/faults?provider=" + provider + "&operation="
                            + operation + "&kind=" + kind + "&times=" + times, null, null, Duration.ofSeconds(10)));
                }

                @Override
                public void latency(String provider, Duration latency) {
                    admin(http, () -> http.put(sandbox + "/sandbox/admin/latency?provider=" + provider + "&value="
                            + (latency == null ? usualLatency : latency), Duration.ofSeconds(10)));
                }

                @Override
                public void poison() {
                    try {
                        poisonKeys.addAll(Customers.poison(stack.bootstrapServers(), runId));
                    } catch (Exception e) {
                        throw new IllegalStateException("poison records not produced: " + e, e);
                    }
                }
            }), "fault-schedule");
            faults.start();
            Instant loadStarted = Instant.now();
            List<Customers.Outcome> outcomes = customers.run(plan, o.clients(), schedule::awaitTurn, () -> {
                int n = placed.incrementAndGet();
                if (n % 500 == 0) {
                    System.out.printf("  %d requests answered%n", n);
                }
            });
            faults.join();
            Duration placing = Duration.between(loadStarted, Instant.now());
            // The providers behave again before the audit: reconciliation reads their reports.
            admin(http, () -> http.delete(sandbox + "/sandbox/admin/faults", Duration.ofSeconds(10)));
            System.out.printf("placed in %.1f s; waiting until every order has settled (at most %s)%n",
                    placing.toMillis() / 1000.0, o.settleLimit());

            Audit audit = new Audit(orderApi, sandbox, stack.url("reconciliation-service"), stack.bootstrapServers(),
                    registry);
            audit.run(outcomes, customerWallets, schedule.kills(), poisonKeys, customers.duplicatesSent(),
                    o.settleLimit(), o.quiet());

            result.put("seed", o.seed());
            result.put("orders", o.orders());
            result.put("clients", o.clients());
            result.put("machine", RunFolder.machine());
            result.put("startedAt", started.toString());
            result.put("placingSeconds", placing.toSeconds());
            result.put("faults", schedule.log());
            result.putAll(audit.result);
            result.put("totalSeconds", Duration.between(started, Instant.now()).toSeconds());
            Path out = Files.createDirectories(o.dataDir().resolve("campaign")).resolve("result.json");
            Http.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
            System.out.println(summary(result, audit));
            System.out.println("result: " + out);
            return result;
        } finally {
            stack.close();
        }
    }

    private interface Call {
        Http.Reply call() throws Exception;
    }

    private static void admin(Http http, Call call) {
        try {
            Http.Reply r = call.call();
            if (!r.ok()) {
                throw new IllegalStateException("sandbox admin API answered " + r.status());
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Customers' NGN wallets (no PIN), funded by the run's top-ups from the float. */
    private static List<String> openCustomerWallets(String orderApi, String runId, int n) throws Exception {
        Http http = new Http();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Http.Reply r = http.post(orderApi + "/v1/wallets", Customers.API_KEY,
                    Map.of("customerId", "campaign-" + runId + "-" + i, "currency", "NGN"), Duration.ofSeconds(30));
            if (!r.ok()) {
                throw new IllegalStateException("opening a customer's wallet was answered " + r.status());
            }
            ids.add(r.body().path("walletId").asString());
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> r, Audit audit) {
        StringBuilder sb = new StringBuilder("\nFault campaign, seed ").append(r.get("seed")).append('\n');
        Map<String, Object> requests = (Map<String, Object>) r.get("requests");
        sb.append("  requests: ").append(requests).append('\n');
        sb.append("  orders by state: ").append(r.get("ordersByState")).append('\n');
        sb.append("  not terminal: ").append(((List<?>) r.get("ordersNotTerminal")).size()).append('\n');
        sb.append("  mobile money: ").append(r.get("mobileMoney")).append('\n');
        sb.append("  reconciliation: ").append(r.get("reconciliation")).append('\n');
        sb.append("  dead letters: ").append(r.get("deadLetters")).append('\n');
        sb.append("  wallets:\n");
        for (Map<String, Object> w : (List<Map<String, Object>>) r.get("wallets")) {
            sb.append(String.format("    %-40s %d + %d - %d - %d - %d = %d, balance %d  %s%n", w.get("walletId"),
                    w.get("opening"), w.get("topUpsIn"), w.get("topUpsOut"), w.get("keptDebits"), w.get("held"),
                    w.get("expectedBalance"), w.get("balance"), Boolean.TRUE.equals(w.get("exact")) ? "exact" : "WRONG"));
        }
        sb.append("  kills (down for, orders settle again after):\n");
        for (Map<String, Object> k : (List<Map<String, Object>>) r.get("kills")) {
            sb.append(String.format("    %-24s after %5s requests: down %6.1f s, settle again after %s s%n",
                    k.get("part"), k.get("afterRequests"), (Double) k.get("downSeconds"),
                    k.get("ordersSettleAgainAfterSeconds")));
        }
        sb.append("  musts:\n");
        audit.musts.forEach((name, m) -> sb.append(String.format("    %-4s %-75s %s (must be %s)%n",
                Boolean.TRUE.equals(m.get("ok")) ? "ok" : "FAIL", name, m.get("value"), m.get("required"))));
        sb.append(audit.passed() ? "PASSED" : "FAILED").append(String.format(" in %s s%n", r.get("totalSeconds")));
        return sb.toString();
    }
}
