package com.vendstream.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Places many orders against a running stack with a mix of the sandbox's outcome accounts, waits
 * until each ends, and reports orders by final state, throughput, and the largest number of
 * provider vends for one order according to the sandbox's call record. Bounded in count and time;
 * loopback only.
 *
 * <pre>java -cp ... com.vendstream.deploy.LoadRun [orders] [concurrency] [orderApi] [sandboxUrl]</pre>
 */
public final class LoadRun {

    private static final String KEY = Demo.API_KEY;

    /** The accounts of the mix, each with the share of orders it gets. */
    public record Mix(String label, String service, String billerId, String itemId, String account, long amountMinor,
               int weight) {
    }

    public static final List<Mix> MIX = List.of(
            new Mix("airtime success", "AIRTIME", "MTN", null, "08011111111", 10_000, 30),
            new Mix("electricity success", "ELECTRICITY", "IKEDC", "prepaid", "1111111111111", 100_000, 25),
            new Mix("postpaid success", "ELECTRICITY", "IKEDC", "postpaid", "1010101010101", 100_000, 10),
            new Mix("provider declines", "AIRTIME", "GLO", null, "08022222222", 10_000, 15),
            new Mix("pending then requery", "AIRTIME", "AIRTEL", null, "201000000000", 10_000, 10),
            new Mix("timeout after processing", "ELECTRICITY", "EKEDC", "prepaid", "3000000000000", 100_000, 5),
            new Mix("unexpected reply", "AIRTIME", "9MOBILE", null, "500000000000", 10_000, 5));

    public static void main(String[] args) throws Exception {
        int orders = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        String api = args.length > 2 ? args[2] : "http://localhost:8080";
        String sandbox = args.length > 3 ? args[3] : "http://localhost:8090";
        Report report = new LoadRun(api).run(orders, concurrency, Duration.ofMinutes(30));
        System.out.println(report.render());
        System.out.println(SandboxRecord.maxVendsPerReference(sandbox));
    }

    record Report(int orders, Duration placing, Duration settling, Map<String, Integer> byState, int httpErrors) {
        String render() {
            double seconds = settling.toMillis() / 1000.0;
            return "orders: " + orders + "\nby final state: " + byState + "\nHTTP errors: " + httpErrors
                    + String.format("%nplaced in %.1f s; all settled after %.1f s (%.1f orders/s end to end)",
                    placing.toMillis() / 1000.0, seconds, orders / Math.max(seconds, 0.001));
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String api;

    LoadRun(String api) {
        this.api = api;
    }

    Report run(int orders, int concurrency, Duration limit) throws Exception {
        String runId = Long.toString(System.currentTimeMillis(), 36);
        List<Mix> wheel = new ArrayList<>();
        MIX.forEach(m -> {
            for (int i = 0; i < m.weight(); i++) {
                wheel.add(m);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        Semaphore window = new Semaphore(concurrency);
        List<Future<String>> placed = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        Instant start = Instant.now();
        for (int i = 0; i < orders; i++) {
            Mix mix = wheel.get(i % wheel.size());
            String reference = "load-" + runId + "-" + i;
            window.acquire();
            placed.add(pool.submit(() -> {
                try {
                    return place(reference, mix);
                } catch (Exception e) {
                    errors.incrementAndGet();
                    return null;
                } finally {
                    window.release();
                }
            }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : placed) {
            String id = f.get();
            if (id != null) {
                ids.add(id);
            }
        }
        Duration placing = Duration.between(start, Instant.now());
        Map<String, String> finalState = new ConcurrentHashMap<>();
        Instant deadline = start.plus(limit);
        while (finalState.size() < ids.size() && Instant.now().isBefore(deadline)) {
            List<Future<?>> checks = new ArrayList<>();
            for (String id : ids) {
                if (!finalState.containsKey(id)) {
                    checks.add(pool.submit(() -> {
                        String state = state(id);
                        if (state != null && !state.equals("VENDING") && !state.equals("VEND_PENDING")
                                && !state.equals("RECEIVED") && !state.equals("REFUNDING")) {
                            finalState.put(id, state);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> c : checks) {
                c.get();
            }
            if (finalState.size() < ids.size()) {
                // A polling round over thousands of orders competes with the system for the same cores.
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            }
        }
        // Settled at most one polling round (about a second) before this.
        Duration settling = Duration.between(start, Instant.now());
        pool.shutdown();
        Map<String, Integer> byState = new TreeMap<>();
        finalState.values().forEach(s -> byState.merge(s, 1, Integer::sum));
        byState.put("NOT_SETTLED_IN_TIME", ids.size() - finalState.size());
        return new Report(orders, placing, settling, byState, errors.get());
    }

    private String place(String reference, Mix mix) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("clientReference", reference,
                "service", mix.service(), "billerId", mix.billerId(), "account", mix.account(),
                "amount", Map.of("minor", mix.amountMinor(), "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "load-float-ngn")));
        if (mix.itemId() != null) {
            body.put("itemId", mix.itemId());
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/orders"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode node = json.readTree(r.body());
        return node.path("orderId").asString(null);
    }

    private String state(String orderId) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/orders/" + orderId))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body()).path("state").asString(null);
    }
}
