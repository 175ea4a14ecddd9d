package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.ApiTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The checked-in OpenAPI document ({@code docs/openapi/order-service.json}) and its page ({@code docs/api.md})
 * are what the running service serves at {@code /v3/api-docs}, and every answer real requests get is documented
 * for its operation. With {@code -Dvendstream.openapi.write=true} the test writes both files instead of failing.
 */
class OpenApiDocumentTest extends ApiTestSupport {

    static final String REGENERATE = "./mvnw -pl order-service -am verify -Dtest=OpenApiDocumentTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dvendstream.openapi.write=true";
    private static final Path DOCUMENT = Path.of("..", "docs", "openapi", "order-service.json");
    private static final Path PAGE = Path.of("..", "docs", "api.md");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Test
    void theCheckedInDocumentAndPageAreWhatTheServiceServes() throws Exception {
        Map<String, Object> served = served();
        String document = pretty(served) + "\n";
        String page = ApiPage.render(served, REGENERATE);
        if (Boolean.getBoolean("vendstream.openapi.write")) {
            Files.createDirectories(DOCUMENT.getParent());
            Files.writeString(DOCUMENT, document, StandardCharsets.UTF_8);
            Files.writeString(PAGE, page, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(DOCUMENT)).as("%s is missing; regenerate it: %s", DOCUMENT, REGENERATE).isTrue();
        assertThat(Files.readString(DOCUMENT, StandardCharsets.UTF_8))
                .as("%s differs from the served /v3/api-docs; regenerate it: %s", DOCUMENT, REGENERATE)
                .isEqualTo(document);
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as("%s differs from the document; regenerate it: %s", PAGE, REGENERATE)
                .isEqualTo(page);
    }

    @Test
    void everyAnswerRealRequestsGetIsDocumentedForItsOperation() {
        Map<String, Object> doc = served();
        String reference = ref();
        Map<String, Object> order = airtime(reference, 5_000, "demo-float-ngn");

        documented(doc, "post", "/v1/orders", post(DEMO, order).expectStatus().isCreated().returnResult(String.class)
                .getStatus().value());
        documented(doc, "post", "/v1/orders", post(DEMO, order).expectStatus().isOk().returnResult(String.class)
                .getStatus().value());
        documented(doc, "post", "/v1/orders", post(DEMO, airtime(reference, 6_000, "demo-float-ngn"))
                .expectStatus().isEqualTo(409).returnResult(String.class).getStatus().value());
        documented(doc, "post", "/v1/orders", post(DEMO, Map.of("clientReference", "bad ref"))
                .expectStatus().isBadRequest().returnResult(String.class).getStatus().value());
        documented(doc, "post", "/v1/orders", client.post().uri("/v1/orders").header("Authorization", "Bearer " + DEMO)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"clientReference\": ").exchange()
                .expectStatus().isBadRequest().returnResult(String.class).getStatus().value());
        documented(doc, "post", "/v1/orders", post(DEMO, airtime(ref(), "NOPE", "08011111111", 5_000, "demo-float-ngn"))
                .expectStatus().isEqualTo(422).returnResult(String.class).getStatus().value());
        documented(doc, "post", "/v1/orders", client.post().uri("/v1/orders").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(order).exchange().expectStatus().isUnauthorized().returnResult(String.class)
                .getStatus().value());
        documented(doc, "post", "/v1/orders", client.post().uri("/v1/orders").header("Authorization", "Bearer " + DEMO)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"note\":\"" + "x".repeat(20_000) + "\"}")
                .exchange().expectStatus().isEqualTo(413).returnResult(String.class).getStatus().value());
        documented(doc, "get", "/v1/orders/{orderId}", get(DEMO, "/v1/orders/no-such-order")
                .expectStatus().isNotFound().returnResult(String.class).getStatus().value());
        documented(doc, "get", "/v1/orders", get(DEMO, "/v1/orders?size=0")
                .expectStatus().isBadRequest().returnResult(String.class).getStatus().value());
        documented(doc, "get", "/v1/wallets/{walletId}", get(SECOND, "/v1/wallets/demo-float-ngn")
                .expectStatus().isNotFound().returnResult(String.class).getStatus().value());
        documented(doc, "post", "/v1/accounts/verify", client.post().uri("/v1/accounts/verify")
                .header("Authorization", "Bearer " + DEMO).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("service", "AIRTIME")).exchange().expectStatus().isBadRequest()
                .returnResult(String.class).getStatus().value());
    }

    @SuppressWarnings("unchecked")
    static void documented(Map<String, Object> doc, String method, String path, int status) {
        Map<String, Object> operation = ((Map<String, Map<String, Map<String, Object>>>) doc.get("paths")).get(path)
                .get(method);
        assertThat(((Map<String, Object>) operation.get("responses")).keySet())
                .as("%s %s answered %d", method.toUpperCase(), path, status).contains(Integer.toString(status));
    }

    private Map<String, Object> served() {
        return served(client);
    }

    /** The document the running service serves, members in key order. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> served(WebTestClient client) {
        String body = client.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
        return (Map<String, Object>) sorted(JSON.readValue(body, Map.class));
    }

    /** Every object's members in key order, arrays as they are: a stable text whatever order springdoc found things. */
    @SuppressWarnings("unchecked")
    static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put((String) k, sorted(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return value;
    }

    static String pretty(Object value) {
        return JSON.writeValueAsString(value);
    }
}
