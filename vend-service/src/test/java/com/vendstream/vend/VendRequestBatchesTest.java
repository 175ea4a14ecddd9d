package com.vendstream.vend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendRequested;
import com.vendstream.vend.intake.VendRequestBatches;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
}
