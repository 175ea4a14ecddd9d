package com.vendstream.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.VendSucceeded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void catalogueHasExactlyTheAgreedTopics() {
        assertThat(Arrays.stream(Topics.values()).map(Topics::topic)).containsExactly(
                "vendstream.checkout.orders", "vendstream.orders", "vendstream.vend.requests",
                "vendstream.vend.outcomes", "vendstream.vend.resolutions", "vendstream.payments",
                "vendstream.payment.resolutions", "vendstream.recon.ledgers", "vendstream.recon.discrepancies",
                "vendstream.ops.audit", "vendstream.ops.decisions", "_schemas");
        assertThat(Topics.ORDERS.valueTypes()).extracting(Class::getSimpleName)
                .containsExactly("OrderAccepted", "OrderRejected", "OrderCompleted", "OrderRefunded");
        assertThat(Topics.VEND_RESOLUTIONS.valueTypes()).extracting(Class::getSimpleName)
                .containsExactly("VendSucceeded", "VendFailed", "VendUnresolved");
        assertThat(Topics.PAYMENT_RESOLUTIONS.valueTypes()).extracting(Class::getSimpleName)
                .containsExactly("PaymentCollected", "PaymentFailed", "PayoutSucceeded", "PayoutFailed",
                        "PaymentUnresolved");
        assertThat(Topics.RECON_LEDGERS.cleanupPolicy()).isEqualTo(Topics.CleanupPolicy.COMPACT);
        assertThat(Topics.RECON_LEDGERS.partitions()).isEqualTo(3);
        assertThat(Topics.SCHEMAS.partitions()).isEqualTo(1);
        assertThat(Topics.CHECKOUT_ORDERS.writer()).isEqualTo("checkout");
        assertThat(Topics.writtenBy("ops-service")).containsExactly(Topics.OPS_AUDIT, Topics.OPS_DECISIONS);
        assertThat(Topics.OPS_DECISIONS.consumerGroups()).containsExactly("status-poller");
        assertThat(Topics.OPS_AUDIT.consumerGroups()).isEmpty();
    }

    @Test
    void everyEventRecordTravelsOnSomeTopic() throws IOException {
        Set<String> carried = Arrays.stream(Topics.values()).flatMap(t -> t.valueTypes().stream())
                .map(Class::getSimpleName).collect(Collectors.toSet());
        try (var files = Files.list(Path.of("src/main/avro"))) {
            List<String> events = files.filter(p -> p.toString().endsWith(".avsc"))
                    .map(p -> p.getFileName().toString().replace(".avsc", "")).toList();
            assertThat(events).hasSize(20);
            assertThat(carried).containsExactlyInAnyOrderElementsOf(events);
        }
    }

    @Test
    void lookups() {
        assertThat(Topics.byName("vendstream.payments")).contains(Topics.PAYMENTS);
        assertThat(Topics.byName("nope")).isEmpty();
        assertThat(Topics.writtenBy("status-poller")).containsExactly(Topics.VEND_RESOLUTIONS,
                Topics.PAYMENT_RESOLUTIONS);
        List<Topics> vendSucceeded = Topics.carrying(VendSucceeded.class);
        assertThat(vendSucceeded).containsExactly(Topics.VEND_OUTCOMES, Topics.VEND_RESOLUTIONS);
        assertThat(Topics.ORDERS.carries(OrderAccepted.class)).isTrue();
        assertThat(Topics.ORDERS.carries(OrderPlaced.class)).isFalse();
        for (Topics t : Topics.values()) {
            for (Class<? extends SpecificRecord> type : t.valueTypes()) {
                assertThat(SpecificRecord.class).isAssignableFrom(type);
            }
        }
    }

    @Test
    void deadLetterTopicNames() {
        assertThat(Topics.deadLetter("vendstream.vend.requests", "vend-service"))
                .isEqualTo("vendstream.vend.requests.vend-service.dlq");
        assertThat(Topics.VEND_OUTCOMES.deadLetter("order-service"))
                .isEqualTo("vendstream.vend.outcomes.order-service.dlq");
        assertThatThrownBy(() -> Topics.deadLetter("vendstream.orders", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void consumerGroupsNameTheDeadLetterTopics() {
        assertThat(Topics.VEND_OUTCOMES.consumerGroups())
                .containsExactly("order-service", "status-poller", "reconciliation-service");
        assertThat(Topics.VEND_REQUESTS.deadLetters()).containsExactly("vendstream.vend.requests.vend-service.dlq");
        assertThat(Topics.RECON_LEDGERS.deadLetters()).isEmpty();
        assertThat(Topics.SCHEMAS.deadLetters()).isEmpty();
        // One per consumed topic and group: the fourteen the services create (service-kit ConsumerFailures).
        assertThat(Topics.deadLetterTopics()).hasSize(14).doesNotHaveDuplicates()
                .contains("vendstream.checkout.orders.order-service.dlq",
                        "vendstream.payment.resolutions.reconciliation-service.dlq");
        assertThat(Topics.values()).allSatisfy(t -> assertThat(t.writer()).isNotBlank());
    }

    @Test
    void newTopicCarriesPartitionsAndCleanupPolicy() {
        NewTopic ledgers = Topics.RECON_LEDGERS.newTopic((short) 1);
        assertThat(ledgers.name()).isEqualTo("vendstream.recon.ledgers");
        assertThat(ledgers.numPartitions()).isEqualTo(3);
        assertThat(ledgers.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.ORDERS.newTopic((short) 3).configs()).containsEntry("cleanup.policy", "delete");
    }

    @Test
    void renderings() throws IOException {
        assertThat(Topics.toYaml()).contains("  - name: vendstream.recon.ledgers\n    partitions: 3\n"
                + "    cleanupPolicy: compact\n    key: \"merchantId|businessDay|provider|service|currency\"\n"
                + "    writer: reconciliation-service\n    values: [DailyLedger]\n    consumerGroups: []\n");
        assertThat(Topics.toYaml()).contains("    consumerGroups: [status-poller, reconciliation-service]\n");
        // The README's table is the generated one; regenerate with Topics --markdown when the enum changes.
        assertThat(Files.readString(Path.of("README.md"))).contains(Topics.toMarkdown());
    }

    @Test
    void everyDeleteTopicSaysHowLongItKeepsAndEveryTopicWhatItMeans() {
        for (Topics t : Topics.values()) {
            assertThat(t.meaning()).as(t.topic()).isNotBlank();
            if (t.cleanupPolicy() == Topics.CleanupPolicy.COMPACT) {
                assertThat(t.retention()).as(t.topic()).isEmpty();
                assertThat(t.configs()).doesNotContainKey("retention.ms");
            } else {
                assertThat(t.retention()).as(t.topic()).isPresent();
                assertThat(t.configs()).containsEntry("retention.ms",
                        Long.toString(t.retention().orElseThrow().toMillis()));
            }
        }
        assertThat(Topics.ORDERS.configs()).containsEntry("retention.ms", "2592000000");
    }
}
