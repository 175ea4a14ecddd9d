package com.vendstream.deploy.bench;

import com.vendstream.deploy.Demo;
import com.vendstream.deploy.LoadRun;
import com.vendstream.deploy.LocalStack;
import com.vendstream.deploy.ProcessStack;
import com.vendstream.deploy.RunFolder;
import com.vendstream.deploy.RunningStack;
import com.vendstream.deploy.SandboxRecord;
import com.vendstream.deploy.Stack;
import com.vendstream.deploy.campaign.Customers;
import com.vendstream.order.order.OrderState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark: a fresh local stack (every part its own process, or the applications in one JVM with
 * {@code --shared-jvm}) on free ports under the data folder; orders of the load run's outcome mix and the
 * campaign's mobile-money kinds, arriving open loop at a rate (or from closed-loop clients, or at rising rates
 * until a step fails with {@code --find-max}); the order lifecycle followed on the topics; consumer lag, CPU and
 * resident memory sampled; at the end the invariants (one vend per order at most, every order final) and the
 * broker's own throughput for records of the same count and size. Writes {@code <data>/bench/result.json} and
 * {@code <data>/bench/report.html}.
 */
public final class Benchmark {

    static final String BENCHMARK_PROCESS = "benchmark";
    private static final String ORDER_SERVICE = "order-service";
    private static final String VEND_SERVICE = "vend-service";
    /** Orders not final on the topics whose state the order API is asked at the end, at most. */
    private static final int ASK_AT_MOST = 500;
    /** How long a find-max step's orders may take to settle before the step is judged. */
    static final Duration STEP_DRAIN = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Object> result = run(options);
        // Kafka clients leave non-daemon threads; the benchmark owns the process.
        System.exit(Boolean.TRUE.equals(((Map<?, ?>) result.get("invariants")).get("ok")) ? 0 : 1);
    }

    /**
     * The orders of a run: the load run's mix (from the NGN load float) and the campaign's mobile-money kinds but
     * "throttled once", whose deliberate 429 and Retry-After would put a wait of a second or more into what the
     * topics show as a first call.
     */
    static List<Customers.Kind> mix() {
        Set<String> loadRun = LoadRun.MIX.stream().map(LoadRun.Mix::label).collect(Collectors.toSet());
        return Customers.kinds().stream().filter(k -> loadRun.contains(k.label())
                || k.mobileMoney() && !k.label().contains("throttled")).toList();
    }

    /**
     * The parts of a running stack the benchmark needs; {@code instances} is each service's processes by name
     * with their base URLs (one each with the applications in one JVM).
     */
    private record Parts(RunningStack stack, ProcessStack infrastructure, String orderApi, String sandbox,
                         String registry, String bootstrap, Map<String, Long> pids,
                         Map<String, Map<String, String>> instances) implements AutoCloseable {
        List<String> orderApis() {
            return List.copyOf(instances.get(ORDER_SERVICE).values());
        }

        @Override
        public void close() {
            stack.close();
            if (infrastructure != null && infrastructure != stack) {
                infrastructure.close();
            }
        }
    }

    public static Map<String, Object> run(BenchOptions o) throws Exception {
        return run(o, Map.of());
    }

    /** @param extraSettings settings for every application of the stack, above the benchmark's own (tests) */
    static Map<String, Object> run(BenchOptions o, Map<String, Object> extraSettings) throws Exception {
        Instant started = Instant.now();
        RunFolder.fresh(o.dataDir(), "bench");
        System.out.printf("benchmark: %s for %s after a warm-up of %s, %s, data in %s%n", o.load(),
                o.findMax() ? "steps of " + o.step() : o.duration(), o.warmup(), mode(o), o.dataDir());
        Map<String, Object> settings = new LinkedHashMap<>(LocalStack.settings(o.dataDir()));
        // The mix repeats accounts; VTpass's 019 window would refuse them as likely duplicates.
        settings.put("vendstream.sandbox.vtpass.duplicate-window", "0s");
        if (o.sandboxLatency() != null) {
            settings.put("vendstream.sandbox.latency.default", o.sandboxLatency().toString());
        }
        settings.putAll(extraSettings);
        try (Parts parts = start(o, settings)) {
            System.out.printf("stack up in %.1f s%n", Duration.between(started, Instant.now()).toMillis() / 1000.0);
            return measure(o, parts, started);
        }
    }

    private static Parts start(BenchOptions o, Map<String, Object> settings) {
        ProcessStack.Ports ports = ProcessStack.Ports.free();
        Map<String, Long> pids = new LinkedHashMap<>();
        if (!o.sharedJvm()) {
            ProcessStack stack = ProcessStack.start(o.dataDir(), ports, settings, List.of(), o.instances());
            stack.parts().forEach(name -> pids.put(name, stack.pid(name)));
            pids.put(BENCHMARK_PROCESS, ProcessHandle.current().pid());
            Map<String, Map<String, String>> instances = new LinkedHashMap<>();
            for (String service : ProcessStack.SERVICES) {
                Map<String, String> urls = new LinkedHashMap<>();
                stack.instances(service).forEach(name -> urls.put(name, stack.url(name)));
                instances.put(service, urls);
            }
            return new Parts(stack, stack, stack.url(ORDER_SERVICE), stack.url(ProcessStack.SANDBOX),
                    stack.url(ProcessStack.REGISTRY), stack.bootstrapServers(), pids, instances);
        }
        ProcessStack infrastructure = ProcessStack.infrastructure(o.dataDir(), ports);
        try {
            Stack stack = Stack.start(infrastructure.bootstrapServers(), infrastructure.mongoUri(), null, ports.apps(),
                    settings, List.of());
            pids.put(ProcessStack.KAFKA, infrastructure.pid(ProcessStack.KAFKA));
            pids.put(ProcessStack.STORE, infrastructure.pid(ProcessStack.STORE));
            pids.put("applications + " + BENCHMARK_PROCESS, ProcessHandle.current().pid());
            Map<String, String> urls = stack.urls();
            Map<String, Map<String, String>> instances = new LinkedHashMap<>();
            ProcessStack.SERVICES.forEach(service -> instances.put(service, Map.of(service, urls.get(service))));
            return new Parts(stack, infrastructure, urls.get(ORDER_SERVICE), urls.get(ProcessStack.SANDBOX),
                    urls.get(ProcessStack.REGISTRY), infrastructure.bootstrapServers(), pids, instances);
        } catch (RuntimeException e) {
            infrastructure.close();
            throw e;
        }
    }

    private static Map<String, Object> measure(BenchOptions o, Parts parts, Instant started) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("load", o.load());
        result.put("startedAt", started.toString());
        result.put("mode", mode(o));
        result.put("machine", RunFolder.machine());
        result.put("sandboxLatency", sandboxLatency(parts.sandbox()));
        List<Customers.Kind> mix = mix();
        result.put("mix", mix.stream().map(k -> Map.of("label", k.label(), "weight", k.weight(),
                "payment", k.mobileMoney() ? "MOBILE_MONEY" : "WALLET " + k.walletId())).toList());
        result.put("float", floatCheck(o, parts.orderApi(), mix));

        String runId = Long.toString(System.currentTimeMillis(), 36);
        ScheduledExecutorService sampling = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "benchmark-sampler");
            t.setDaemon(true);
            return t;
        });
        try (EventFollower follower = new EventFollower(parts.bootstrap(), parts.registry());
             LagSampler lag = new LagSampler(parts.bootstrap())) {
            ProcessSampler processes = new ProcessSampler(ProcessSampler.available() ? parts.pids() : Map.of());
            long every = o.sampleEvery().toMillis();
            sampling.scheduleAtFixedRate(() -> {
                lag.sample();
                processes.sample();
            }, 0, every, TimeUnit.MILLISECONDS);

            Arrivals arrivals = new Arrivals(parts.orderApis(), mix, o.seed(), runId, o.maxOutstanding(), follower);
            long warmupStart = System.currentTimeMillis();
            if (!o.warmup().isZero()) {
                System.out.printf("warm-up: %s (not measured)%n", o.warmup());
                if (o.closedLoop() > 0) {
                    arrivals.closedLoop(o.closedLoop(), o.warmup(), -1);
                } else {
                    arrivals.openLoop(o.rate(), o.warmup(), -1);
                }
            }
            long start = System.currentTimeMillis();
            List<Map<String, Object>> steps = new ArrayList<>();
            String knee = null;
            if (o.closedLoop() > 0) {
                arrivals.closedLoop(o.closedLoop(), o.duration(), 0);
            } else if (!o.findMax()) {
                arrivals.openLoop(o.rate(), o.duration(), 0);
            } else {
                knee = findMax(o, arrivals, follower, lag, steps);
            }
            long arrivalsEnd = System.currentTimeMillis();
            System.out.printf("arrivals done after %.1f s; waiting for answers and final states (at most %s)%n",
                    (arrivalsEnd - start) / 1000.0, o.settle());
            arrivals.awaitAnswers(Duration.ofSeconds(60));
            awaitFinal(arrivals, follower, o.settle());
            long settledAt = System.currentTimeMillis();
            sampling.shutdown();
            sampling.awaitTermination(30, TimeUnit.SECONDS);
            lag.sample();
            processes.sample();

            List<OrderTimeline> orders = follower.orders().stream().filter(OrderTimeline::placedByRun).toList();
            providerCalls(parts.sandbox(), orders);
            List<Arrivals.Sent> sent = arrivals.sent();

            result.put("arrivals", arrivalFigures(sent, arrivals));
            result.put("throughput", throughput(start, arrivalsEnd, o.warmup(), sent, orders, follower));
            result.put("latency", BenchResult.latency(orders));
            result.put("stages", BenchResult.stages(orders));
            result.put("timeline", BenchResult.timeline(warmupStart, settledAt, every, sent, orders,
                    follower.recordsPerSecond()));
            result.put("lag", BenchResult.lag(warmupStart, lag.samples()));
            Map<String, Object> byProcess = BenchResult.processes(warmupStart, processes.processes(), processes.pids(),
                    processes.samples(), parts.pids().containsKey(BENCHMARK_PROCESS) ? BENCHMARK_PROCESS : null);
            byProcess.putAll(cpuPerOrder(processes, orders));
            result.put("processes", byProcess);
            result.put("instances", instanceFigures(parts, arrivals));
            if (o.findMax()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("knee", knee);
                fm.put("steps", steps);
                result.put("findMax", fm);
            }
            result.put("invariants", invariants(parts, orders, unansweredButStored(parts.orderApi(), runId, sent,
                    warmupStart, follower)));
            result.put("broker", broker(parts.bootstrap(), follower, start, arrivalsEnd, orders.size()));
            result.put("totalSeconds", Duration.between(started, Instant.now()).toSeconds());
        } finally {
            sampling.shutdownNow();
        }
        Path dir = Files.createDirectories(o.dataDir().resolve("bench"));
        Path json = dir.resolve("result.json");
        Path html = dir.resolve("report.html");
        JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
        Files.writeString(html, HtmlReport.render(result));
        System.out.println(Summary.render(result));
        System.out.println("result: " + json);
        System.out.println("report: " + html);
        return result;
    }

    private static String mode(BenchOptions o) {
        if (o.sharedJvm()) {
            return "shared JVM (registry, sandbox and services in the benchmark's JVM)";
        }
        return o.instances() == 1 ? "every part its own process"
                : "every part its own process, " + o.instances() + " instances of each service";
    }

    /**
     * The stack's CPU time (every process but the benchmark's own; with {@code --shared-jvm} the benchmark's is
     * counted, as the applications share it) from the first sample to the last, over the run's orders that
     * reached a final state (warm-up included, as the CPU time is): the cost of one order.
     */
    private static Map<String, Object> cpuPerOrder(ProcessSampler processes, List<OrderTimeline> orders) {
        long cpuMillis = processes.processes().stream().filter(name -> !name.equals(BENCHMARK_PROCESS))
                .mapToLong(processes::cpuMillis).sum();
        long finals = orders.stream().filter(OrderTimeline::isFinal).count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stackCpuSeconds", BenchResult.round1(cpuMillis / 1000.0));
        m.put("stackCpuMsPerFinalOrder", finals == 0 || cpuMillis == 0 ? null : BenchResult.round1((double) cpuMillis / finals));
        return m;
    }

    /**
     * What each service instance did: orders placed through each order-service instance, and vends each
     * vend-service instance made (its {@code vendstream.vend.outcome} count), so a run shows the work was shared.
     */
    private static Map<String, Object> instanceFigures(Parts parts, Arrivals arrivals) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("perService", parts.instances().get(ORDER_SERVICE).size());
        Map<String, Object> placed = new LinkedHashMap<>();
        List<String> orderServices = List.copyOf(parts.instances().get(ORDER_SERVICE).keySet());
        for (int i = 0; i < orderServices.size(); i++) {
            placed.put(orderServices.get(i), arrivals.placedBy(i));
        }
        m.put("ordersPlacedBy", placed);
        Map<String, Object> vends = new LinkedHashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        parts.instances().get(VEND_SERVICE).forEach((name, url) -> vends.put(name, counter(http, url,
                "vendstream.vend.outcome")));
        m.put("vendsBy", vends);
        return m;
    }

    /** A counter's total from an application's metrics endpoint: 0 if it never counted, null if unreadable. */
    private static Long counter(HttpClient http, String baseUrl, String metric) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/metrics/" + metric))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return 0L;
            }
            for (JsonNode measurement : JSON.readTree(r.body()).path("measurements")) {
                if (measurement.path("statistic").asString().equals("COUNT")) {
                    return Math.round(measurement.path("value").asDouble());
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String sandboxLatency(String sandbox) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(sandbox + "/sandbox/admin/latency?provider=vtpass")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("latency").asString("?");
        } catch (Exception e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * Whether the NGN load float holds the wallet orders the run may place (rate x duration, or up to the
     * maximum rate with find-max): an order refused for funds would be measured as a rejection.
     */
    private static Map<String, Object> floatCheck(BenchOptions o, String orderApi, List<Customers.Kind> mix) {
        Map<String, Object> m = new LinkedHashMap<>();
        long weights = mix.stream().mapToLong(Customers.Kind::weight).sum();
        // Money in minor units (long): the average float debit per order of the mix, rounded up.
        long weightedMinor = mix.stream().filter(k -> !k.mobileMoney())
                .mapToLong(k -> k.weight() * k.amountMinor()).sum();
        long perOrder = Math.max(1, (weightedMinor + weights - 1) / Math.max(weights, 1));
        double seconds = o.findMax() ? o.step().toSeconds() * 12.0 : o.duration().toSeconds();
        double rate = o.closedLoop() > 0 ? 1000 : o.rate();
        long orders = Math.round(rate * seconds);
        long needed = Math.multiplyExact(perOrder, orders);
        m.put("walletId", Customers.FLOAT_NGN);
        m.put("averageWalletDebitMinor", perOrder);
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(orderApi + "/v1/wallets/" + Customers.FLOAT_NGN)).header("Authorization", "Bearer "
                    + Demo.API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            long balance = JSON.readTree(r.body()).path("balance").path("minor").asLong();
            m.put("balanceMinor", balance);
            m.put("ordersItCovers", balance / perOrder);
            if (!o.findMax() && o.closedLoop() == 0 && needed > balance) {
                System.out.printf("WARNING: the load float (%d minor) covers about %d orders of this mix; the run may"
                        + " place %d: later orders would be refused for funds%n", balance,
                        balance / perOrder, orders);
            }
        } catch (Exception e) {
            m.put("balanceMinor", "unknown (" + e.getClass().getSimpleName() + ")");
        }
        return m;
    }

    /**
     * Raises the rate by the step factor every step until a step fails: p99 of the first-call successes placed
     * in it over 1 s, lag that keeps growing (at the end of the step above 5 s of arrivals and above its mid-step
     * value), or arrivals dropped at the outstanding cap. Returns the knee: the last rate that passed.
     *
     * <p>A step is judged only once its own orders have settled (or {@link #STEP_DRAIN} has passed): at the end
     * of its arrivals, the orders of its last seconds are still open, and which of them are first-call successes
     * is not known yet. Counted as first-call while open, orders that went on to a requery or a refund put
     * their age at the step's end into the p99 (3 s at 3 orders/s, where every first-call success took under
     * 0.3 s). Arrivals pause while a step drains, so each step is measured from a quiet start.
     */
    private static String findMax(BenchOptions o, Arrivals arrivals, EventFollower follower, LagSampler lag,
                                  List<Map<String, Object>> steps) throws InterruptedException {
        double rate = o.rate();
        Double passedRate = null;
        for (int step = 0; rate <= o.maxRate(); step++) {
            long from = System.currentTimeMillis();
            long droppedBefore = arrivals.dropped();
            arrivals.openLoop(rate, o.step(), step);
            long to = System.currentTimeMillis();
            lag.sample();
            int current = step;
            awaitFinal(arrivals, follower, s -> s.step() == current, STEP_DRAIN);
            Map<String, Object> s = evaluateStep(step, rate, from, to, System.currentTimeMillis(), arrivals.sent(),
                    follower.orders(), lag.samples(), arrivals.dropped() - droppedBefore,
                    follower.finalsBetween(from, to));
            steps.add(s);
            System.out.printf("  step %d at %.0f/s: %s%n", step, rate, s);
            if (!Boolean.TRUE.equals(s.get("passed"))) {
                return passedRate == null ? "below " + Math.round(rate) + " orders/s (the first step failed: "
                        + s.get("why") + ")" : Math.round(passedRate) + " orders/s (the next step, "
                        + Math.round(rate) + "/s, failed: " + s.get("why") + ")";
            }
            passedRate = rate;
            rate = rate * o.stepFactor();
        }
        return "at least " + Math.round(passedRate) + " orders/s (--max-rate reached)";
    }

    /**
     * @param to          when the step's arrivals ended (lag and throughput are read over from..to)
     * @param evaluatedAt when its orders were looked at, after draining: one still open then, on the first-call
     *                    path (no requery), counts with its age at this time
     */
    static Map<String, Object> evaluateStep(int step, double rate, long from, long to, long evaluatedAt,
                                            List<Arrivals.Sent> sent, List<OrderTimeline> orders,
                                            List<LagSampler.Sample> lagSamples, long dropped, long finals) {
        Map<String, OrderTimeline> byId = new HashMap<>();
        orders.forEach(t -> byId.put(t.orderId(), t));
        List<Long> firstCall = new ArrayList<>();
        long offered = 0;
        for (Arrivals.Sent s : sent) {
            if (s.step() != step) {
                continue;
            }
            offered++;
            OrderTimeline t = s.orderId() == null ? null : byId.get(s.orderId());
            if (t == null) {
                continue;
            }
            if (t.path() == OrderTimeline.Path.FIRST_CALL_SUCCESS) {
                firstCall.add(t.latency());
            } else if (t.path() == OrderTimeline.Path.NOT_FINAL && !t.requeried()) {
                firstCall.add(evaluatedAt - s.sentAt());
            }
        }
        Percentiles p = Percentiles.of(firstCall);
        long mid = (from + to) / 2;
        long lagMid = nearest(lagSamples, mid);
        long lagEnd = nearest(lagSamples, to);
        boolean lagGrowing = lagEnd > Math.max(100, rate * 5) && lagEnd > lagMid;
        List<String> why = new ArrayList<>();
        if (p.p99() > 1_000) {
            why.add("p99 of first-call successes " + p.p99() + " ms > 1 s");
        }
        if (lagGrowing) {
            why.add("lag growing (" + lagMid + " -> " + lagEnd + ")");
        }
        if (dropped > 0) {
            why.add(dropped + " arrivals dropped at the outstanding cap");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("rate", Math.round(rate * 10) / 10.0);
        m.put("offered", offered);
        m.put("dropped", dropped);
        m.put("finalPerSecond", Math.round(finals / Math.max(0.001, (to - from) / 1000.0) * 10) / 10.0);
        m.put("firstCallP99Ms", p.p99());
        m.put("firstCallCount", p.count());
        m.put("lagMid", lagMid);
        m.put("lagEnd", lagEnd);
        m.put("passed", why.isEmpty());
        m.put("why", why.isEmpty() ? "" : String.join("; ", why));
        return m;
    }

    private static long nearest(List<LagSampler.Sample> samples, long at) {
        LagSampler.Sample best = null;
        for (LagSampler.Sample s : samples) {
            if (best == null || Math.abs(s.at() - at) < Math.abs(best.at() - at)) {
                best = s;
            }
        }
        return best == null ? 0 : best.total();
    }

    /** Waits until every order placed is final (or escalated), at most {@code limit}. */
    private static void awaitFinal(Arrivals arrivals, EventFollower follower, Duration limit)
            throws InterruptedException {
        awaitFinal(arrivals, follower, s -> true, limit);
    }

    /** Waits until every order placed by the arrivals {@code which} accepts is final, at most {@code limit}. */
    private static void awaitFinal(Arrivals arrivals, EventFollower follower, Predicate<Arrivals.Sent> which,
                                   Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        long lastPrint = 0;
        while (System.nanoTime() < end) {
            long open = arrivals.sent().stream().filter(which).filter(s -> s.orderId() != null)
                    .filter(s -> follower.order(s.orderId()).path() == OrderTimeline.Path.NOT_FINAL).count();
            if (open == 0) {
                return;
            }
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                System.out.printf("  %d orders not final yet%n", open);
                lastPrint = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** The sandbox's record of each vend call: the "provider call" stage of each order. */
    private static void providerCalls(String sandbox, List<OrderTimeline> orders) {
        Map<String, OrderTimeline> byReference = new HashMap<>();
        orders.forEach(o -> {
            if (o.providerReference() != null) {
                byReference.put(o.provider() + "/" + o.providerReference(), o);
            }
        });
        try {
            for (JsonNode call : SandboxRecord.calls(sandbox, "vend")) {
                OrderTimeline o = byReference.get(call.path("provider").asString() + "/" + call.path("reference").asString());
                JsonNode at = call.path("at");
                if (o != null && !at.isMissingNode()) {
                    o.providerCall(at.isNumber() ? (long) (at.asDouble() * 1000) : Instant.parse(at.asString()).toEpochMilli());
                }
            }
        } catch (Exception e) {
            System.out.println("  the sandbox's call record could not be read (" + e + "): no provider-call stage");
        }
    }

    private static Map<String, Object> arrivalFigures(List<Arrivals.Sent> sent, Arrivals arrivals) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        sent.forEach(s -> byStatus.merge(s.status() == -1 ? "dropped" : s.status() == 0 ? "no answer"
                : Integer.toString(s.status()), 1, Integer::sum));
        m.put("offered", sent.size());
        m.put("placed", sent.stream().filter(s -> s.orderId() != null).count());
        m.put("byStatus", byStatus);
        m.put("answers", BenchResult.answers(sent));
        m.put("droppedAtOutstandingCap", arrivals.dropped());
        m.put("sentLateOver100ms", arrivals.late());
        m.put("stillOutstanding", arrivals.outstanding());
        return m;
    }

    /**
     * Orders/s: offered, placed (answered 201/200) and reaching their final state within the measured arrival
     * window (after the warm-up); and end to end, every final order placed in it over the time from its start to
     * the last final state.
     */
    private static Map<String, Object> throughput(long from, long end, Duration warmup, List<Arrivals.Sent> sent,
                                                  List<OrderTimeline> orders, EventFollower follower) {
        double seconds = Math.max(0.001, (end - from) / 1000.0);
        long offered = sent.stream().filter(s -> s.sentAt() >= from && s.sentAt() < end).count();
        long placed = sent.stream().filter(s -> s.orderId() != null && s.answeredAt() >= from && s.answeredAt() < end)
                .count();
        long finals = orders.stream().filter(OrderTimeline::isFinal).filter(t -> t.finalAt() >= from && t.finalAt() < end)
                .count();
        List<OrderTimeline> measured = orders.stream().filter(OrderTimeline::measured).filter(OrderTimeline::isFinal)
                .toList();
        long lastFinal = measured.stream().mapToLong(OrderTimeline::finalAt).max().orElse(end);
        long allFinal = measured.size();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windowSeconds", BenchResult.round1(seconds));
        m.put("warmupSeconds", warmup.toSeconds());
        m.put("offeredPerSecond", BenchResult.round1(offered / seconds));
        m.put("placedPerSecond", BenchResult.round1(placed / seconds));
        m.put("sustainedFinalPerSecond", BenchResult.round1(finals / seconds));
        m.put("endToEndPerSecond", BenchResult.round1(allFinal / Math.max(0.001, (lastFinal - from) / 1000.0)));
        m.put("recordsPerSecond", BenchResult.round1(follower.recordsBetween(from, end) / seconds));
        return m;
    }

    /**
     * The invariants at the end: the sandbox's largest number of vends for one reference (and, if above 1, the
     * orders vended twice), and every order placed final, those that are not listed with their state as the
     * order API tells it.
     */
    private static Map<String, Object> invariants(Parts parts, List<OrderTimeline> placed,
                                                  List<OrderTimeline> storedWithoutAnswer) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        List<OrderTimeline> orders = new ArrayList<>(placed);
        orders.addAll(storedWithoutAnswer);
        long maxVends = SandboxRecord.maxVends(parts.sandbox());
        List<String> vendedTwice = new ArrayList<>();
        if (maxVends > 1) {
            for (OrderTimeline o : orders) {
                if (o.providerReference() != null
                        && SandboxRecord.vends(parts.sandbox(), o.provider(), o.providerReference()) > 1) {
                    vendedTwice.add(o.orderId());
                }
            }
        }
        List<Map<String, Object>> notFinal = new ArrayList<>();
        Map<String, Integer> byState = new TreeMap<>();
        HttpClient http = HttpClient.newHttpClient();
        int asked = 0;
        for (OrderTimeline o : orders) {
            if (o.isFinal()) {
                byState.merge(o.finalState(), 1, Integer::sum);
                continue;
            }
            String state = "not final on the topics (not asked: over " + ASK_AT_MOST + " such orders)";
            if (asked++ < ASK_AT_MOST) {
                state = askState(http, parts.orderApi(), o.orderId());
            }
            boolean finalNow = isFinal(state);
            byState.merge(state, 1, Integer::sum);
            if (!finalNow) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("orderId", o.orderId());
                n.put("state", state);
                n.put("mix", o.label());
                n.put("ageSeconds", o.sentAt() > 0 ? (System.currentTimeMillis() - o.sentAt()) / 1000 : null);
                notFinal.add(n);
            }
        }
        m.put("maxVendsPerReference", maxVends);
        m.put("ordersVendedTwice", vendedTwice);
        m.put("ordersPlaced", placed.size());
        m.put("ordersStoredWithoutAnAnswer", storedWithoutAnswer.size());
        m.put("ordersByState", byState);
        m.put("ordersNotFinal", notFinal.size());
        m.put("notFinal", notFinal.size() > 200 ? notFinal.subList(0, 200) : notFinal);
        m.put("ok", maxVends <= 1 && notFinal.isEmpty());
        return m;
    }

    /**
     * Orders whose request got no answer in time (the client's 30 s) may have been stored all the same: the
     * order history since the start of the run, read once, finds them by client reference, so that the
     * invariants hold them to the same rules.
     */
    private static List<OrderTimeline> unansweredButStored(String orderApi, String runId, List<Arrivals.Sent> sent,
                                                           long from, EventFollower follower) {
        Set<String> unanswered = sent.stream().filter(s -> s.status() == 0)
                .map(s -> Arrivals.reference(runId, s.index())).collect(Collectors.toSet());
        List<OrderTimeline> found = new ArrayList<>();
        if (unanswered.isEmpty()) {
            return found;
        }
        HttpClient http = HttpClient.newHttpClient();
        String since = Instant.ofEpochMilli(from - 60_000).toString();
        try {
            for (int page = 0; found.size() < unanswered.size(); page++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(orderApi + "/v1/orders?size=200&from="
                        + since + "&page=" + page)).header("Authorization", "Bearer " + Demo.API_KEY)
                        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
                JsonNode batch = JSON.readTree(r.body());
                for (JsonNode o : batch) {
                    if (unanswered.contains(o.path("clientReference").asString())) {
                        found.add(follower.order(o.path("orderId").asString()));
                    }
                }
                if (r.statusCode() != 200 || batch.size() < 200) {
                    break;
                }
            }
        } catch (Exception e) {
            System.out.println("  the order history could not be read (" + e + "): orders stored without an answer"
                    + " are not checked");
        }
        return found;
    }

    private static String askState(HttpClient http, String orderApi, String orderId) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(orderApi + "/v1/orders/" + orderId))
                    .header("Authorization", "Bearer " + Demo.API_KEY).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("state").asString("?");
        } catch (Exception e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static boolean isFinal(String state) {
        try {
            return OrderState.valueOf(state).isFinal();
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    /**
     * The broker alone: as many records as the run wrote to the lifecycle topics, of their average size, with
     * the services' producer guarantees; and how that compares with the system's own records/s and orders/s.
     */
    private static Map<String, Object> broker(String bootstrap, EventFollower follower, long start, long end,
                                              int orders) {
        Map<String, Object> m = new LinkedHashMap<>();
        long records = follower.records();
        m.put("systemRecords", records);
        m.put("averageRecordBytes", BenchResult.round1(follower.averageRecordBytes()));
        m.put("recordsPerOrder", orders == 0 ? 0 : BenchResult.round1((double) records / orders));
        if (records == 0) {
            m.put("skipped", "no records on the lifecycle topics");
            return m;
        }
        int key = (int) Math.round(follower.averageKeyBytes());
        int value = (int) Math.max(1, Math.round(follower.averageRecordBytes() - follower.averageKeyBytes()));
        try {
            BrokerBench.Result b = BrokerBench.run(bootstrap, records, key, value,
                    com.vendstream.schemas.topic.Topics.ORDERS.partitions());
            m.putAll(b.toMap());
            double systemPerSecond = follower.recordsBetween(start, end) / Math.max(0.001, (end - start) / 1000.0);
            m.put("systemRecordsPerSecond", BenchResult.round1(systemPerSecond));
            m.put("brokerProduceOverSystem", systemPerSecond == 0 ? null
                    : BenchResult.round1(b.producePerSecond() / systemPerSecond));
            m.put("ordersPerSecondTheBrokerAloneCouldTake", orders == 0 ? null
                    : Math.round(b.producePerSecond() / ((double) records / orders)));
        } catch (Exception e) {
            m.put("failed", e.toString());
        }
        return m;
    }
}
