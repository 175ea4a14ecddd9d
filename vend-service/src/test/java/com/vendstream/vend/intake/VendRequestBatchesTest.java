package com.vendstream.vend.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A slow vend must not serialise its partition, and one order's requests must stay in order. */
class VendRequestBatchesTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static VendRequested request(String orderId, String discriminator) {
        Envelope e = Envelope.newBuilder().setEventId(orderId + discriminator).setEventType("VendRequested")
                .setOrderId(orderId).setOccurredAt(Instant.now()).setBusinessDate(LocalDate.now())
                .setMerchantId("m").setSourceService("order-service").setCorrelationId(orderId).build();
        return VendRequested.newBuilder().setEnvelope(e).setLine(OrderLine.newBuilder()
                .setService(ServiceCategory.AIRTIME).setBillerId("MTN").setAccount("08011111111")
                .setAmount(new Money(100L, "NGN")).build()).build();
    }

    @Test
    void differentOrdersRunConcurrently() {
        // Every one of the four calls blocks until all four are in flight at once: only parallel
        // processing can finish this batch.
        CountDownLatch allInFlight = new CountDownLatch(4);
        VendRequestBatches batches = new VendRequestBatches(pool, r -> {
            allInFlight.countDown();
            try {
                if (!allInFlight.await(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("calls were serialised");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<VendRequested> batch = List.of(request("a", "1"), request("b", "1"), request("c", "1"), request("d", "1"));
        batches.process(batch, List.of("a", "b", "c", "d"));
        assertThat(allInFlight.getCount()).isZero();
    }

    @Test
    void requestsOfOneOrderKeepTheirOrder() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        VendRequestBatches batches = new VendRequestBatches(pool, r -> seen.add(r.getEnvelope().getEventId()));
        List<VendRequested> batch = List.of(request("a", "1"), request("b", "1"), request("a", "2"), request("a", "3"));
        batches.process(batch, List.of("a", "b", "a", "a"));
        assertThat(seen.stream().filter(id -> id.startsWith("a")).toList()).containsExactly("a1", "a2", "a3");
    }

    @Test
    void theFirstFailedOrUndecodableRecordIsReportedByItsPosition() {
        AtomicInteger handled = new AtomicInteger();
        VendRequestBatches batches = new VendRequestBatches(pool, r -> {
            if (r.getEnvelope().getOrderId().equals("c")) {
                throw new IllegalStateException("poison");
            }
            handled.incrementAndGet();
        });
        List<Object> batch = Arrays.asList(request("a", "1"), null, request("c", "1"), request("d", "1"));
        assertThatThrownBy(() -> batches.process(batch, Arrays.asList("a", "b", "c", "d")))
                .isInstanceOfSatisfying(VendRequestBatches.RecordFailed.class, e -> assertThat(e.index()).isEqualTo(1));
        assertThat(handled.get()).isEqualTo(2);
    }

    /**
     * A call that cannot be handed off, even for an Error (no thread to be had), is made on the batch's
     * thread; a call that ends with an Error is contained; both are counted, and the batch completes.
     */
    @Test
    void aHandOffThatFailsEvenWithAnErrorStillMakesTheCallAndIsCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<String> made = Collections.synchronizedList(new ArrayList<>());
        Executor noThreads = task -> {
            throw new OutOfMemoryError("unable to create native thread");
        };
        VendRequestBatches batches = new VendRequestBatches(pool, r -> () -> {
            made.add(r.getEnvelope().getOrderId());
            if (r.getEnvelope().getOrderId().equals("b")) {
                throw new StackOverflowError();
            }
        }, noThreads, meters);
        batches.process(List.of(request("a", "1"), request("b", "1")), List.of("a", "b"));
        assertThat(made).containsExactlyInAnyOrder("a", "b");
        assertThat(meters.counter("vendstream.vend.handoff.failures", "stage", "hand-off").count()).isEqualTo(2);
        assertThat(meters.counter("vendstream.vend.handoff.failures", "stage", "call").count()).isEqualTo(1);
    }

    /** Closing the claimed calls' threads (a graceful stop) lets a call under way finish rather than cutting it. */
    @Test
    void closingTheClaimedCallsWaitsForTheCallsUnderWay() throws Exception {
        ClaimedCalls calls = new ClaimedCalls(Duration.ofSeconds(30));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        calls.execute(() -> {
            started.countDown();
            try {
                answer.await();
                finished.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(calls::close, "closer");
        closer.start();
        // the closer is waiting for the call, which is neither interrupted nor abandoned
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        assertThat(closer.isAlive()).isTrue();
        answer.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(closer.isAlive()).isFalse();
        assertThat(finished).isTrue();
    }
}
