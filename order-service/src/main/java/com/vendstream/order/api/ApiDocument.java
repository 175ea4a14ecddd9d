package com.vendstream.order.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document as integrators read it ({@code /v3/api-docs}, checked in as
 * {@code docs/openapi/order-service.json}): the controllers give the paths and the JSON shapes; this adds what
 * springdoc cannot see, from the table below: the bearer scheme, and for every operation the answers it really
 * gives, each problem answer with its reason codes ({@code x-reason-codes}) and an example. The answers every
 * authenticated operation can give come from the filters in front of the controllers: 401
 * ({@link MerchantAuthFilter}), 429 ({@link MerchantRateLimit}), and for operations with a body 413
 * ({@link RequestSizeLimit}) and 400 (a body that is not JSON of the right shape). An operation missing from
 * the table fails the document, so a new endpoint cannot go out undocumented.
 */
@Configuration
public class ApiDocument {

    static final String SCHEME = "merchantApiKey";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    /** One answer of an operation: a success, or a problem with the reason codes it carries (possibly none). */
    record Answer(int status, String title, String description, List<String> reasonCodes, boolean problem,
                  Object example) {
    }

    /** What springdoc does not know about one operation. */
    record Doc(String operationId, String tag, String summary, Object requestExample, List<Answer> answers) {
    }

    static Answer ok(int status, String description) {
        return new Answer(status, null, description, List.of(), false, null);
    }

    static Answer ok(int status, String description, Object example) {
        return new Answer(status, null, description, List.of(), false, example);
    }

    /** @param title as the service titles this problem, for the example */
    static Answer problem(int status, String title, String description, String... reasonCodes) {
        return new Answer(status, title, description, List.of(reasonCodes), true, null);
    }

    private static final Answer NOT_FOUND = problem(404, "Not found",
            "Not found (type `not-found`): unknown, or another merchant's (never told apart)");

    private static final Map<String, Object> ORDER_EXAMPLE = map("clientReference", "r-1", "service", "ELECTRICITY",
            "billerId", "IKEDC", "itemId", "prepaid", "account", "1111111111111", "customerPhone", "08011111111",
            "amount", map("minor", 100000, "currency", "NGN"),
            "payment", map("method", "WALLET", "walletId", "demo-float-ngn"));

    /** Operations answering {@code text/event-stream}, with the schema of each event's data. */
    private static final Map<String, String> EVENT_STREAMS = Map.of("GET /v1/orders/{orderId}/events", "OrderView");

    private static final Map<String, Object> ORDER_VIEW_EXAMPLE = map("orderId", "5f0c7a52-3b8e-4d6e-9a51-0c2f7d1e8b43", "clientReference",
            "r-1", "state", "VENDING", "service", "ELECTRICITY", "billerId", "IKEDC", "itemId", "prepaid",
            "account", "*********1111", "amount", map("minor", 100000, "currency", "NGN"), "quantity", 1,
            "paymentMethod", "WALLET", "walletId", "demo-float-ngn", "businessDate", "2026-12-06",
            "createdAt", "2026-12-06T09:30:00Z", "updatedAt", "2026-12-06T09:30:00Z");

    static final Map<String, Doc> OPERATIONS = Map.ofEntries(
            doc("POST /v1/orders", "placeOrder", "orders", "Place an order", ORDER_EXAMPLE,
                    ok(201, "Accepted: the order, as stored", ORDER_VIEW_EXAMPLE),
                    ok(200, "A replay: this client reference was placed already with the same body; the stored order",
                            ORDER_VIEW_EXAMPLE),
                    problem(409, "Order rejected", "This client reference was used for a different order (`orderId` names it)",
                            "DUPLICATE_REFERENCE_CONFLICT"),
                    problem(422, "Order rejected", "Rejected (`orderId` set when the rejection was stored)", "UNKNOWN_BILLER",
                            "UNKNOWN_ITEM", "AMOUNT_OUT_OF_RANGE", "INVALID_ACCOUNT", "NOT_AVAILABLE_TO_MERCHANT",
                            "UNSUPPORTED_CURRENCY", "UNKNOWN_WALLET", "WALLET_LOCKED", "WRONG_PIN",
                            "INSUFFICIENT_FUNDS", "PAYMENT_FAILED", "INVALID_REQUEST"),
                    problem(503, "Too many requests in progress",
                            "Too many placements and top-ups in progress: nothing was stored; retry after "
                            + "`Retry-After` seconds with the same client reference", "OVERLOADED")),
            doc("GET /v1/orders", "listOrders", "orders", "The merchant's orders, newest first", null,
                    ok(200, "A page of orders")),
            doc("GET /v1/orders/{orderId}", "getOrder", "orders", "One order", null,
                    ok(200, "The order"), NOT_FOUND),
            doc("GET /v1/orders/{orderId}/outcome", "awaitOutcome", "orders",
                    "Long poll: the order once settled, or as it is when the timeout passes", null,
                    ok(200, "The order, settled or as it is at the timeout"), NOT_FOUND,
                    problem(429, "Too many waiting requests", "Too many long polls and event streams open, or the merchant's rate limit",
                            "TOO_MANY_WAITS", "RATE_LIMITED")),
            doc("GET /v1/orders/{orderId}/events", "orderEvents", "orders",
                    "Server-sent events: the order each time its state changes, until it settles", null,
                    ok(200, "`text/event-stream` of the order's states"), NOT_FOUND,
                    problem(429, "Too many waiting requests", "Too many long polls and event streams open, or the merchant's rate limit",
                            "TOO_MANY_WAITS", "RATE_LIMITED")),
            doc("GET /v1/catalog/services", "listServices", "catalog", "Services on sale now, with their billers", null,
                    ok(200, "The services")),
            doc("GET /v1/catalog/billers", "listBillers", "catalog", "Billers on sale now", null,
                    ok(200, "The billers")),
            doc("GET /v1/catalog/billers/{service}/{billerId}", "getBiller", "catalog", "One biller on sale now", null,
                    ok(200, "The biller"), NOT_FOUND),
            doc("GET /v1/catalog/sources", "listCatalogSources", "catalog",
                    "Where the catalogue comes from at each provider", null, ok(200, "The sources")),
            doc("POST /v1/accounts/verify", "verifyAccount", "accounts", "Look an account up before ordering",
                    map("service", "ELECTRICITY", "billerId", "IKEDC", "itemId", "prepaid", "account", "1111111111111"),
                    ok(200, "VALID, with the customer's name and details (the account masked)"), NOT_FOUND,
                    problem(422, "Not available", "The provider does not know the account (type `invalid-account`), or the biller is "
                            + "not on sale to the merchant", "NOT_AVAILABLE_TO_MERCHANT", "INVALID_ACCOUNT",
                            "INVALID_REQUEST"),
                    problem(503, "Verification unavailable", "No provider could answer now; `Retry-After` when our guards kept the lookup back",
                            "PROVIDER_UNAVAILABLE")),
            doc("GET /v1/wallets", "listWallets", "wallets", "The merchant's wallets", null, ok(200, "The wallets")),
            doc("POST /v1/wallets", "openWallet", "wallets", "Open a customer's wallet",
                    map("customerId", "cust-42", "currency", "NGN", "pin", "1234"),
                    ok(201, "Opened (`Location` names it)"),
                    ok(200, "This customer's wallet in this currency, opened before"),
                    problem(422, "Wallet request refused", "The merchant has no float in this currency", "UNSUPPORTED_CURRENCY")),
            doc("GET /v1/wallets/{walletId}", "getWallet", "wallets", "One wallet", null,
                    ok(200, "The wallet"), NOT_FOUND),
            doc("PUT /v1/wallets/{walletId}/pin", "changeWalletPin", "wallets", "Set or change a wallet's PIN",
                    map("currentPin", "1234", "newPin", "4321"),
                    ok(204, "Changed"), NOT_FOUND,
                    problem(409, "Wallet request refused", "Another change of the PIN won a race; try again", "PIN_CHANGED"),
                    problem(422, "Wallet request refused", "Refused", "PIN_REQUIRED", "WRONG_PIN", "WALLET_LOCKED", "NOT_A_CUSTOMER_WALLET")),
            doc("POST /v1/wallets/{walletId}/top-ups", "topUpWallet", "wallets",
                    "Fund a customer's wallet from a float",
                    map("reference", "tu-1", "fromWalletId", "demo-float-ngn",
                            "amount", map("minor", 500000, "currency", "NGN")),
                    ok(201, "Done: the transfer (`Location` names it)"),
                    ok(200, "A replay of this reference with the same body: the stored transfer"), NOT_FOUND,
                    problem(409, "Wallet request refused", "This reference was used for a different top-up", "DUPLICATE_REFERENCE_CONFLICT"),
                    problem(422, "Wallet request refused", "Refused (`transferId` set when stored as FAILED)", "INSUFFICIENT_FUNDS",
                            "CURRENCY_MISMATCH", "NOT_A_FLOAT_WALLET", "NOT_A_CUSTOMER_WALLET", "INVALID_AMOUNT"),
                    problem(503, "Too many requests in progress",
                            "Too many placements and top-ups in progress: nothing was stored; retry after "
                            + "`Retry-After` seconds", "OVERLOADED")),
            doc("GET /v1/wallets/{walletId}/top-ups/{transferId}", "getTopUp", "wallets", "One top-up", null,
                    ok(200, "The top-up"), NOT_FOUND),
            doc("GET /v1/wallets/{walletId}/statement", "walletStatement", "wallets", "A wallet's postings", null,
                    ok(200, "A page of postings, newest first"), NOT_FOUND));

    private static Map.Entry<String, Doc> doc(String key, String operationId, String tag, String summary,
                                              Object requestExample, Answer... answers) {
        return Map.entry(key, new Doc(operationId, tag, summary, requestExample, List.of(answers)));
    }

    /** A map keeping the order given, for examples as a reader expects them. */
    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Bean
    OpenAPI orderApi() {
        return new OpenAPI()
                .info(new Info().title("vendstream order API").version("v1").description(
                        "The API merchants' checkout systems call: catalogue, account lookups, orders and wallets. "
                                + "Every call carries the merchant's API key as a bearer token. Errors are RFC 9457 "
                                + "problem details (`application/problem+json`) whose `type` names the reason and "
                                + "whose `reasonCode`, where present, is the machine-readable reason. Amounts are "
                                + "whole minor units with an ISO 4217 currency. Each merchant's requests are rate "
                                + "limited (429 `RATE_LIMITED`) roughly, per instance of the service, not exactly."))
                // Relative: the document is the same wherever the service runs.
                .servers(List.of(new Server().url("/").description("this order-service")))
                .components(new Components()
                        .addSecuritySchemes(SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("The merchant's API key: `Authorization: Bearer <key>`. A merchant "
                                        + "has one or two live keys (two while it rolls its key).")))
                .addSecurityItem(new SecurityRequirement().addList(SCHEME))
                .tags(List.of(new Tag().name("orders").description("Placing orders and following them"),
                        new Tag().name("catalog").description("What the merchant can sell now"),
                        new Tag().name("accounts").description("Account lookups before ordering"),
                        new Tag().name("wallets").description("Floats and customers' wallets")));
    }

    @Bean
    OpenApiCustomizer orderApiAnswers() {
        return openApi -> {
            // Here rather than on the bean: springdoc replaces the bean's schemas with those it finds.
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                    .forEach((method, operation) -> document(method + " " + path, operation)));
        };
    }

    static void document(String key, Operation operation) {
        Doc doc = OPERATIONS.get(key);
        if (doc == null) {
            throw new IllegalStateException(key + " is not described in ApiDocument.OPERATIONS: add its answers");
        }
        operation.operationId(doc.operationId()).summary(doc.summary()).tags(List.of(doc.tag()));
        ApiResponses generated = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        // springdoc's guess is one 200 with the return type; its content is what the successes carry.
        Content success = generated.get("200") == null ? null : generated.get("200").getContent();
        boolean hasBody = operation.getRequestBody() != null;
        if (hasBody && doc.requestExample() != null) {
            operation.getRequestBody().getContent().values()
                    .forEach(media -> media.setExample(doc.requestExample()));
        }
        Map<Integer, Answer> answers = new TreeMap<>();
        // A path variable is any string (an unknown one is 404); query parameters and bodies are checked (400).
        boolean hasInput = hasBody || (operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> !"path".equals(p.getIn())));
        if (hasInput) {
            answers.put(400, problem(400, "Invalid request", "Invalid request (type `invalid-request`, `errors` listing every problem), "
                    + "or a body or parameter that is not of the right JSON or ISO-8601 shape"));
        }
        answers.put(401, problem(401, "Unauthorized", "No API key, or one that is not live (`WWW-Authenticate: Bearer`)",
                "UNAUTHENTICATED"));
        if (hasBody) {
            answers.put(413, problem(413, "Request body too large", "The body is larger than the limit (`maxBytes`); refused before it is "
                    + "read whole", "PAYLOAD_TOO_LARGE"));
        }
        answers.put(429, problem(429, "Rate limit exceeded", "The merchant's rate limit, about a configured number of "
                + "requests per period, counted by each instance of the service on its own (so it holds roughly): "
                + "nothing was done; retry after `Retry-After` seconds", "RATE_LIMITED"));
        doc.answers().forEach(a -> answers.put(a.status(), a));
        ApiResponses responses = new ApiResponses();
        answers.forEach((status, answer) -> responses.addApiResponse(Integer.toString(status),
                answer.problem() ? problemResponse(key, answer) : successResponse(key, answer, success)));
        operation.setResponses(responses);
    }

    /** springdoc's schema, under the type the service really answers with (springdoc says any). */
    private static ApiResponse successResponse(String key, Answer answer, Content generated) {
        ApiResponse response = new ApiResponse().description(answer.description());
        if (answer.status() == 204 || generated == null || generated.isEmpty()) {
            return response;
        }
        Schema<?> schema = EVENT_STREAMS.containsKey(key) ? new Schema<>().$ref("#/components/schemas/"
                + EVENT_STREAMS.get(key)) : generated.values().iterator().next().getSchema();
        MediaType media = new MediaType().schema(schema);
        if (answer.example() != null) {
            media.setExample(answer.example());
        }
        return response.content(new Content().addMediaType(EVENT_STREAMS.containsKey(key) ? "text/event-stream"
                : "application/json", media));
    }

    private static ApiResponse problemResponse(String key, Answer answer) {
        ApiResponse response = new ApiResponse().description(answer.description());
        if (!answer.reasonCodes().isEmpty()) {
            response.addExtension("x-reason-codes", answer.reasonCodes());
        }
        if (answer.status() == 429 || answer.status() == 503) {
            response.addHeaderObject("Retry-After", new Header().description("Seconds to wait before trying again")
                    .schema(new IntegerSchema()));
        }
        MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))
                .example(example(key, answer));
        return response.content(new Content().addMediaType(PROBLEM_JSON, media));
    }

    /** An answer as the service gives it, for the first of the reason codes. */
    private static Map<String, Object> example(String key, Answer answer) {
        String reasonCode = answer.reasonCodes().isEmpty() ? null : answer.reasonCodes().get(0);
        String type = reasonCode != null ? reasonCode.toLowerCase(Locale.ROOT).replace('_', '-')
                : answer.status() == 400 ? "invalid-request" : answer.status() == 404 ? "not-found" : "about:blank";
        Map<String, Object> example = map("type", type.equals("about:blank") ? type
                        : com.vendstream.kit.web.Problems.BASE + type,
                "title", answer.title(),
                "status", answer.status(), "detail", answer.description(),
                "instance", key.substring(key.indexOf(' ') + 1));
        if (reasonCode != null) {
            example.put("reasonCode", reasonCode);
        }
        if (answer.status() == 400) {
            example.put("errors", List.of("clientReference is required"));
        }
        return example;
    }

    private static Schema<?> problemSchema() {
        Map<String, Schema> members = new LinkedHashMap<>();
        members.put("type", new StringSchema().format("uri")
                .description("Names the reason: https://vendstream.dev/problems/<reason in lower case with dashes>"));
        members.put("title", new StringSchema().description("Short, the same for every problem of this type"));
        members.put("status", new IntegerSchema().description("The HTTP status"));
        members.put("detail", new StringSchema().description("What went wrong with this request, for a person"));
        members.put("instance", new StringSchema().format("uri-reference").description("The request's path"));
        members.put("reasonCode", new StringSchema()
                .description("The machine-readable reason (refusals); the operation's answers list its values"));
        members.put("errors", new ArraySchema().items(new StringSchema())
                .description("400 `invalid-request`: every problem found in the request"));
        members.put("orderId", new StringSchema().description("An order rejection or conflict: the stored order"));
        members.put("transferId", new StringSchema().description("A refused top-up stored as FAILED"));
        members.put("maxBytes", new IntegerSchema().format("int64").description("413: the largest body accepted"));
        return new ObjectSchema().description("RFC 9457 problem details").properties(members)
                .required(new ArrayList<>(List.of("type", "title", "status")));
    }
}
