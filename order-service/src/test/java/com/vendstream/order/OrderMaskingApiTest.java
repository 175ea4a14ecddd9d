package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 4: every copy of the customer's account that a merchant gets is masked by the one rule
 * (Masking.account): the order's {@code account}, the receipt's account-like fields and any receipt value
 * that is the account, in the API response and in the order events on the orders topic. The vend request
 * to vend-service, which must reach the provider, keeps the number.
 */
class OrderMaskingApiTest extends ApiTestSupport {

    private static final String METER = "1111111111111";
    private static final String PHONE = "08011111111";

    @Test
    @SuppressWarnings("unchecked")
    void theReceiptCarriesNoAccountInFullInTheResponseOrInTheMerchantsEvents() {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("clientReference", ref(), "service", "ELECTRICITY",
                "billerId", "IKEDC", "itemId", "prepaid", "account", METER, "customerPhone", PHONE,
                "amount", Map.of("minor", 100_000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        String orderId = place(DEMO, body);
        Map<String, String> receipt = new LinkedHashMap<>();
        receipt.put("meterNumber", METER);
        receipt.put("accountNo", "2222222222");
        receipt.put("billersCode", "3333333333");
        receipt.put("customerPhone", PHONE);
        receipt.put("echo", METER);
        receipt.put("message", "Token for meter " + METER + " issued");
        receipt.put("customerName", "TESTMETER1");
        receipt.put("tariff", "R2 Single Phase");
        publish(VendSucceeded.newBuilder().setEnvelope(Envelopes.create(
                        Envelopes.eventId(orderId, "VendSucceeded", "m"), VendSucceeded.class, orderId, Instant.now(),
                        LocalDate.now(), "demo-merchant", "vend-service", orderId, null))
                .setVend(new VendRef("vtpass", "ref-" + orderId, "tx-1")).setAmount(new Money(100_000L, "NGN"))
                .setToken("1234-5678-9012").setUnits("79.9 kWh").setPins(List.of()).setReceipt(receipt)
                .setResolvedBy(Resolution.VEND_CALL).build(), orderId);
        awaitState(orderId, "COMPLETED");

        Map<String, Object> order = order(DEMO, orderId);
        assertThat(order.get("account")).isEqualTo("*********1111");
        Map<String, String> shown = (Map<String, String>) ((Map<String, Object>) order.get("vend")).get("receipt");
        assertMasked(shown);
        assertThat(order.toString()).doesNotContain(METER, PHONE, "2222222222", "3333333333");
        assertThat(((Map<String, Object>) order.get("vend")).get("token")).isEqualTo("1234-5678-9012");

        List<SpecificRecord> events = eventsOf(orderId, 3);
        OrderAccepted accepted = only(events, OrderAccepted.class);
        assertThat(accepted.getLine().getAccount()).isEqualTo("*********1111");
        assertThat(accepted.getLine().getCustomerPhone()).isEqualTo("*******1111");
        OrderCompleted completed = only(events, OrderCompleted.class);
        assertMasked(completed.getReceipt());
        assertThat(completed.getToken()).isEqualTo("1234-5678-9012");
        // Internal: the vend request must carry the number the provider vends to.
        assertThat(only(events, VendRequested.class).getLine().getAccount()).isEqualTo(METER);
    }

    private static void assertMasked(Map<String, String> receipt) {
        assertThat(receipt).containsEntry("meterNumber", "*********1111")
                .containsEntry("accountNo", "******2222")
                .containsEntry("billersCode", "******3333")
                .containsEntry("customerPhone", "*******1111")
                .containsEntry("echo", "*********1111")
                .containsEntry("message", "Token for meter *********1111 issued")
                .containsEntry("customerName", "TESTMETER1")
                .containsEntry("tariff", "R2 Single Phase");
    }

    private static <T> T only(List<SpecificRecord> events, Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static List<SpecificRecord> eventsOf(String orderId, int atLeast) {
        List<SpecificRecord> events = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Infrastructure.kafka.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "masking-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName(),
                "schema.registry.url", Infrastructure.registryUrl(), "specific.avro.reader", "true"))) {
            consumer.subscribe(List.of(Topics.ORDERS.topic(), Topics.VEND_REQUESTS.topic()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                    if (orderId.equals(r.key())) {
                        events.add((SpecificRecord) r.value());
                    }
                }
                return events.size() >= atLeast;
            });
        }
        return events;
    }
}
