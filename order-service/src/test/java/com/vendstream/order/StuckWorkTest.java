package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.order.order.OrderState;
import com.vendstream.wallet.WalletLedger.TopUp;
import com.vendstream.wallet.WalletLedger.Transfer;
import com.vendstream.wallet.WalletTransfers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Invariant 3's "none is stuck without a metric saying so", for orders and top-ups. */
class StuckWorkTest {

    private final OrderFixture f = new OrderFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private double gauge(SimpleMeterRegistry meters, String name, String state) {
        return meters.get(name).tag("state", state).gauge().value();
    }

    @Test
    void ordersAndTopUpsThatStopMovingAreCountedByState() {
        f.walletStore.createIfAbsent("float", "m1", "MERCHANT", "NGN", 100_000, null);
        f.walletStore.createIfAbsent("customer", "m1", "CUSTOMER", "NGN", 0, null);
        // One order charged and waiting for its vend, one refused: only the first can be stuck.
        assertThat(f.placement.place(OrderFixture.airtime("m1", "r-1", 5_000, "float"), true).order().state())
                .isEqualTo(OrderState.VENDING);
        assertThat(f.placement.place(OrderFixture.airtime("m1", "r-2", 500_000, "float"), true).order().state())
                .isEqualTo(OrderState.REJECTED);
        // A top-up whose credit a crash interrupted: the float's money is in flight.
        WalletTransfers crashing = new WalletTransfers(f.mongo.template, f.walletStore, f.walletOps, f.clock) {
            @Override
            protected Transfer credit(Transfer t) {
                throw new IllegalStateException("crash at the credit");
            }
        };
        crashing.ensureIndexes();
        assertThatThrownBy(() -> crashing.topUp(new TopUp("m1", "t-1", "float", "customer", 1_000, "NGN")))
                .hasMessageContaining("crash");

        SimpleMeterRegistry now = new SimpleMeterRegistry();
        new StuckWork(f.orders, f.ledger(crashing), now, f.clock, Duration.ofMinutes(30)).measure();
        assertThat(gauge(now, "vendstream.order.stuck", "VENDING")).isZero();
        assertThat(gauge(now, "vendstream.wallet.topup.stuck", "DEBITED")).isZero();

        // An hour later nothing has moved them.
        SimpleMeterRegistry later = new SimpleMeterRegistry();
        new StuckWork(f.orders, f.ledger(crashing), later, Clock.offset(f.clock, Duration.ofHours(1)),
                Duration.ofMinutes(30)).measure();
        assertThat(gauge(later, "vendstream.order.stuck", "VENDING")).isEqualTo(1);
        assertThat(gauge(later, "vendstream.order.stuck", "RECEIVED")).isZero();
        assertThat(gauge(later, "vendstream.wallet.topup.stuck", "DEBITED")).isEqualTo(1);
        assertThat(gauge(later, "vendstream.wallet.topup.stuck", "PENDING")).isZero();
    }

    @Test
    void ordersAreCountedByStateAndFinalOnesOnlyWithinTheWindow() {
        f.walletStore.createIfAbsent("float", "m1", "MERCHANT", "NGN", 100_000, null);
        assertThat(f.placement.place(OrderFixture.airtime("m1", "r-1", 5_000, "float"), true).order().state())
                .isEqualTo(OrderState.VENDING);
        assertThat(f.placement.place(OrderFixture.airtime("m1", "r-2", 500_000, "float"), true).order().state())
                .isEqualTo(OrderState.REJECTED);
        assertThat(f.placement.place(OrderFixture.airtime("m1", "r-3", 500_000, "float"), true).order().state())
                .isEqualTo(OrderState.REJECTED);

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OrderCensus census = new OrderCensus(f.orders, meters, f.clock, Duration.ofHours(24));
        assertThat(gauge(meters, "vendstream.order.state", "VENDING")).as("nothing counted yet").isZero();
        census.count();
        assertThat(gauge(meters, "vendstream.order.state", "VENDING")).isEqualTo(1);
        assertThat(gauge(meters, "vendstream.order.state", "REJECTED")).isEqualTo(2);
        assertThat(gauge(meters, "vendstream.order.state", "COMPLETED")).isZero();

        // Two days later the rejections have left the final states' window; the order still vending has not.
        SimpleMeterRegistry later = new SimpleMeterRegistry();
        new OrderCensus(f.orders, later, Clock.offset(f.clock, Duration.ofDays(2)), Duration.ofHours(24)).count();
        assertThat(gauge(later, "vendstream.order.state", "VENDING")).isEqualTo(1);
        assertThat(gauge(later, "vendstream.order.state", "REJECTED")).isZero();
    }
}
