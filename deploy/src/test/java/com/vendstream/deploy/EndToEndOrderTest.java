package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.ops.live.LiveService;
import com.vendstream.ops.live.LiveView;
import com.vendstream.schemas.envelope.Envelopes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * One order end to end on real parts: an embedded KRaft broker, the in-process Confluent-API
 * registry, a MongoDB wire-protocol store, the provider sandbox over HTTP, and the services.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndOrderTest {

    private RealParts system;
    private String registryUrl;

    @BeforeAll
    void startSystem() {
        system = new RealParts(Map.of());
        registryUrl = system.url("schema-registry");
    }

    @AfterAll
    void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void everyServiceReportsItselfHealthyWhileTheStoreAndBrokerAreUp() throws Exception {
        // The store answers the health indicator's hello; before, every service was 503 DOWN here.
        for (String service : List.of("order-service", "vend-service", "status-poller", "reconciliation-service",
                "ops-service")) {
            HttpResponse<String> health = system.actuator(service, "/health");
            assertThat(health.statusCode()).as(service + " " + health.body()).isEqualTo(200);
            assertThat(system.json.readTree(health.body()).path("status").asString()).isEqualTo("UP");
        }
        // ops-service's Spring Security is its own: its API needs a login, the other services' actuators do not.
        HttpResponse<String> opsSession = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(system.url("ops-service") + "/ops/v1/session")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(opsSession.statusCode()).isEqualTo(401);
        // The web console is ops-service's alone, although every service here shares one classpath.
        for (String service : List.of("ops-service", "vend-service", "status-poller")) {
            HttpResponse<String> console = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(system.url(service) + "/console/app.js")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(console.statusCode()).as(service).isEqualTo(service.equals("ops-service") ? 200 : 404);
        }
        // The back office (whose demo passwords the local stack prints) listens on the loopback interface only.
        assertThat(system.stack.context("ops-service").getEnvironment().getProperty("server.address"))
                .isEqualTo("127.0.0.1");
        // Its reconciliation pages call this stack's reconciliation-service.
        assertThat(system.stack.context("ops-service").getEnvironment().getProperty("vendstream.ops.recon.url"))
                .isEqualTo(system.url("reconciliation-service"));
        assertThat(system.actuator("order-service", "/prometheus").statusCode()).isEqualTo(200);
    }

    @Test
    void theBackOfficesLiveViewReadsEveryServiceAndTheBroker() {
        // The stack points ops-service's live view at the services it started (vendstream.ops.sources.*).
        LiveService live = system.stack.context("ops-service").getBean(LiveService.class);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            LiveView view = live.view().block(Duration.ofSeconds(15));
            assertThat(view.sources()).containsOnly(Map.entry("order-service", "ok"), Map.entry("vend-service", "ok"),
                    Map.entry("status-poller", "ok"), Map.entry("reconciliation-service", "ok"),
                    Map.entry("kafka", "ok"));
            assertThat(view.orders()).containsKeys("RECEIVED", "VENDING", "COMPLETED");
            // vend-service's guard shows its breaker for each provider from the start.
            assertThat(view.providers()).filteredOn(p -> p.provider().equals("vtpass")).singleElement()
                    .satisfies(p -> assertThat(p.breakers()).anySatisfy(b -> {
                        assertThat(b.source()).isEqualTo("vend-service");
                        assertThat(b.guard()).isEqualTo("vend");
                        assertThat(b.state()).isEqualTo("CLOSED");
                    }));
            assertThat(view.lag()).extracting(LiveView.GroupLag::group).contains("order-service", "vend-service",
                    "status-poller", "reconciliation-service");
        });
    }

    @Test
    void anHttpOrderCompletesWithAToken() throws Exception {
        String clientReference = "e2e-" + UUID.randomUUID();
        HttpResponse<String> created = system.post(Map.of("clientReference", clientReference, "service", "ELECTRICITY",
                "billerId", "IKEDC", "itemId", "prepaid", "account", "1111111111111", "customerPhone", "08011111111",
                "amount", Map.of("minor", 100000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String orderId = system.json.readTree(created.body()).path("orderId").asString();

        JsonNode order = awaitState(orderId, "COMPLETED");
        assertThat(order.path("vend").path("provider").asString()).isEqualTo("vtpass");
        assertThat(order.path("vend").path("token").asString()).matches("[0-9 -]{16,}");
        assertThat(order.path("account").asString()).endsWith("1111").startsWith("*");

        // The same request again is answered with the same order, not a second one.
        HttpResponse<String> replay = system.post(Map.of("clientReference", clientReference, "service", "ELECTRICITY",
                "billerId", "IKEDC", "itemId", "prepaid", "account", "1111111111111", "customerPhone", "08011111111",
                "amount", Map.of("minor", 100000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(system.json.readTree(replay.body()).path("orderId").asString()).isEqualTo(orderId);

        // Every event of the order decodes as Confluent-framed Avro with the registry's schema.
        List<String> types = eventTypes(orderId, List.of("vendstream.orders", "vendstream.vend.requests",
                "vendstream.vend.outcomes"), 4);
        assertThat(types).contains("OrderAccepted", "VendRequested", "VendSucceeded", "OrderCompleted");
    }

    @Test
    void aCheckoutEventBecomesACompletedOrder() throws Exception {
        String clientReference = "checkout-" + UUID.randomUUID();
        String checkoutOrderId = UUID.randomUUID().toString();
        Envelope envelope = Envelopes.create(UUID.randomUUID().toString(), OrderPlaced.class, checkoutOrderId,
                Instant.now(), LocalDate.now(), "demo-merchant", "checkout", checkoutOrderId, null);
        OrderPlaced placed = OrderPlaced.newBuilder().setEnvelope(envelope).setClientReference(clientReference)
                .setLine(OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId("MTN")
                        .setAccount("08011111111").setCustomerPhone("08011111111")
                        .setAmount(new Money(50000L, "NGN")).build())
                .setPaymentMethod(PaymentMethod.WALLET).setWalletId("demo-float-ngn").build();
        // Signed as the demo merchant's checkout system signs (the stack configures its key).
        try (KafkaProducer<String, Object> producer = CheckoutDemo.producer(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrap(),
                "schema.registry.url", registryUrl))) {
            producer.send(new ProducerRecord<>("vendstream.checkout.orders", checkoutOrderId, placed)).get();
        }
        String orderId = await().atMost(Duration.ofSeconds(30)).until(() -> findByReference(clientReference),
                id -> id != null);
        JsonNode order = awaitState(orderId, "COMPLETED");
        assertThat(order.path("vend").path("provider").asString()).isEqualTo("vtpass");
    }

    /** Invariant 7: the whole system's log output during an order carries none of its secrets. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void noSecretOrCustomerNumberReachesTheLogs(CapturedOutput output) throws Exception {
        String meter = "1111111111111";
        String phone = "08011111111";
        HttpResponse<String> created = system.post(Map.of("clientReference", "logs-" + UUID.randomUUID(),
                "service", "ELECTRICITY", "billerId", "IKEDC", "itemId", "prepaid", "account", meter,
                "customerPhone", phone, "amount", Map.of("minor", 100000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String orderId = system.json.readTree(created.body()).path("orderId").asString();
        String token = awaitState(orderId, "COMPLETED").path("vend").path("token").asString();

        // The capture saw the vend, with the meter masked (so an empty capture cannot pass) ...
        assertThat(output.getAll()).contains("VTpass vend", "*********1111");
        // ... and none of the customer's numbers, the token, the API key or a provider credential.
        assertThat(output.getAll()).doesNotContain(meter, phone, token, token.replaceAll("[^0-9]", ""),
                Demo.API_KEY, "SK_sandbox", "sandbox-api-key", "sandbox-password", "dollr-sandbox-secret");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void noWalletPinVendedPinOrCustomerEmailReachesTheLogs(CapturedOutput output) throws Exception {
        String pin = "7390";
        String email = "private.person." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> opened = system.post("/wallets", Map.of("customerId", "logs-" + UUID.randomUUID(),
                "currency", "NGN", "pin", pin));
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
        String walletId = system.json.readTree(opened.body()).path("walletId").asString();
        HttpResponse<String> topUp = system.post("/wallets/" + walletId + "/top-ups", Map.of("reference",
                "logs-" + UUID.randomUUID(), "fromWalletId", "demo-float-ngn",
                "amount", Map.of("minor", 500_000, "currency", "NGN")));
        assertThat(topUp.statusCode()).as(topUp.body()).isEqualTo(201);
        // Two WAEC result-checker PINs, paid with the wallet's PIN.
        String orderId = system.place(Map.of("clientReference", "logs-" + UUID.randomUUID(), "service", "EDUCATION",
                "billerId", "WAEC", "itemId", "waecdirect", "account", "08011111111", "quantity", 2,
                "amount", Map.of("minor", 180_000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", walletId, "pin", pin)));
        JsonNode pins = awaitState(orderId, "COMPLETED").path("vend").path("pins");
        assertThat(pins).hasSize(2);
        HttpResponse<String> verified = system.post("/accounts/verify", Map.of("service", "DATA", "billerId", "SMILE",
                "account", email));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);

        String logs = output.getAll();
        // The capture saw the order (so an empty capture cannot pass) ...
        assertThat(logs).contains("VTpass vend");
        // ... but neither vended PIN, the customer's email, a PIN hash, nor the wallet PIN next to the word.
        pins.forEach(p -> assertThat(logs).doesNotContain(p.asString()));
        assertThat(logs).doesNotContain(email, "$2a$");
        assertThat(logs.lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).contains("pin")
                && line.contains(pin))).isEmpty();
    }

    @Test
    void aDeclinedVendIsRefunded() throws Exception {
        HttpResponse<String> created = system.post(Map.of("clientReference", "declined-" + UUID.randomUUID(),
                "service", "AIRTIME", "billerId", "GLO", "account", "08022222222",
                "amount", Map.of("minor", 20000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String orderId = system.json.readTree(created.body()).path("orderId").asString();
        JsonNode order = awaitState(orderId, "REFUNDED");
        assertThat(order.path("failureReason").asString()).contains("vend failed");
        // The order keeps which provider refused it and under which of our references.
        assertThat(order.path("vend").path("provider").asString()).isEqualTo("vtpass");
        assertThat(order.path("vend").path("providerReference").asString()).isNotBlank();
    }

    private JsonNode awaitState(String orderId, String state) {
        return system.awaitState(orderId, state, Duration.ofSeconds(45));
    }

    private String findByReference(String clientReference) throws Exception {
        JsonNode list = system.get("/orders?size=200");
        for (JsonNode o : list) {
            if (clientReference.equals(o.path("clientReference").asString())) {
                return o.path("orderId").asString();
            }
        }
        return null;
    }

    private List<String> eventTypes(String orderId, List<String> topics, int atLeast) throws Exception {
        ConfluentWireReader reader = new ConfluentWireReader(registryUrl);
        List<String> types = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.subscribe(topics);
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline) && types.size() < atLeast) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (!orderId.equals(record.key())) {
                        continue;
                    }
                    GenericRecord event = reader.read(record.value());
                    GenericRecord envelope = (GenericRecord) event.get("envelope");
                    assertThat(envelope.get("orderId").toString()).isEqualTo(orderId);
                    types.add(event.getSchema().getName());
                }
            }
        }
        return types;
    }
}
