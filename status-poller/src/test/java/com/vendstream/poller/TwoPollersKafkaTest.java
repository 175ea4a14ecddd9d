package com.vendstream.poller;

import static com.vendstream.poller.PollerTestSupport.vendPending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.VendFailed;
import com.vendstream.events.VendSucceeded;
import com.vendstream.kit.events.Events;
import com.vendstream.poller.requery.DueTimers;
import com.vendstream.schemas.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two status-poller instances (two application contexts, one consumer group) on one broker and
 * one store: every vend is requeried by one instance at a time, each vend gets one terminal event,
 * and when an instance stops, the other takes its schedules over from storage and finishes them.
 */
class TwoPollersKafkaTest {

    static PollerTestSupport infra;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;

    @BeforeAll
    static void start() {
        ScriptedProviders.RECORD.clear();
        infra = new PollerTestSupport();
        a = infra.startPoller("A");
        b = infra.startPoller("B");
        await().atMost(Duration.ofSeconds(90)).until(() -> owned(a) > 0 && owned(b) > 0 && owned(a) + owned(b) == 12);
    }

    static int owned(ConfigurableApplicationContext ctx) {
        return ctx.isActive() ? ctx.getBean(DueTimers.class).owned() : 0;
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext ctx : new ConfigurableApplicationContext[] {a, b}) {
            if (ctx != null && ctx.isActive()) {
                ctx.close();
            }
        }
        infra.close();
    }

    /** Distinct terminal (success or failure) event ids published per order. */
    static Map<String, Set<String>> terminalEventIds(List<String> orders) {
        return orders.stream().collect(Collectors.toMap(o -> o, o -> infra.eventsFor(o).stream()
                .filter(e -> e instanceof VendSucceeded || e instanceof VendFailed)
                .map(e -> Events.envelope(e).getEventId()).collect(Collectors.toSet())));
    }

    @Test
    void twoInstancesShareTheVendsButNeverRequeryOneTwiceAtOnceAndStopAnInstanceWithoutLosingAny() {
        List<String> orders = IntStream.range(0, 20).mapToObj(i -> "o-slow-" + i).toList();
        for (int i = 0; i < orders.size(); i++) {
            infra.send(Topics.VEND_OUTCOMES, orders.get(i), vendPending(orders.get(i), ScriptedProviders.PROVIDER,
                    "slow-" + i));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> terminalEventIds(orders).values().stream().allMatch(ids -> ids.size() == 1));
        // Confirming requeries follow each resolution; none of them publishes a second terminal event.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> terminalEventIds(orders).values().stream().allMatch(ids -> ids.size() == 1));
        for (String order : orders) {
            List<SpecificRecord> events = infra.eventsFor(order);
            assertThat(events).allSatisfy(e -> assertThat(e).isInstanceOf(VendSucceeded.class));
        }
        assertThat(ScriptedProviders.RECORD.maxInFlightPerReference.get())
                .as("requeries of one vend in flight at once").isEqualTo(1);
        Set<String> instances = IntStream.range(0, 20).boxed()
                .flatMap(i -> ScriptedProviders.RECORD.calls("slow-" + i).stream())
                .map(ScriptedProviders.Call::instance).collect(Collectors.toSet());
        assertThat(instances).as("both instances drive schedules").containsExactlyInAnyOrder("A", "B");

        // Hand-over: vends that stay pending until the provider knows, then instance A stops.
        List<String> handover = IntStream.range(0, 12).mapToObj(i -> "o-hand-" + i).toList();
        for (int i = 0; i < handover.size(); i++) {
            infra.send(Topics.VEND_OUTCOMES, handover.get(i), vendPending(handover.get(i),
                    ScriptedProviders.PROVIDER, "handover-" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> IntStream.range(0, 12)
                .allMatch(i -> !ScriptedProviders.RECORD.calls("handover-" + i).isEmpty()));
        List<String> drivenByA = IntStream.range(0, 12).mapToObj(i -> "handover-" + i)
                .filter(ref -> ScriptedProviders.RECORD.calls(ref).stream().allMatch(c -> c.instance().equals("A")))
                .toList();
        assertThat(drivenByA).as("instance A drove some of them").isNotEmpty();

        a.close();
        ScriptedProviders.RECORD.answerNow.add("handover");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> terminalEventIds(handover).values().stream().allMatch(ids -> ids.size() == 1));
        for (String ref : drivenByA) {
            List<ScriptedProviders.Call> calls = ScriptedProviders.RECORD.calls(ref);
            assertThat(calls.get(calls.size() - 1).instance()).as("who finished " + ref).isEqualTo("B");
        }
        assertThat(ScriptedProviders.RECORD.maxInFlightPerReference.get()).isEqualTo(1);
        for (String order : handover) {
            assertThat(infra.eventsFor(order)).anySatisfy(e -> assertThat(e).isInstanceOf(VendSucceeded.class));
        }
    }
}
