package com.vendstream.providers.dollr;

import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeBearer;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeQuery;
import com.vendstream.providers.dollr.MobileMoneyConnector.InvoiceItem;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewInvoice;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewParty;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPaymentAccount;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPayoutSession;
import com.vendstream.providers.dollr.MobileMoneyConnector.OperationType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the Dollr connector puts on the wire, endpoint by endpoint, checked against Dollr's API
 * reference (docs.heydollr.app/api-reference/..., the OpenAPI pages, and the api/... guide pages)
 * rather than against our sandbox: a capture server records each raw request and answers with the
 * reference's example replies, so a field the reference names differently (a seed's {@code name}
 * for {@code fullname}) fails here even if our sandbox were to accept it.
 */
class DollrWireContractTest {

    /** One request as it arrived. */
    record Captured(String method, String path, Map<String, String> query, String authorization, String contentType,
                    JsonNode body) {
        Set<String> fields() {
            Set<String> names = new java.util.TreeSet<>();
            body.propertyNames().forEach(names::add);
            return names;
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Pattern UUID_V4 = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    static final Pattern E164 = Pattern.compile("^[1-9]\\d{7,14}$");
    static final List<Captured> requests = new CopyOnWriteArrayList<>();
    static HttpServer server;
    static DollrConnector dollr;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", DollrWireContractTest::answer);
        server.start();
        dollr = new DollrConnector(new DollrProperties("http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "client-id-1", "client-secret-1", Duration.ofSeconds(2), Duration.ofSeconds(5), null, null,
                new DollrProperties.PayoutPasscode("231771234567", null, "4321", "Payout Server", "linux",
                        "vendstream-dollr/1", "203.0.113.10")), Clock.systemUTC(), d -> { });
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void forget() {
        // The token is fetched once per connector; keep its request, forget the rest.
        requests.removeIf(r -> !r.path().endsWith("/jwt/client/obtain/token"));
    }

    // ---- the capture server: records, then answers with the reference's examples -------------------

    static void answer(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
        String path = exchange.getRequestURI().getPath();
        Captured c = new Captured(exchange.getRequestMethod(), path, query(exchange.getRequestURI().getRawQuery()),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body);
        requests.add(c);
        String reply = reply(c);
        byte[] out = reply.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }

    static String reply(Captured c) {
        String p = c.path();
        String ref = c.body().path("reference_id").asString("");
        if (p.endsWith("/jwt/client/obtain/token")) {
            return "{\"access_token\": \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig\", \"expires_in\": 60}";
        }
        if (p.endsWith("/parties/create")) {
            return """
                    {"id": 42, "fullname": "Amara Kamara", "phone": "231771234567", "email": null,
                     "country_code": "LR", "created_at": "2025-06-01T10:00:00Z", "updated_at": "2025-06-01T10:00:00Z"}""";
        }
        if (p.endsWith("/counterparties/create")) {
            return """
                    {"id": 15, "relationship_type": "CUSTOMER", "party_id": 42,
                     "created_at": "2025-06-01T10:05:00Z", "updated_at": "2025-06-01T10:05:00Z"}""";
        }
        if (p.endsWith("/invoices/create")) {
            return """
                    {"id": 101, "invoice_number": "INV-2025-00042", "status": "IDLE", "currency": "LRD",
                     "counterparty_id": 15, "fee_bearer": "PAYEE", "as_payment_link": false}""";
        }
        if (p.endsWith("/items/add")) {
            return """
                    {"id": 5, "name": "AIRTIME LONESTAR", "currency": "LRD", "qty": 1, "amount": 100.0,
                     "created_at": "2025-06-01T10:06:00Z", "updated_at": "2025-06-01T10:06:00Z"}""";
        }
        if (p.contains("/invoices/publish/")) {
            return "{\"id\": 101, \"invoice_number\": \"INV-2025-00042\", \"status\": \"ACTIVE\"}";
        }
        if (p.endsWith("/predictions/amount-and-fees")) {
            return """
                    {"payer_amount": "100.00", "payer_currency": "LRD", "payee_amount": "99.00", "payee_currency": "LRD",
                     "platform_fee": "1.00", "platform_currency": "LRD", "fx_fee": null, "gateway_fee": null,
                     "gateway_currency": null}""";
        }
        if (p.endsWith("/predictions/mmo-provider-info")) {
            return "{\"payment_method\": \"ORANGE_MONEY_LBR\", \"gateway_provider\": \"PAWAPAY\"}";
        }
        if (p.endsWith("/sessions/checkout")) {
            return """
                    {"id": 55, "source_id": 101, "source_type": "INVOICE", "status": "OPEN", "payment_account_id": null,
                     "expires_at": "2025-06-01T10:30:00Z", "created_at": "2025-06-01T10:07:00Z",
                     "updated_at": "2025-06-01T10:07:00Z"}""";
        }
        if (p.endsWith("/payment-accounts/create")) {
            return """
                    {"id": 18, "account_name": "Mobile-money wallet", "provider": "PAWAPAY", "method": "ORANGE_MONEY_LBR",
                     "party_id": 42, "is_active": true, "created_at": "2025-06-01T10:07:00Z",
                     "updated_at": "2025-06-01T10:07:00Z", "country_code": "LR"}""";
        }
        if (p.endsWith("/sessions/payout")) {
            return "{\"id\": 77, \"wallet_id\": 3, \"payout_account_id\": " + c.body().path("payout_account_id")
                    + ", \"amount\": " + c.body().path("amount") + ", \"currency\": " + c.body().path("currency")
                    + ", \"status\": \"OPEN\", \"expires_at\": \"2025-06-01T10:30:00Z\","
                    + " \"created_at\": \"2025-06-01T10:15:00Z\", \"updated_at\": \"2025-06-01T10:15:00Z\"}";
        }
        if (p.contains("/executions/") || p.contains("/status/")) {
            String reference = ref.isEmpty() ? p.substring(p.lastIndexOf('/') + 1) : ref;
            boolean payout = p.contains("payout");
            return "{\"reference_id\": \"" + reference + "\", \"status\": \"COMPLETED\","
                    + " \"payer_amount\": 100.0, \"payer_currency\": \"LRD\", \"payee_currency\": \"LRD\","
                    + " \"payee_amount\": " + (payout ? "100.0" : "99.0") + ","
                    + " \"operation_type\": \"" + (payout ? "PAYOUT" : "COLLECTION") + "\","
                    + " \"provider_transaction_id\": \"OM240601.1030.C01234\", \"gateway_message\": \"Success\","
                    + " \"wallet_message\": null, \"client_secret\": null, \"requires_action\": false}";
        }
        if (p.contains("/invoices/receipt/")) {
            return """
                    {"invoice_id": 101, "invoice_number": "INV-2025-00042", "reference_id": null, "currency": "LRD",
                     "total_amount": 100.0, "status": "PAID", "note": "order-1", "fee_bearer": "PAYEE",
                     "counterparty_id": 15, "relationship_type": "CUSTOMER", "counterparty_name": "Amara Kamara",
                     "paid_at": "2025-06-01T10:09:00Z", "payer_amount": 100.0, "payer_currency": "LRD",
                     "payee_amount": 99.0, "payee_currency": "LRD", "platform_fee": 1, "platform_currency": "LRD",
                     "fx_rate": "1.0", "payment_provider": "PAWAPAY", "payment_method": "ORANGE_MONEY_LBR",
                     "provider_transaction_id": "OM240601.1030.C01234",
                     "items": [{"id": 5, "name": "AIRTIME LONESTAR", "qty": 1, "amount": 100.0, "currency": "LRD"}]}""";
        }
        return "{}";
    }

    static Captured only(String method, String pathEnd) {
        List<Captured> matching = new ArrayList<>();
        for (Captured c : requests) {
            if (c.method().equals(method) && c.path().endsWith(pathEnd)) {
                matching.add(c);
            }
        }
        assertThat(matching).as(method + " …" + pathEnd).hasSize(1);
        Captured c = matching.get(0);
        if (!pathEnd.endsWith("/token")) {
            assertThat(c.authorization()).as("bearer on " + pathEnd).startsWith("Bearer eyJ");
        }
        return c;
    }

    // ---- one test per endpoint ------------------------------------------------------------------

    /** authentication: POST /v1/jwt/client/obtain/token {client_id, client_secret}, no bearer. */
    @Test
    void tokenRequest() {
        dollr.accessToken();
        Captured c = only("POST", "/v1/jwt/client/obtain/token");
        assertThat(c.authorization()).isNull();
        assertThat(c.contentType()).startsWith("application/json");
        assertThat(c.fields()).containsExactly("client_id", "client_secret");
        assertThat(c.body().path("client_id").asString()).isEqualTo("client-id-1");
    }

    /** api-reference/parties/create-party: fullname and phone required; email, country_code optional. */
    @Test
    void createParty() {
        assertThat(dollr.createParty(new NewParty("vendstream customer", "+231 77 123 4567", null, "LR"))).isEqualTo(42);
        Captured c = only("POST", "/v1/parties/create");
        assertThat(c.fields()).contains("fullname", "phone").isSubsetOf("fullname", "phone", "email", "country_code");
        assertThat(c.body().path("fullname").isString()).isTrue();
        assertThat(c.body().path("phone").asString()).matches(E164).isEqualTo("231771234567");
    }

    /** api/counterparties: relationship_type required (CUSTOMER), party_id an integer. */
    @Test
    void createCounterparty() {
        assertThat(dollr.createCounterparty(42)).isEqualTo(15);
        Captured c = only("POST", "/v1/counterparties/create");
        assertThat(c.fields()).containsExactly("party_id", "relationship_type");
        assertThat(c.body().path("relationship_type").asString()).isEqualTo("CUSTOMER");
        assertThat(c.body().path("party_id").isIntegralNumber()).isTrue();
    }

    /** api/invoices: counterparty_id, currency, note, fee_bearer (PAYER|PAYEE), as_payment_link required. */
    @Test
    void createInvoice() {
        assertThat(dollr.createInvoice(new NewInvoice(15, "LRD", "order-1", FeeBearer.PAYEE))).isEqualTo(101);
        Captured c = only("POST", "/v1/invoices/create");
        assertThat(c.fields()).contains("counterparty_id", "currency", "note", "fee_bearer", "as_payment_link")
                .isSubsetOf("counterparty_id", "currency", "note", "fee_bearer", "as_payment_link", "reference_id",
                        "due_date");
        assertThat(c.body().path("counterparty_id").isIntegralNumber()).isTrue();
        assertThat(c.body().path("fee_bearer").asString()).isIn("PAYER", "PAYEE").isEqualTo("PAYEE");
        assertThat(c.body().path("as_payment_link").isBoolean()).isTrue();
    }

    /** api-reference/invoices/add-invoice-item: name, currency, qty (integer), amount (number ≥ 0.01). */
    @Test
    void addInvoiceItem() {
        dollr.addInvoiceItem(101, new InvoiceItem("AIRTIME LONESTAR", "LRD", 1, 10_000));
        Captured c = only("POST", "/v1/invoices/101/items/add");
        assertThat(c.fields()).containsExactly("amount", "currency", "name", "qty");
        assertThat(c.body().path("qty").isIntegralNumber()).isTrue();
        assertThat(c.body().path("amount").isNumber()).isTrue();
        assertThat(c.body().path("amount").decimalValue()).isEqualByComparingTo("100.00");
    }

    /** api/invoices: PUT /v1/invoices/publish/{id}. */
    @Test
    void publishInvoice() {
        dollr.publishInvoice(101);
        only("PUT", "/v1/invoices/publish/101");
    }

    /** api/predictions: base_amount, base_currency, target_currency, payment_method, operation_type, provider, fee_bearer. */
    @Test
    void predictAmountAndFees() {
        MobileMoneyConnector.FeePreview p = dollr.previewFees(new FeeQuery(10_000, "LRD", "LRD", "ORANGE_MONEY_LBR",
                OperationType.COLLECTION, "PAWAPAY", FeeBearer.PAYEE));
        Captured c = only("GET", "/v1/predictions/amount-and-fees");
        assertThat(c.query().keySet()).contains("base_amount", "base_currency", "target_currency", "payment_method",
                "operation_type", "provider", "fee_bearer").isSubsetOf("base_amount", "base_currency", "target_currency",
                "payment_method", "operation_type", "provider", "fee_bearer", "owner_type", "owner_id");
        assertThat(c.query()).containsEntry("base_amount", "100.00").containsEntry("fee_bearer", "PAYEE")
                .containsEntry("operation_type", "COLLECTION");
        // The reply: payer_amount / payee_amount strings with their currencies.
        assertThat(p.payerAmountMinor()).isEqualTo(10_000);
        assertThat(p.payeeAmountMinor()).isEqualTo(9_900);
        assertThat(p.feeMinor()).isEqualTo(100);
    }

    /** api/predictions: GET mmo-provider-info?phone=&operation_type=; reply payment_method and gateway_provider. */
    @Test
    void predictMmoProvider() {
        MobileMoneyConnector.MmoInfo info = dollr.detectMmo("+231771234567", OperationType.COLLECTION);
        Captured c = only("GET", "/v1/predictions/mmo-provider-info");
        assertThat(c.query()).containsOnlyKeys("phone", "operation_type").containsEntry("phone", "231771234567")
                .containsEntry("operation_type", "COLLECTION");
        assertThat(info.paymentMethod()).isEqualTo("ORANGE_MONEY_LBR");
        assertThat(info.gatewayProvider()).isEqualTo("PAWAPAY");
        assertThat(info.countryCode()).isEqualTo("LR");
    }

    /** api/sessions: source_id (integer), source_type INVOICE. */
    @Test
    void createCheckoutSession() {
        assertThat(dollr.createCheckoutSession(101)).isEqualTo("55");
        Captured c = only("POST", "/v1/sessions/checkout");
        assertThat(c.fields()).containsExactly("source_id", "source_type");
        assertThat(c.body().path("source_id").isIntegralNumber()).isTrue();
        assertThat(c.body().path("source_type").asString()).isEqualTo("INVOICE");
    }

    /** api-reference/payment-accounts/create-payment-account: query operation_type; body account_name, provider, method, party_id. */
    @Test
    void createPaymentAccount() {
        assertThat(dollr.createPaymentAccount(OperationType.COLLECTION, new NewPaymentAccount("Mobile-money wallet",
                "PAWAPAY", "ORANGE_MONEY_LBR", 42, "LR", "231771234567"))).isEqualTo("18");
        Captured c = only("POST", "/v1/payment-accounts/create");
        assertThat(c.query()).containsOnlyKeys("operation_type").containsEntry("operation_type", "COLLECTION");
        assertThat(c.fields()).contains("account_name", "provider", "method", "party_id").isSubsetOf("account_name",
                "provider", "method", "party_id", "country_code", "insensitive_account_number");
        assertThat(c.body().path("party_id").isIntegralNumber()).isTrue();
        assertThat(c.body().path("insensitive_account_number").asString()).isEqualTo("231771234567");
    }

    /** api-reference/executions/collect: session_id, payment_account_id (strings), currency, reference_id (UUID v4). */
    @Test
    void executeCollection() {
        String reference = DollrConnector.newReference();
        PaymentOutcome o = dollr.executeCollection("55", "18", "LRD", reference);
        Captured c = only("POST", "/v1/executions/collection");
        assertThat(c.fields()).containsExactly("currency", "payment_account_id", "reference_id", "session_id");
        assertThat(c.body().path("session_id").isString()).isTrue();
        assertThat(c.body().path("payment_account_id").isString()).isTrue();
        assertThat(c.body().path("reference_id").asString()).matches(UUID_V4).isEqualTo(reference);
        // ExecutionResponse read back.
        assertThat(o.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(o.payerAmountMinor()).isEqualTo(10_000);
        assertThat(o.feeMinor()).isEqualTo(100);
        assertThat(o.providerTransactionId()).isEqualTo("OM240601.1030.C01234");
    }

    /**
     * api-reference/sessions/create-payout-session: payout_account_id (integer), amount, currency — not the
     * seed's wallet_id / payment_account_id / expires_at.
     */
    @Test
    void createPayoutSession() {
        assertThat(dollr.createPayoutSession(new NewPayoutSession("18", 10_000, "LRD"))).isEqualTo("77");
        Captured c = only("POST", "/v1/sessions/payout");
        assertThat(c.fields()).containsExactly("amount", "currency", "payout_account_id");
        assertThat(c.body().path("payout_account_id").isIntegralNumber()).isTrue();
        assertThat(c.body().path("amount").isNumber()).isTrue();
    }

    /** api-reference/executions/payout: session_id, payout_account_id (strings), reference_id, passcode{token, device}. */
    @Test
    void executePayout() {
        String reference = DollrConnector.newReference();
        PaymentOutcome o = dollr.executePayout("77", "18", reference);
        Captured c = only("POST", "/v1/executions/payout");
        assertThat(c.fields()).containsExactly("passcode", "payout_account_id", "reference_id", "session_id");
        assertThat(c.body().path("session_id").isString()).isTrue();
        assertThat(c.body().path("payout_account_id").isString()).isTrue();
        assertThat(c.body().path("reference_id").asString()).matches(UUID_V4);
        JsonNode passcode = c.body().path("passcode");
        assertThat(passcode.path("token").path("code").asString()).isEqualTo("4321");
        assertThat(passcode.path("token").path("phone").asString()).matches(E164);
        Set<String> device = new java.util.TreeSet<>();
        passcode.path("device").propertyNames().forEach(device::add);
        assertThat(device).containsExactly("client_ip", "name", "platform", "type", "user_agent");
        assertThat(passcode.path("device").path("type").asString()).isEqualTo("SERVER");
        assertThat(o.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
    }

    /** api/status: GET /v1/status/collection/{reference_id} and /payout/{reference_id}, ExecutionResponse back. */
    @Test
    void statusByReference() {
        String reference = DollrConnector.newReference();
        assertThat(dollr.collectionStatus(reference).status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(dollr.payoutStatus(reference).status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        only("GET", "/v1/status/collection/" + reference);
        only("GET", "/v1/status/payout/" + reference);
    }

    /** api-reference/invoices/retrieve-invoice-receipt-by-id: InvoiceReceiptResponse read back. */
    @Test
    void receipt() {
        MobileMoneyConnector.Receipt r = dollr.receipt(101);
        only("GET", "/v1/invoices/receipt/101");
        assertThat(r.status()).isEqualTo("PAID");
        assertThat(r.subtotalMinor()).isEqualTo(10_000);
        assertThat(r.totalMinor()).isEqualTo(10_000);
        assertThat(r.feesMinor()).isEqualTo(100);
        assertThat(r.provider()).isEqualTo("PAWAPAY");
        assertThat(r.items()).singleElement().satisfies(l -> assertThat(l.amountMinor()).isEqualTo(10_000));
    }
}
