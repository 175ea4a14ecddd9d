package com.vendstream.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's figures computed from made-up timelines: percentiles, paths, stages, find-max steps. */
class BenchFiguresTest {

    private static final long T0 = 1_800_000_000_000L;

    @Test
    void percentilesAreNearestRankOverEverySample() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // 100 down to 1, unsorted on purpose
        }
        Percentiles p = Percentiles.of(values);
        assertThat(p).isEqualTo(new Percentiles(100, 50, 95, 99, 100));
        assertThat(Percentiles.of(new long[] {7})).isEqualTo(new Percentiles(1, 7, 7, 7, 7));
        assertThat(Percentiles.of(new long[] {1, 2, 3, 1000})).extracting(Percentiles::p50, Percentiles::p99)
                .containsExactly(2L, 1000L);
        assertThat(Percentiles.of(List.of())).isEqualTo(Percentiles.NONE);
    }

    @Test
    void a503WithRetryAfterIsCountedAsShedApartFromErrorsAndUnansweredArrivals() {
        List<Arrivals.Sent> sent = List.of(
                new Arrivals.Sent(1, 0, "a", T0, T0 + 10, 201, "o1"),
                new Arrivals.Sent(2, 0, "a", T0, T0 + 10, 200, "o2"),
                new Arrivals.Sent(3, 0, "a", T0, T0 + 10, 422, null),
                new Arrivals.Sent(4, 0, "a", T0, T0 + 1, 503, null, true),
                new Arrivals.Sent(5, 0, "a", T0, T0 + 1, 503, null, true),
                new Arrivals.Sent(6, 0, "a", T0, T0 + 10, 503, null, false),
                new Arrivals.Sent(7, 0, "a", T0, T0 + 10, 500, null, true),
                new Arrivals.Sent(8, 0, "a", T0, T0 + 30_000, 0, null),
                new Arrivals.Sent(9, 0, "a", T0, T0, -1, null));
        assertThat(BenchResult.answers(sent)).containsExactly(
                Map.entry("placed (201/200)", 2L), Map.entry("refused (4xx)", 1L),
                Map.entry("shed (503 Retry-After)", 2L), Map.entry("errors (5xx, other)", 2L),
                Map.entry("unanswered (client timeout)", 1L), Map.entry("dropped (outstanding cap)", 1L));
    }

    @Test
    void aVendAnsweredAtOnceIsAFirstCallSuccessWithEachStageFromItsTimestamps() {
        OrderTimeline o = firstCallSuccess("o1", 0, 120);
        assertThat(o.path()).isEqualTo(OrderTimeline.Path.FIRST_CALL_SUCCESS);
        assertThat(o.latency()).isEqualTo(120);
        assertThat(o.stages()).containsEntry(OrderTimeline.Stage.ANSWERED, 15L)
                .containsEntry(OrderTimeline.Stage.VEND_REQUESTED, 30L)
                .containsEntry(OrderTimeline.Stage.PROVIDER_CALL, 25L)
                .containsEntry(OrderTimeline.Stage.OUTCOME, 40L)
                .containsEntry(OrderTimeline.Stage.FINAL, 25L)
                .doesNotContainKey(OrderTimeline.Stage.PAYMENT_COLLECTED);
    }

    @Test
    void aPendingVendIsRequeriedAndItsStagesKeepTheFirstCallsTimes() {
        OrderTimeline o = new OrderTimeline("o2");
        o.placed("pending then requery", T0, T0 + 10, true);
        o.event("VendRequested", "vendstream.vend.requests", T0 + 20, null, null);
        o.event("VendPending", "vendstream.vend.outcomes", T0 + 4_100, "vtpass", "R2");
        o.event("VendSucceeded", "vendstream.vend.resolutions", T0 + 14_000, "vtpass", "R2");
        assertThat(o.path()).isEqualTo(OrderTimeline.Path.NOT_FINAL);
        assertThat(o.event("OrderCompleted", "vendstream.orders", T0 + 14_050, null, null)).isTrue();
        // A republished final event changes nothing.
        assertThat(o.event("OrderCompleted", "vendstream.orders", T0 + 20_000, null, null)).isFalse();
        assertThat(o.path()).isEqualTo(OrderTimeline.Path.REQUERIED);
        assertThat(o.latency()).isEqualTo(14_050);
        assertThat(o.stages()).containsEntry(OrderTimeline.Stage.FINAL, 14_050L - 4_100L);
        assertThat(o.providerReference()).isEqualTo("R2");
    }

    @Test
    void declinesRejectionsAndEscalationsEachHaveTheirPath() {
        OrderTimeline declined = new OrderTimeline("o3");
        declined.placed("provider declines", T0, T0 + 5, true);
        declined.event("VendFailed", "vendstream.vend.outcomes", T0 + 50, "vtpass", "R3");
        declined.event("OrderRefunded", "vendstream.orders", T0 + 70, null, null);
        assertThat(declined.path()).isEqualTo(OrderTimeline.Path.FAILED_AND_REFUNDED);

        OrderTimeline rejected = new OrderTimeline("o4");
        rejected.placed("mobile money, payer without funds", T0, T0 + 5, true);
        rejected.event("PaymentFailed", "vendstream.payments", T0 + 50, null, null);
        rejected.event("OrderRejected", "vendstream.orders", T0 + 60, null, null);
        assertThat(rejected.path()).isEqualTo(OrderTimeline.Path.REJECTED);

        OrderTimeline escalated = new OrderTimeline("o5");
        escalated.placed("timeout after processing", T0, T0 + 5, true);
        escalated.event("VendPending", "vendstream.vend.outcomes", T0 + 4_000, "vtpass", "R5");
        escalated.event("VendUnresolved", "vendstream.vend.resolutions", T0 + 60_000, "vtpass", "R5");
        assertThat(escalated.path()).isEqualTo(OrderTimeline.Path.ESCALATED);
        assertThat(escalated.isFinal()).isFalse();
        // A late answer still finishes an escalated order.
        assertThat(escalated.event("OrderCompleted", "vendstream.orders", T0 + 90_000, null, null)).isTrue();
        assertThat(escalated.path()).isEqualTo(OrderTimeline.Path.REQUERIED);
        assertThat(escalated.isFinal()).isTrue();
    }

    @Test
    void aMobileMoneyOrderCollectedAtOnceIsAFirstCallSuccessAndOneCollectedAfterPendingIsNot() {
        OrderTimeline collected = new OrderTimeline("o6");
        collected.placed("mobile money, collected", T0, T0 + 40, true);
        collected.event("PaymentCollected", "vendstream.payments", T0 + 60, null, null);
        collected.event("VendRequested", "vendstream.vend.requests", T0 + 70, null, null);
        collected.event("VendSucceeded", "vendstream.vend.outcomes", T0 + 120, "pay4power", "P6");
        collected.event("OrderCompleted", "vendstream.orders", T0 + 140, null, null);
        assertThat(collected.path()).isEqualTo(OrderTimeline.Path.FIRST_CALL_SUCCESS);
        assertThat(collected.stages()).containsEntry(OrderTimeline.Stage.PAYMENT_COLLECTED, 60L);

        OrderTimeline pending = new OrderTimeline("o7");
        pending.placed("mobile money, collected after pending", T0, T0 + 40, true);
        pending.event("PaymentPending", "vendstream.payments", T0 + 60, null, null);
        pending.event("PaymentCollected", "vendstream.payment.resolutions", T0 + 10_060, null, null);
        pending.event("OrderCompleted", "vendstream.orders", T0 + 10_200, null, null);
        assertThat(pending.path()).isEqualTo(OrderTimeline.Path.REQUERIED);
    }

    @Test
    void latencyIsGroupedByPathAndMixAndWarmUpOrdersAndOrdersNotPlacedByTheRunAreLeftOut() {
        List<OrderTimeline> orders = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            orders.add(firstCallSuccess("f" + i, 0, i * 10L));
        }
        OrderTimeline foreign = new OrderTimeline("not-ours");
        foreign.event("OrderCompleted", "vendstream.orders", T0 + 1, null, null);
        orders.add(foreign);
        OrderTimeline warmup = new OrderTimeline("cold");
        warmup.placed("airtime success", T0, T0 + 5, false);
        warmup.event("VendSucceeded", "vendstream.vend.outcomes", T0 + 50_000, "vtpass", "R-cold");
        warmup.event("OrderCompleted", "vendstream.orders", T0 + 60_000, null, null);
        orders.add(warmup);

        Map<String, Object> latency = BenchResult.latency(orders);
        @SuppressWarnings("unchecked")
        Map<String, Object> byPath = (Map<String, Object>) latency.get("byPath");
        assertThat(byPath.get("FIRST_CALL_SUCCESS")).isEqualTo(Map.of("count", 100, "p50Ms", 500L, "p95Ms", 950L,
                "p99Ms", 990L, "maxMs", 1000L));
        assertThat(byPath.get("REQUERIED")).isEqualTo(Percentiles.NONE.toMap());
        assertThat(latency.get("all")).isEqualTo(byPath.get("FIRST_CALL_SUCCESS"));
        assertThat((Map<String, Object>) latency.get("byMix")).containsOnlyKeys("airtime success");

        Map<String, Object> stages = BenchResult.stages(orders);
        assertThat((Map<String, Object>) stages.get("firstCallSuccess")).containsKeys(OrderTimeline.Stage.VEND_REQUESTED,
                OrderTimeline.Stage.PROVIDER_CALL, OrderTimeline.Stage.OUTCOME, OrderTimeline.Stage.FINAL);
    }

    @Test
    void theTimelineCountsPerSecondInItsBuckets() {
        List<Arrivals.Sent> sent = new ArrayList<>();
        List<OrderTimeline> orders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long at = T0 + i * 200L; // 5/s for 10 s
            sent.add(new Arrivals.Sent(i, 0, "airtime success", at, at + 10, 201, "t" + i));
            orders.add(firstCallSuccess("t" + i, i * 200L, 100));
        }
        Map<String, Object> t = BenchResult.timeline(T0, T0 + 10_000, 5_000, sent, orders, Map.of(T0 / 1000, 30L));
        assertThat(t.get("sentPerSecond")).isEqualTo(List.of(5.0, 5.0));
        assertThat(t.get("finalPerSecond")).isEqualTo(List.of(5.0, 5.0));
        assertThat(t.get("recordsPerSecond")).isEqualTo(List.of(6.0, 0.0));
        assertThat(t.get("firstCallP99Ms")).isEqualTo(List.of(100L, 100L));
    }

    @Test
    void aFindMaxStepFailsOnTheP99OfFirstCallSuccessesOrGrowingLagOrDroppedArrivals() {
        long from = T0;
        long to = T0 + 60_000;
        List<Arrivals.Sent> sent = new ArrayList<>();
        List<OrderTimeline> orders = new ArrayList<>();
        stepOfFirstCallSuccesses(sent, orders);
        orders.set(99, firstCallSuccess("s99", 99 * 500L, 1_500));
        List<LagSampler.Sample> flat = List.of(new LagSampler.Sample(from + 30_000, Map.of("g", 50L)),
                new LagSampler.Sample(to, Map.of("g", 40L)));
        Map<String, Object> ok = Benchmark.evaluateStep(3, 100, from, to, to + 30_000, sent, orders, flat, 0, 100);
        assertThat(ok.get("passed")).as("%s", ok).isEqualTo(true);

        orders.set(97, firstCallSuccess("s97", 97 * 500L, 1_500));
        Map<String, Object> slow = Benchmark.evaluateStep(3, 100, from, to, to + 30_000, sent, orders, flat, 0, 100);
        assertThat(slow.get("passed")).isEqualTo(false);
        assertThat((String) slow.get("why")).contains("p99");

        List<LagSampler.Sample> growing = List.of(new LagSampler.Sample(from + 30_000, Map.of("g", 300L)),
                new LagSampler.Sample(to, Map.of("g", 900L)));
        orders.set(97, firstCallSuccess("s97", 97 * 500L, 200));
        Map<String, Object> lagging = Benchmark.evaluateStep(3, 100, from, to, to + 30_000, sent, orders, growing, 0, 100);
        assertThat((String) lagging.get("why")).contains("lag growing").doesNotContain("p99");

        Map<String, Object> dropped = Benchmark.evaluateStep(3, 100, from, to, to + 30_000, sent, orders, flat, 4, 100);
        assertThat((String) dropped.get("why")).contains("4 arrivals dropped");
    }

    @Test
    void aFindMaxStepCountsOnlyOrdersThatProveFirstCallSuccessesOrStayOpenOnTheFirstCallPath() {
        long from = T0;
        long to = T0 + 60_000;
        List<Arrivals.Sent> sent = new ArrayList<>();
        List<OrderTimeline> orders = new ArrayList<>();
        stepOfFirstCallSuccesses(sent, orders);
        List<LagSampler.Sample> flat = List.of(new LagSampler.Sample(to, Map.of("g", 0L)));
        // Open at the step's end, then requeried and refunded: neither is a first-call success.
        OrderTimeline requeried = new OrderTimeline("s98");
        requeried.placed("pending then fails", T0 + 49_000, T0 + 49_015, true);
        requeried.event("VendPending", "vendstream.vend.outcomes", T0 + 49_500, "vtpass", "R-s98");
        orders.set(98, requeried);
        OrderTimeline refunded = new OrderTimeline("s99");
        refunded.placed("vend fails", T0 + 49_500, T0 + 49_515, true);
        refunded.event("OrderRefunded", "vendstream.orders", T0 + 61_000, null, null);
        orders.set(99, refunded);
        Map<String, Object> settled = Benchmark.evaluateStep(3, 100, from, to, to + 5_000, sent, orders, flat, 0, 100);
        assertThat(settled.get("passed")).as("%s", settled).isEqualTo(true);
        assertThat(settled.get("firstCallCount")).isEqualTo(98);

        // Still open after the drain with no requery: stuck on the first-call path, counted with its age.
        for (int i : new int[] {96, 97}) {
            OrderTimeline stuck = new OrderTimeline("s" + i);
            stuck.placed("airtime success", T0 + i * 500L, T0 + i * 500L + 15, true);
            orders.set(i, stuck);
        }
        Map<String, Object> open = Benchmark.evaluateStep(3, 100, from, to, to + 30_000, sent, orders, flat, 0, 100);
        assertThat(open.get("passed")).as("%s", open).isEqualTo(false);
        assertThat(open.get("firstCallP99Ms")).isEqualTo(42_000L);
    }

    @Test
    void cpuTicksAndRssAreReadFromProcEvenWithSpacesInTheCommandName() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 9013 0 0 0 1234 567 0 0 20 0 40 0 123 "
                + "4000000000 50000 18446744073709551615 1 1 0 0 0 0 0 4096 17100 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessSampler.cpuTicks(stat)).isEqualTo(1234 + 567);
        assertThat(ProcessSampler.rssKb("Name:\tjava\nVmPeak:\t 9 kB\nVmRSS:\t  204800 kB\nThreads: 40\n"))
                .isEqualTo(204_800);
        assertThat(ProcessSampler.rssKb("Name:\tzombie\n")).isZero();
    }

    @Test
    void optionsAreReadAndBadOnesRefused() {
        BenchOptions o = BenchOptions.parse("--rate", "20", "--duration=PT1M", "--shared-jvm", "--max-outstanding", "50");
        assertThat(o.rate()).isEqualTo(20);
        assertThat(o.duration().toSeconds()).isEqualTo(60);
        assertThat(o.sharedJvm()).isTrue();
        assertThat(o.findMax()).isFalse();
        assertThat(o.maxOutstanding()).isEqualTo(50);
        assertThat(BenchOptions.parse().rate()).isEqualTo(50);
        assertThat(BenchOptions.parse().duration().toMinutes()).isEqualTo(5);
        assertThat(BenchOptions.parse().warmup().toSeconds()).isEqualTo(30);
        assertThat(BenchOptions.parse("--warmup", "PT0S").warmup()).isZero();
        assertThatThrownBy(() -> BenchOptions.parse("--rat", "5")).hasMessageContaining("unknown argument --rat");
        assertThatThrownBy(() -> BenchOptions.parse("--rate", "0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse("--find-max", "--closed-loop", "8"))
                .hasMessageContaining("closed-loop");
    }

    @Test
    void theMixIsTheLoadRunsWalletMixAndTheCampaignsMobileMoneyKinds() {
        assertThat(Benchmark.mix()).extracting(k -> k.label()).contains("airtime success", "pending then requery",
                "timeout after processing", "mobile money, collected", "mobile money, collected after pending")
                .doesNotContain("mobile money, throttled once");
        assertThat(Benchmark.mix()).filteredOn(k -> !k.mobileMoney()).allSatisfy(k ->
                assertThat(k.walletId()).isEqualTo("load-float-ngn"));
        assertThat(Benchmark.mix()).allSatisfy(k -> assertThat(k.account()).isNotNull());
    }

    /** Sent at T0 + offset; each stage at fixed times within {@code latency}. */
    @Test
    void aClosedLoopClientWaitsTheRetryAfterOfAShedRequestOnly() {
        assertThat(Arrivals.retryAfterNanos(503, "2")).isEqualTo(2_000_000_000L);
        assertThat(Arrivals.retryAfterNanos(503, " 1 ")).isEqualTo(1_000_000_000L);
        assertThat(Arrivals.retryAfterNanos(201, "2")).isZero();
        assertThat(Arrivals.retryAfterNanos(503, null)).isZero();
        assertThat(Arrivals.retryAfterNanos(503, "Fri, 04 Dec 2026 10:00:00 GMT")).isZero();
    }

    /** Step 3 at 2 orders/s for 50 s from T0: orders s0..s99, each a first-call success in 200 ms. */
    private static void stepOfFirstCallSuccesses(List<Arrivals.Sent> sent, List<OrderTimeline> orders) {
        for (int i = 0; i < 100; i++) {
            long at = T0 + i * 500L;
            sent.add(new Arrivals.Sent(i, 3, "airtime success", at, at + 5, 201, "s" + i));
            orders.add(firstCallSuccess("s" + i, i * 500L, 200));
        }
    }

    static OrderTimeline firstCallSuccess(String id, long offset, long latency) {
        long t = T0 + offset;
        OrderTimeline o = new OrderTimeline(id);
        o.placed("airtime success", t, t + 15, true);
        o.event("OrderAccepted", "vendstream.orders", t + 20, null, null);
        o.event("VendRequested", "vendstream.vend.requests", t + 30, null, null);
        o.providerCall(t + 55);
        o.event("VendSucceeded", "vendstream.vend.outcomes", t + 95, "vtpass", "R-" + id);
        o.event("OrderCompleted", "vendstream.orders", t + latency, null, null);
        return o;
    }
}
