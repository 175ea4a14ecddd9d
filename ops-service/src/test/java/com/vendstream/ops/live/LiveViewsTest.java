package com.vendstream.ops.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.ops.live.LiveView.GroupLag;
import com.vendstream.ops.live.LiveView.ProviderHealth;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the view is put together from what each source answered. */
class LiveViewsTest {

    static final Instant AT = Instant.parse("2026-03-02T09:00:00Z");

    static final String ORDER_SERVICE = """
            vendstream_order_state{state="VENDING"} 3.0
            vendstream_order_state{state="UNRESOLVED"} 2.0
            vendstream_order_stuck{state="VENDING"} 1.0
            vendstream_order_blocked{reason="PAYOUT_FAILED",state="REFUNDING"} 1.0
            vendstream_wallet_topup_stuck{state="DEBITED"} 0.0
            vendstream_outbox_stuck{collection="orders"} 4.0
            resilience4j_circuitbreaker_state{guard="verify",name="vtpass",provider="vtpass",state="closed"} 1.0
            resilience4j_circuitbreaker_state{guard="verify",name="vtpass",provider="vtpass",state="open"} 0.0
            resilience4j_circuitbreaker_failure_rate{guard="verify",name="vtpass",provider="vtpass"} 10.0
            vendstream_provider_calls_seconds{operation="verify",outcome="ok",provider="vtpass",quantile="0.5"} 0.2
            vendstream_provider_calls_seconds{operation="verify",outcome="ok",provider="vtpass",quantile="0.95"} 0.9
            vendstream_provider_calls_seconds_count{operation="verify",outcome="ok",provider="vtpass"} 30
            """;
    static final String VEND_SERVICE = """
            vendstream_vend_overdue{state="SENDING"} 2.0
            vendstream_outbox_stuck{collection="vends"} 0.0
            resilience4j_circuitbreaker_state{guard="vend",name="vtpass",provider="vtpass",state="half_open"} 1.0
            resilience4j_circuitbreaker_state{guard="vend",name="vtpass",provider="vtpass",state="closed"} 0.0
            resilience4j_circuitbreaker_failure_rate{guard="vend",name="vtpass",provider="vtpass"} 55.0
            vendstream_provider_calls_seconds{operation="vend",outcome="ok",provider="vtpass",quantile="0.5"} 0.4
            vendstream_provider_calls_seconds{operation="vend",outcome="ok",provider="vtpass",quantile="0.95"} 0.6
            vendstream_provider_calls_seconds_count{operation="vend",outcome="ok",provider="vtpass"} 12
            vendstream_provider_calls_seconds_count{operation="vend",outcome="failure",provider="vtpass"} 8
            resilience4j_circuitbreaker_state{guard="vend",name="pawacard",provider="pawacard",state="closed"} 1.0
            resilience4j_circuitbreaker_failure_rate{guard="vend",name="pawacard",provider="pawacard"} -1.0
            vendstream_provider_calls_seconds{operation="vend",outcome="ok",provider="pawacard",quantile="0.5"} 0.0
            """;

    private static Map<String, List<PrometheusText.Sample>> scrapes(String order, String vend, String poller) {
        Map<String, List<PrometheusText.Sample>> scrapes = new LinkedHashMap<>();
        scrapes.put("order-service", order == null ? null : PrometheusText.parse(order));
        scrapes.put("vend-service", vend == null ? null : PrometheusText.parse(vend));
        scrapes.put("status-poller", poller == null ? null : PrometheusText.parse(poller));
        return scrapes;
    }

    private static ProviderHealth provider(LiveView view, String id) {
        return view.providers().stream().filter(p -> p.provider().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aProviderShowsItsWorstBreakerHighestRateSlowestOperationAndAllItsCalls() {
        LiveView view = LiveViews.assemble(AT, scrapes(ORDER_SERVICE, VEND_SERVICE, null),
                new KafkaFigures(List.of(new GroupLag("vend-service", "vendstream.vend.requests", 5))), 4L, 3L);

        ProviderHealth vtpass = provider(view, "vtpass");
        assertThat(vtpass.breaker()).isEqualTo("HALF_OPEN");
        assertThat(vtpass.errorRate()).isEqualTo(0.55);
        assertThat(vtpass.latencyMs()).isEqualTo(new LiveView.Latency(400.0, 900.0));
        assertThat(vtpass.calls()).isEqualTo(50);
        assertThat(vtpass.breakers()).extracting(LiveView.Breaker::source, LiveView.Breaker::guard,
                LiveView.Breaker::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("order-service", "verify", "CLOSED"),
                org.assertj.core.groups.Tuple.tuple("vend-service", "vend", "HALF_OPEN"));
        // No rate before the breaker's minimum of calls, and no latency without recent calls: null, not zero.
        ProviderHealth pawacard = provider(view, "pawacard");
        assertThat(pawacard.breaker()).isEqualTo("CLOSED");
        assertThat(pawacard.errorRate()).isNull();
        assertThat(pawacard.latencyMs()).isNull();

        assertThat(view.orders()).containsEntry("VENDING", 3L).containsEntry("UNRESOLVED", 2L);
        assertThat(view.unresolvedVends()).as("the back office's queue").isEqualTo(4);
        assertThat(view.stuck().orders()).containsEntry("VENDING", 1L);
        assertThat(view.stuck().blockedOrders()).containsEntry("REFUNDING/PAYOUT_FAILED", 1L);
        assertThat(view.stuck().vends()).containsEntry("SENDING", 2L);
        assertThat(view.stuck().outbox()).containsEntry("order-service/orders", 4L)
                .containsEntry("vend-service/vends", 0L);
        assertThat(view.lag()).containsExactly(new GroupLag("vend-service", "vendstream.vend.requests", 5));
        assertThat(view.deadLetters()).isEqualTo(3);
        assertThat(view.sources()).containsExactly(Map.entry("order-service", "ok"),
                Map.entry("vend-service", "ok"), Map.entry("status-poller", "unreachable"), Map.entry("kafka", "ok"));
    }

    @Test
    void whatAnUnreachableSourceWouldTellIsUnknownNotZero() {
        LiveView view = LiveViews.assemble(AT, scrapes(null, VEND_SERVICE, null), null, null, null);

        assertThat(view.orders()).isNull();
        assertThat(view.unresolvedVends()).isNull();
        assertThat(view.lag()).isNull();
        assertThat(view.deadLetters()).isNull();
        assertThat(view.sources()).containsEntry("order-service", "unreachable").containsEntry("kafka", "unreachable");
        // What vend-service still says is shown.
        assertThat(provider(view, "vtpass").breaker()).isEqualTo("HALF_OPEN");
        assertThat(provider(view, "vtpass").calls()).isEqualTo(20);
    }

    @Test
    void aProviderSeenOnlyInCallsHasAnUnknownBreakerAndOpenBeatsEverything() {
        LiveView view = LiveViews.assemble(AT, scrapes("""
                vendstream_provider_calls_seconds_count{operation="collection",outcome="ok",provider="dollr"} 1
                resilience4j_circuitbreaker_state{guard="payments",name="x",provider="x",state="forced_open"} 1.0
                resilience4j_circuitbreaker_state{guard="catalogue",name="x",provider="x",state="half_open"} 1.0
                """, null, null), null, 0L, 0L);
        assertThat(provider(view, "dollr").breaker()).isEqualTo("UNKNOWN");
        assertThat(provider(view, "x").breaker()).isEqualTo("OPEN");
    }
}
