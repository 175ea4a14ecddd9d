package com.vendstream.deploy.bench;

import com.vendstream.deploy.Demo;
import com.vendstream.deploy.campaign.Customers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark's customers, placing orders through the order API. Open loop: the i-th order is due at
 * start + i / rate whatever happened to the earlier ones (a slow system meets the same arrivals, so its
 * latency is not hidden by clients waiting for it); requests go out asynchronously, at most
 * {@code maxOutstanding} at once: an arrival that finds that many unanswered is dropped and counted, one the
 * scheduler sends more than 100 ms after it was due is counted late. Closed loop: C clients, each sending its
 * next order when the previous one is answered. With several order-service instances, the i-th order goes to
 * instance i mod n (round-robin, as a load balancer would), and each instance's placements are counted.
 */
final class Arrivals {

    /**
     * One arrival: its step (-1 in the warm-up), its order (null unless 201/200), the HTTP status (0 on no
     * answer, -1 when dropped), and whether the answer said when to retry ({@code Retry-After}).
     */
    record Sent(int index, int step, String label, long sentAt, long answeredAt, int status, String orderId,
                boolean retryAfter) {

        Sent(int index, int step, String label, long sentAt, long answeredAt, int status, String orderId) {
            this(index, step, label, sentAt, answeredAt, status, orderId, false);
        }

        /** Refused by the service's admission control: nothing was placed, and the client was told to come back. */
        boolean shed() {
            return status == 503 && retryAfter;
        }
    }

    static final long LATE_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> orderApis;
    /** Orders placed (201/200) through each order API, in the order of {@link #orderApis}. */
    private final AtomicLongArray placedBy;
    private final List<Customers.Kind> wheel = new ArrayList<>();
    private final Random random;
    private final String runId;
    private final int maxOutstanding;
    private final EventFollower follower;
    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong late = new AtomicLong();

    /** @param orderApis the base URL of each order-service instance */
    Arrivals(List<String> orderApis, List<Customers.Kind> mix, long seed, String runId, int maxOutstanding,
             EventFollower follower) {
        if (orderApis.isEmpty()) {
            throw new IllegalArgumentException("no order API to place orders on");
        }
        this.orderApis = List.copyOf(orderApis);
        this.placedBy = new AtomicLongArray(orderApis.size());
        mix.forEach(k -> {
            for (int i = 0; i < k.weight(); i++) {
                wheel.add(k);
            }
        });
        this.random = new Random(seed);
        this.runId = runId;
        this.maxOutstanding = maxOutstanding;
        this.follower = follower;
    }

    /** Open loop at {@code rate} orders/s for {@code duration}; returns when the last arrival has been sent. */
    void openLoop(double rate, Duration duration, int step) {
        long start = System.nanoTime();
        long length = duration.toNanos();
        for (long i = 0; ; i++) {
            long due = start + (long) (i * 1e9 / rate);
            if (due - start >= length) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (-wait > LATE_AFTER_NANOS) {
                late.incrementAndGet();
            }
            Customers.Kind kind = draw();
            int index = next.getAndIncrement();
            if (outstanding.get() >= maxOutstanding) {
                dropped.incrementAndGet();
                long now = System.currentTimeMillis();
                sent.add(new Sent(index, step, kind.label(), now, now, -1, null));
                continue;
            }
            outstanding.incrementAndGet();
            long sentAt = System.currentTimeMillis();
            http.sendAsync(request(kind, index), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                outstanding.decrementAndGet();
                answered(index, step, kind, sentAt, r);
            });
        }
    }

    /** Closed loop: {@code clients} clients, each placing orders one after the other for {@code duration}. */
    void closedLoop(int clients, Duration duration, int step) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    Customers.Kind kind = draw();
                    int index = next.getAndIncrement();
                    long sentAt = System.currentTimeMillis();
                    HttpResponse<String> r = null;
                    try {
                        r = http.send(request(kind, index), HttpResponse.BodyHandlers.ofString());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception noAnswer) {
                        // counted as status 0
                    }
                    answered(index, step, kind, sentAt, r);
                    // Shed (503): a client that waits as asked before its next order, as the API asks clients to.
                    long pause = retryAfterNanos(r);
                    if (pause > 0) {
                        LockSupport.parkNanos(Math.min(pause, end - System.nanoTime()));
                    }
                }
            }, "benchmark-client-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** A 503's Retry-After (delay-seconds) in nanoseconds; 0 for any other answer or an unreadable header. */
    private static long retryAfterNanos(HttpResponse<?> r) {
        return r == null ? 0 : retryAfterNanos(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null));
    }

    static long retryAfterNanos(int status, String retryAfter) {
        if (status != 503 || retryAfter == null) {
            return 0;
        }
        try {
            return TimeUnit.SECONDS.toNanos(Math.max(0, Long.parseLong(retryAfter.trim())));
        } catch (NumberFormatException httpDate) {
            return 0;
        }
    }

    /** The client reference of the run's i-th order. */
    static String reference(String runId, int index) {
        return "bench-" + runId + "-" + index;
    }

    private synchronized Customers.Kind draw() {
        return wheel.get(random.nextInt(wheel.size()));
    }

    private HttpRequest request(Customers.Kind kind, int index) {
        String body = json.writeValueAsString(Customers.orderBody(kind, reference(runId, index),
                kind.account(), kind.walletId()));
        return HttpRequest.newBuilder(URI.create(orderApi(index) + "/v1/orders")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + Demo.API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private void answered(int index, int step, Customers.Kind kind, long sentAt, HttpResponse<String> r) {
        long answeredAt = System.currentTimeMillis();
        int status = r == null ? 0 : r.statusCode();
        String orderId = null;
        if (r != null && (status == 201 || status == 200)) {
            try {
                JsonNode body = json.readTree(r.body());
                orderId = body.path("orderId").asString(null);
            } catch (RuntimeException notJson) {
                // an answer without an order id: not placed
            }
        }
        if (orderId != null) {
            follower.order(orderId).placed(kind.label(), sentAt, answeredAt, step >= 0);
            placedBy.incrementAndGet(index % orderApis.size());
        }
        boolean retryAfter = r != null && r.headers().firstValue("Retry-After").isPresent();
        sent.add(new Sent(index, step, kind.label(), sentAt, answeredAt, status, orderId, retryAfter));
    }

    /** Waits until every request sent has been answered (or timed out), at most {@code limit}. */
    void awaitAnswers(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private String orderApi(int index) {
        return orderApis.get(index % orderApis.size());
    }

    /** Orders placed (answered 201/200) through each order API, warm-up included. */
    long placedBy(int api) {
        return placedBy.get(api);
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    int outstanding() {
        return outstanding.get();
    }

    long dropped() {
        return dropped.get();
    }

    long late() {
        return late.get();
    }
}
