package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Money;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderRejected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.order.ApiTestSupport;
import com.vendstream.order.order.OrderStore;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 4: every copy of the customer's account that a merchant gets is masked by the one rule
 * (Masking.account): the order's {@code account}, the receipt's account-like fields and any receipt value
 * that is the account, in the API response and in the order events on the orders topic. The vend request
 * to vend-service, which must reach the provider, keeps the number. A payment provider's message quoting the
 * payer's number is masked wherever a merchant sees it.
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

        List<SpecificRecord> events = eventsOf(orderId, 3, Topics.ORDERS, Topics.VEND_REQUESTS);
        OrderAccepted accepted = only(events, OrderAccepted.class);
        assertThat(accepted.getLine().getAccount()).isEqualTo("*********1111");
        assertThat(accepted.getLine().getCustomerPhone()).isEqualTo("*******1111");
        OrderCompleted completed = only(events, OrderCompleted.class);
        assertMasked(completed.getReceipt());
        assertThat(completed.getToken()).isEqualTo("1234-5678-9012");
        // Internal: the vend request must carry the number the provider vends to.
        assertThat(only(events, VendRequested.class).getLine().getAccount()).isEqualTo(METER);
    }

    /**
     * A wallet operator's message quoting the payer's number, as status-poller passes it on in PaymentFailed
     * (Dollr is unreachable in these tests, so the collection waits, not sent, until the answer comes).
     */
    @Test
    void aPaymentFailureQuotingThePayersNumberReachesNeitherTheOrderNorTheMerchantsEvents() throws Exception {
        String payer = "231770000002";
        String orderId = place(DEMO, Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "LONESTAR",
                "account", "231770000007", "customerPhone", "231770000007",
                "amount", Map.of("minor", 10_000, "currency", "LRD"),
                "payment", Map.of("method", "MOBILE_MONEY", "payerPhone", payer)));
        awaitState(orderId, "AWAITING_PAYMENT");
        String reference = context.getBean(OrderStore.class).find(orderId).orElseThrow().paymentReference();

        PaymentFailed answer = PaymentFailed.newBuilder().setEnvelope(Envelopes.create(
                        Envelopes.eventId(orderId, "PaymentFailed", reference), PaymentFailed.class, orderId, Instant.now(),
                        LocalDate.now(), "demo-merchant", "status-poller", orderId, null))
                .setProvider("dollr").setReferenceId(reference).setAmount(new Money(10_000L, "LRD"))
                .setReason("Subscriber " + payer + " (0770000002, +231 77 000 0002) has insufficient funds").build();
        Infrastructure.producer.send(new ProducerRecord<>(Topics.PAYMENT_RESOLUTIONS.topic(), orderId, answer)).get();
        awaitState(orderId, "REJECTED");

        List<String> copies = List.of(payer, "0770000002", "77 000 0002");
        Map<String, Object> order = order(DEMO, orderId);
        assertThat(order.get("rejection").toString()).contains("insufficient funds");
        List<SpecificRecord> events = eventsOf(orderId, 2, Topics.ORDERS, Topics.PAYMENTS);
        assertThat(only(events, OrderRejected.class).getReasonMessage()).contains("insufficient funds");
        assertThat(only(events, PaymentFailed.class).getReason()).contains("insufficient funds");
        for (String copy : copies) {
            assertThat(order.toString()).doesNotContain(copy);
            assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(copy));
        }
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

    private static List<SpecificRecord> eventsOf(String orderId, int atLeast, Topics... topics) {
        List<SpecificRecord> events = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Infrastructure.parts.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "masking-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName(),
                "schema.registry.url", Infrastructure.registryUrl(), "specific.avro.reader", "true"))) {
            consumer.subscribe(java.util.Arrays.stream(topics).map(Topics::topic).toList());
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
