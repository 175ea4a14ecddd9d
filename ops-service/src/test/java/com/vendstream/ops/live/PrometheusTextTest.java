package com.vendstream.ops.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.ops.live.PrometheusText.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    /** Lines as a service's /actuator/prometheus answers them (Micrometer 1.17 on the Prometheus client 1.x). */
    static final String SCRAPE = """
            # HELP resilience4j_circuitbreaker_state The states of the circuit breaker
            # TYPE resilience4j_circuitbreaker_state gauge
            resilience4j_circuitbreaker_state{guard="vend",name="vtpass",provider="vtpass",state="closed"} 0.0
            resilience4j_circuitbreaker_state{guard="vend",name="vtpass",provider="vtpass",state="open"} 1.0
            # TYPE vendstream_provider_calls_seconds summary
            vendstream_provider_calls_seconds{operation="vend",outcome="ok",provider="vtpass",quantile="0.95"} 0.117440512
            vendstream_provider_calls_seconds_count{operation="vend",outcome="ok",provider="vtpass"} 2
            resilience4j_circuitbreaker_failure_rate{guard="vend",name="vtpass",provider="vtpass"} -1.0
            jvm_gc_pause_seconds_bucket{le="+Inf"} 7
            process_start_time_seconds 1.764964800123E9
            """;

    @Test
    void readsNamesLabelsAndValuesAndSkipsComments() {
        List<Sample> samples = PrometheusText.parse(SCRAPE);

        assertThat(samples).hasSize(7);
        assertThat(samples.get(1)).isEqualTo(new Sample("resilience4j_circuitbreaker_state",
                Map.of("guard", "vend", "name", "vtpass", "provider", "vtpass", "state", "open"), 1.0));
        assertThat(samples.get(2).label("quantile")).isEqualTo("0.95");
        assertThat(samples.get(2).value()).isEqualTo(0.117440512);
        assertThat(samples.get(4).value()).isEqualTo(-1.0);
        assertThat(samples.get(5).label("le")).isEqualTo("+Inf");
        assertThat(samples.get(6)).isEqualTo(new Sample("process_start_time_seconds", Map.of(), 1.764964800123E9));
    }

    @Test
    void readsEscapedLabelValuesSpecialValuesAndTimestamps() {
        Sample escaped = PrometheusText.sample("m{a=\"say \\\"hi\\\"\",b=\"x\\\\y\",c=\"l1\\nl2\",d=\"a,b}\"} 3 1700000000000");
        assertThat(escaped.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "say \"hi\"", "b", "x\\y",
                "c", "l1\nl2", "d", "a,b}"));
        assertThat(escaped.value()).isEqualTo(3.0);
        assertThat(PrometheusText.sample("m NaN").value()).isNaN();
        assertThat(PrometheusText.sample("m{} +Inf").value()).isInfinite();
        assertThat(PrometheusText.sample("m{a=\"1\",} -Inf").value()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void aLineThatCannotBeReadIsSkippedNotTheText() {
        List<Sample> samples = PrometheusText.parse("good 1\nbad{a=\"unclosed} 2\nworse{a=1} 3\nnovalue\nx abc\n"
                + "also_good{k=\"v\"} 4\r\n");
        assertThat(samples).extracting(Sample::name).containsExactly("good", "also_good");
        assertThat(samples.get(1).value()).isEqualTo(4.0);
    }
}
