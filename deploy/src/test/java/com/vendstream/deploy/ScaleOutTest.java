package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How {@link ProcessStack} makes several instances of each service: names, ports, and a Pawacard reference node
 * per process (processes on one host would otherwise derive the same node and could issue the same reference).
 */
class ScaleOutTest {

    private final List<Stack.App> services = Stack.services(new Stack.Ports(8081, 8090, 8080, 8082, 8083, 8084),
            "localhost:9092", "http://localhost:8081", "mongodb://localhost:27017/vendstream", "http://localhost:8090",
            Map.of());
    private final AtomicInteger nextFree = new AtomicInteger(40_000);

    @Test
    void twoInstancesOfEachServiceHaveTheirOwnNamesPortsAndPawacardReferenceNodes() {
        Map<String, List<Stack.App>> scaled = ProcessStack.scaleOut(services, 2, nextFree::getAndIncrement);

        assertThat(scaled).containsOnlyKeys(ProcessStack.SERVICES);
        assertThat(scaled.get("order-service")).extracting(Stack.App::name)
                .containsExactly("order-service-1", "order-service-2");
        assertThat(scaled.get("order-service")).extracting(Stack.App::port).containsExactly(8080, 40_000);
        List<Stack.App> all = scaled.values().stream().flatMap(List::stream).toList();
        assertThat(all).extracting(Stack.App::port).doesNotHaveDuplicates();
        assertThat(all).allSatisfy(app -> assertThat(app.fixed()).as(app.name()).containsKey(ProcessStack.PAWACARD_NODE));
        assertThat(all).extracting(app -> app.fixed().get(ProcessStack.PAWACARD_NODE)).doesNotHaveDuplicates();
        // Everything else an instance is given is its service's.
        Stack.App vend2 = scaled.get("vend-service").get(1);
        assertThat(vend2.defaults()).isEqualTo(services.get(1).defaults());
        assertThat(vend2.fixed()).containsEntry("spring.config.name", services.get(1).fixed().get("spring.config.name"));
    }

    @Test
    void oneInstanceIsTheServiceItself() {
        Map<String, List<Stack.App>> scaled = ProcessStack.scaleOut(services, 1, nextFree::getAndIncrement);

        assertThat(scaled.values()).allSatisfy(instances -> assertThat(instances).hasSize(1));
        assertThat(scaled.values().stream().map(i -> i.get(0)).toList()).containsExactlyElementsOf(services);
    }

    @Test
    void moreInstancesThanPawacardReferenceNodesAreRefused() {
        assertThatThrownBy(() -> ProcessStack.scaleOut(services, 23, nextFree::getAndIncrement))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Pawacard reference node");
    }
}
