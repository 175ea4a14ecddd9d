package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.wallet.WalletStore;
import com.vendstream.order.wallet.Wallets;
import com.vendstream.registry.SchemaRegistryApplication;
import com.vendstream.schemas.topic.Topics;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The order API with bad input of every kind (issue 5), on a real context: an embedded KRaft broker,
 * the in-process schema registry and a MongoDB wire store. No provider is configured here, so orders
 * stop at VENDING; the end-to-end tests in deploy cover vending.
 */
@SpringBootTest(classes = OrderServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=order-service", "vendstream.order.recovery-interval=PT1H"})
class OrderApiTest {

    static EmbeddedKafkaKraftBroker kafka;
    static MongoServer mongo;
    static ConfigurableApplicationContext registry;

    @BeforeAll
    static void infrastructure() {
        kafka = new EmbeddedKafkaKraftBroker(1, 6, Arrays.stream(Topics.values()).filter(t -> t != Topics.SCHEMAS).map(Topics::topic)
                .toArray(String[]::new));
        kafka.afterPropertiesSet();
        mongo = new MongoServer(new MemoryBackend());
        mongo.bind();
        registry = SchemaRegistryApplication.start(0, kafka.getBrokersAsString());
    }

    @AfterAll
    static void stop() {
        registry.close();
        mongo.shutdown();
        kafka.destroy();
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        props.add("vendstream.kafka.bootstrap-servers", () -> kafka.getBrokersAsString());
        props.add("spring.mongodb.uri", () -> "mongodb://localhost:" + mongo.getLocalAddress().getPort() + "/api");
        props.add("vendstream.registry.url",
                () -> "http://localhost:" + registry.getEnvironment().getProperty("local.server.port"));
        // Mobile money on, with Dollr unreachable (closed port): only the wiring is under test here.
        props.add("vendstream.providers.dollr.base-url", () -> "http://localhost:1/dollr/v1");
    }

    @LocalServerPort
    int port;
    @Autowired
    WalletStore walletStore;
    @Autowired
    Wallets wallets;

    WebTestClient client;

    @BeforeEach
    void client() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    private static Map<String, Object> airtime(String reference, long minor, String walletId) {
        return Map.of("clientReference", reference, "service", "AIRTIME", "billerId", "MTN",
                "account", "08011111111", "amount", Map.of("minor", minor, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", walletId));
    }

    private WebTestClient.ResponseSpec post(String key, Object body) {
        return client.post().uri("/v1/orders").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static String ref() {
        return "t-" + UUID.randomUUID();
    }

    @Test
    void noCredentialsIs401ProblemDetails() {
        client.post().uri("/v1/orders").contentType(MediaType.APPLICATION_JSON).bodyValue(airtime(ref(), 5000, "demo-float-ngn"))
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(401);
        post("wrong-key", airtime(ref(), 5000, "demo-float-ngn")).expectStatus().isUnauthorized();
    }

    @Test
    void aMobileMoneyOrderGoesToDollrWhenItsBaseUrlIsSetAndFailsCleanlyWhenDollrCannotBeReached() {
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "LONESTAR",
                "account", "231770000007", "amount", Map.of("minor", 10000, "currency", "LRD"),
                "payment", Map.of("method", "MOBILE_MONEY", "payerPhone", "231770000007")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("PAYMENT_FAILED")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("not executed", "Dollr was unavailable")
                        .doesNotContain("231770000007"));
    }

    @Test
    void malformedJsonIs400() {
        client.post().uri("/v1/orders").header("Authorization", "Bearer demo-merchant-key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"clientReference\": \"x\", ")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void missingFieldsAre400WithEachProblemListed() {
        post("demo-merchant-key", Map.of("service", "TELEPORT", "amount", Map.of("minor", -5, "currency", "naira")))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.length()").value(n -> assertThat((Integer) n).isGreaterThanOrEqualTo(5));
    }

    @Test
    void unknownBillerWrongItemAndAmountOutOfRangeAre422WithReasonCodes() {
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "NOPE",
                "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                "payment", Map.of("walletId", "demo-float-ngn")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("UNKNOWN_BILLER");
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "CABLE_TV", "billerId", "DSTV",
                "itemId", "dstv-gold-nonexistent", "account", "1212121212",
                "amount", Map.of("minor", 290000, "currency", "NGN"), "payment", Map.of("walletId", "demo-float-ngn")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("UNKNOWN_ITEM");
        post("demo-merchant-key", airtime(ref(), 4999, "demo-float-ngn"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("AMOUNT_OUT_OF_RANGE");
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "CABLE_TV", "billerId", "DSTV",
                "itemId", "dstv-padi", "account", "1212121212",
                "amount", Map.of("minor", 100, "currency", "NGN"), "payment", Map.of("walletId", "demo-float-ngn")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("AMOUNT_OUT_OF_RANGE");
    }

    @Test
    void insufficientBalanceIs422AndChargesNothing() {
        walletStore.createIfAbsent("poor-wallet", "demo-merchant", "CUSTOMER", "NGN", 6_000, null);
        post("demo-merchant-key", airtime(ref(), 10_000, "poor-wallet"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("INSUFFICIENT_FUNDS")
                .jsonPath("$.orderId").exists();
        assertThat(walletStore.find("poor-wallet").orElseThrow().getLong("balanceMinor")).isEqualTo(6_000);
    }

    @Test
    void wrongPinAndThenALockedWalletAre422() {
        walletStore.createIfAbsent("pin-wallet", "demo-merchant", "CUSTOMER", "NGN", 1_000_000, wallets.hashPin("1234"));
        for (int i = 0; i < 4; i++) {
            post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                    "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                    "payment", Map.of("walletId", "pin-wallet", "pin", "9999")))
                    .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                    .expectBody().jsonPath("$.reasonCode").isEqualTo("WRONG_PIN");
        }
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                "payment", Map.of("walletId", "pin-wallet", "pin", "9999")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("WALLET_LOCKED");
        post("demo-merchant-key", Map.of("clientReference", ref(), "service", "AIRTIME", "billerId", "MTN",
                "account", "08011111111", "amount", Map.of("minor", 5000, "currency", "NGN"),
                "payment", Map.of("walletId", "pin-wallet", "pin", "1234")))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("WALLET_LOCKED");
    }

    @Test
    void duplicateReferenceReplaysAndADifferentBodyIs409() {
        String reference = ref();
        String orderId = post("demo-merchant-key", airtime(reference, 5000, "demo-float-ngn"))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("orderId").toString();
        post("demo-merchant-key", airtime(reference, 5000, "demo-float-ngn"))
                .expectStatus().isOk().expectBody().jsonPath("$.orderId").isEqualTo(orderId);
        post("demo-merchant-key", airtime(reference, 6000, "demo-float-ngn"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("DUPLICATE_REFERENCE_CONFLICT");
    }

    @Test
    void anotherMerchantsOrderIsNotFoundAndItsWalletIsUnknown() {
        String orderId = post("demo-merchant-key", airtime(ref(), 5000, "demo-float-ngn"))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("orderId").toString();
        client.get().uri("/v1/orders/" + orderId).header("Authorization", "Bearer second-merchant-key").exchange()
                .expectStatus().isNotFound();
        client.get().uri("/v1/orders/" + orderId).header("Authorization", "Bearer demo-merchant-key").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.account").isEqualTo("*******1111");
        post("second-merchant-key", airtime(ref(), 5000, "demo-float-ngn"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.reasonCode").isEqualTo("UNKNOWN_WALLET");
    }

    @Test
    void aKenyanMeterFailingLuhnIsRefusedBeforeAnyProviderCall() {
        client.post().uri("/v1/accounts/verify").header("Authorization", "Bearer demo-merchant-key")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("service", "ELECTRICITY", "billerId", "KPLC", "itemId", "prepaid", "account", "12345678912"))
                .exchange().expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("Luhn"));
    }

    @Test
    void theCatalogueIsScopedAndTheOpenApiDocumentIsServed() {
        client.get().uri("/v1/catalog/billers?service=ELECTRICITY").header("Authorization", "Bearer demo-merchant-key")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.billerId == 'IKEDC')].items.length()").isEqualTo(2);
        client.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/v1/orders']").exists();
    }
}
