package com.vendstream.order;

import static org.awaitility.Awaitility.await;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PendingReason;
import com.vendstream.events.Resolution;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One running order-service for all API test classes (they extend this, so Spring's test context
 * cache hands them the same context): an embedded KRaft broker, the in-process schema registry, a
 * MongoDB wire store in memory and the provider sandbox, started once per JVM and stopped after the
 * context at JVM exit. VTpass points at the sandbox, so account verification is real; vend-service
 * is not part of this module, so the tests play its part by publishing vend outcomes on the topic
 * order-service consumes. Dollr points at a closed port: only its wiring is under test here.
 */
@SpringBootTest(classes = OrderServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=order-service", "vendstream.order.recovery-interval=PT1H"})
public abstract class ApiTestSupport {

    /** Started on first use; stopped by a shutdown hook, the application context first. */
    protected static final class Infrastructure {
        public static final EmbeddedParts parts;
        public static final ConfigurableApplicationContext sandbox;
        public static final KafkaProducer<String, Object> producer;
        static volatile ConfigurableApplicationContext app;

        static {
            parts = EmbeddedParts.start(6);
            sandbox = ProviderSandboxApplication.start(0, Map.of("vendstream.sandbox.latency.default", "5ms"));
            producer = new KafkaProducer<>(parts.avroProducerSettings());
            Runtime.getRuntime().addShutdownHook(new Thread(Infrastructure::stop, "api-test-infrastructure-stop"));
        }

        public static String registryUrl() {
            return parts.registryUrl();
        }

        public static String sandboxUrl() {
            return "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port");
        }

        private static void stop() {
            ConfigurableApplicationContext running = app;
            if (running != null) {
                running.close();
            }
            producer.close(Duration.ofSeconds(2));
            sandbox.close();
            parts.close();
        }
    }

    @DynamicPropertySource
    protected static void endpoints(DynamicPropertyRegistry props) {
        Infrastructure.parts.endpoints(props, "api");
        props.add("vendstream.providers.vtpass.base-url", () -> Infrastructure.sandboxUrl() + "/vtpass/api");
        props.add("vendstream.providers.pagamio.base-url", () -> Infrastructure.sandboxUrl() + "/pagamio/api/v1");
        props.add("vendstream.providers.pagamio.merchant-id", () -> "MER-1001");
        props.add("vendstream.providers.vtpass.merchant-phone", () -> "08011111111");
        props.add("vendstream.providers.dollr.base-url", () -> "http://localhost:1/dollr/v1");
    }

    public static final String DEMO = "demo-merchant-key";
    public static final String SECOND = "second-merchant-key";

    @LocalServerPort
    protected int port;
    @Autowired
    protected ConfigurableApplicationContext context;

    protected WebTestClient client;

    @BeforeEach
    protected void client() {
        Infrastructure.app = context;
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        awaitLiveCatalogues();
    }

    /**
     * The providers' listings are fetched in the background after start-up; until they arrive the
     * catalogue is configuration only. Every test sees the merged catalogue, so none depends on timing.
     */
    private void awaitLiveCatalogues() {
        if (cataloguesLive) {
            return;
        }
        for (String key : List.of(DEMO, SECOND)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<?> sources = client.get().uri("/v1/catalog/sources").header("Authorization", "Bearer " + key)
                        .exchange().expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
                return sources.stream().map(s -> (Map<?, ?>) s)
                        .filter(s -> List.of("vtpass", "pagamio").contains(s.get("provider")))
                        .allMatch(s -> "LIVE".equals(s.get("status")));
            });
        }
        cataloguesLive = true;
    }

    private static volatile boolean cataloguesLive;

    public static Map<String, Object> airtime(String reference, long minor, String walletId) {
        return airtime(reference, "MTN", "08011111111", minor, walletId);
    }

    public static Map<String, Object> airtime(String reference, String billerId, String phone, long minor, String walletId) {
        return Map.of("clientReference", reference, "service", "AIRTIME", "billerId", billerId,
                "account", phone, "amount", Map.of("minor", minor, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", walletId));
    }

    protected WebTestClient.ResponseSpec post(String key, Object body) {
        return client.post().uri("/v1/orders").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    protected WebTestClient.ResponseSpec get(String key, String uri) {
        return client.get().uri(uri).header("Authorization", "Bearer " + key).exchange();
    }

    /** Places an order that must be accepted (201) and returns its id. */
    protected String place(String key, Map<String, Object> body) {
        return post(key, body).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("orderId").toString();
    }

    @SuppressWarnings("unchecked")
    protected Map<String, Object> order(String key, String orderId) {
        return get(key, "/v1/orders/" + orderId).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    protected void awaitState(String orderId, String state) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> state.equals(order(DEMO, orderId).get("state")));
    }

    public static String ref() {
        return "t-" + UUID.randomUUID();
    }

    // --- vend-service's part: outcomes on vendstream.vend.outcomes, keyed by order id ---

    public static void publish(SpecificRecord event, String orderId) {
        try {
            Infrastructure.producer.send(new ProducerRecord<>(Topics.VEND_OUTCOMES.topic(), orderId, event)).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish " + event.getClass().getSimpleName(), e);
        }
    }

    private static Envelope envelope(String orderId, Class<?> type, String discriminator) {
        return Envelopes.create(Envelopes.eventId(orderId, type.getSimpleName(), discriminator), type, orderId,
                Instant.now(), LocalDate.now(), "demo-merchant", "vend-service", orderId, null);
    }

    public static VendSucceeded succeeded(String orderId, String reference, long minor, String token) {
        return VendSucceeded.newBuilder().setEnvelope(envelope(orderId, VendSucceeded.class, reference))
                .setVend(new VendRef("vtpass", reference, "tx-" + reference)).setAmount(new Money(minor, "NGN"))
                .setToken(token).setUnits(null).setPins(List.of()).setReceipt(Map.of())
                .setResolvedBy(Resolution.VEND_CALL).build();
    }

    public static VendFailed failed(String orderId, String provider, String reference, long minor, FailureClass reason,
                             String code, String message) {
        return VendFailed.newBuilder().setEnvelope(envelope(orderId, VendFailed.class, reference))
                .setVend(new VendRef(provider, reference, null)).setAmount(new Money(minor, "NGN"))
                .setReasonClass(reason).setProviderCode(code).setProviderMessage(message)
                .setResolvedBy(Resolution.VEND_CALL).build();
    }

    public static VendPending pending(String orderId, String reference, long minor) {
        return VendPending.newBuilder().setEnvelope(envelope(orderId, VendPending.class, reference))
                .setVend(new VendRef("vtpass", reference, null)).setAmount(new Money(minor, "NGN"))
                .setReason(PendingReason.PROVIDER_PENDING).setProviderCode("099")
                .setLine(OrderLine.newBuilder().setService(ServiceCategory.AIRTIME).setBillerId("MTN")
                        .setAccount("08011111111").setAmount(new Money(minor, "NGN")).build())
                .build();
    }
}
