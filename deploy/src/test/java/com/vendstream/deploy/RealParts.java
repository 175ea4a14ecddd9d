package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.testkit.EmbeddedBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole system on real parts for end-to-end tests: an embedded KRaft broker, a MongoDB
 * wire-protocol store in memory, and the {@link Stack} (registry, provider sandbox, four services),
 * with the order API as a merchant's checkout calls it.
 */
final class RealParts implements AutoCloseable {

    private final EmbeddedBroker kafka;
    private final MongoStore mongo;
    final Stack stack;
    private final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    RealParts(Map<String, Object> overrides) {
        kafka = EmbeddedBroker.withSettings(6, Map.of("transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1", "group.initial.rebalance.delay.ms", "0"));
        TopicSetup.createAll(kafka.bootstrap());
        mongo = MongoStore.inMemory();
        stack = Stack.start(kafka.bootstrap(), mongo.uri(), Stack.Ports.random(), overrides);
    }

    String bootstrap() {
        return kafka.bootstrap();
    }

    String url(String service) {
        return "http://localhost:" + stack.port(service);
    }

    /** POST /v1/orders as the demo merchant. */
    HttpResponse<String> post(Map<String, Object> body) throws Exception {
        return post("/orders", body);
    }

    /** POST on the order API as the demo merchant (path below /v1). */
    HttpResponse<String> post(String path, Map<String, Object> body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url("order-service") + "/v1" + path))
                .header("Authorization", "Bearer " + Demo.API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Places an order that must be accepted; returns its id. */
    String place(Map<String, Object> body) throws Exception {
        HttpResponse<String> created = post(body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body()).path("orderId").asString();
    }

    /** GET on the order API as the demo merchant (path below /v1). */
    JsonNode get(String path) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create(url("order-service") + "/v1" + path))
                .header("Authorization", "Bearer " + Demo.API_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** GET on the sandbox's admin API (path below /sandbox/admin). */
    JsonNode sandboxAdmin(String path) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create(url("provider-sandbox") + "/sandbox/admin"
                + path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** GET on a service's actuator (path below /actuator): status code and body. */
    HttpResponse<String> actuator(String service, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(service) + "/actuator" + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode awaitState(String orderId, String state, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/orders/" + orderId), o -> state.equals(o.path("state").asString()));
    }

    @Override
    public void close() {
        stack.close();
        mongo.close();
        kafka.close();
    }
}
