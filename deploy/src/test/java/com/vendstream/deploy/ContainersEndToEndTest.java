package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The end-to-end order on real images: Apache Kafka (KRaft), Confluent's schema registry and a
 * MongoDB replica set. Skipped cleanly on machines without a Docker engine; EndToEndOrderTest covers
 * the same behaviour on the embedded stack everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainersEndToEndTest {

    private static final Network NETWORK = Network.newNetwork();

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.1")
            .withNetwork(NETWORK).withNetworkAliases("kafka")
            .withListener("kafka:19092");

    @Container
    private static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:7.9.0")
            .withNetwork(NETWORK).dependsOn(KAFKA).withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @Container
    private static final MongoDBContainer MONGO = new MongoDBContainer("mongo:8.0").withReplicaSet();

    private Stack stack;

    @BeforeAll
    void start() {
        TopicSetup.createAll(KAFKA.getBootstrapServers());
        String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
        stack = Stack.start(KAFKA.getBootstrapServers(), MONGO.getReplicaSetUrl("vendstream"), registryUrl,
                Stack.Ports.random(), Map.of(), java.util.List.of());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anOrderCompletesWithATokenOnRealImages() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        JsonMapper json = JsonMapper.builder().build();
        String api = "http://localhost:" + stack.port("order-service");
        String body = json.writeValueAsString(Map.of("clientReference", "tc-" + UUID.randomUUID(),
                "service", "ELECTRICITY", "billerId", "IKEDC", "itemId", "prepaid", "account", "1111111111111",
                "amount", Map.of("minor", 100000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-ngn")));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/orders"))
                .header("Authorization", "Bearer " + Demo.API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String orderId = json.readTree(created.body()).path("orderId").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> json.readTree(http.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/orders/" + orderId))
                        .header("Authorization", "Bearer " + Demo.API_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("state").asString(), "COMPLETED"::equals);
    }
}
