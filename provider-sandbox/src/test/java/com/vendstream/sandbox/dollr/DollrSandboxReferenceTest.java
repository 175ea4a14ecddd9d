package com.vendstream.sandbox.dollr;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.SandboxHttp;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The Dollr sandbox holds clients to Dollr's API reference: the seed's shapes (party {@code name},
 * fee_bearer MERCHANT, a payout session by payment_account_id, the old fee-preview query) are refused
 * with FastAPI's 422 {@code detail: [{loc, msg, type}]}, as Dollr refuses them.
 */
class DollrSandboxReferenceTest {

    static ConfigurableApplicationContext sandbox;
    static SandboxHttp http;
    static Map<String, String> bearer;

    @BeforeAll
    static void start() throws IOException {
        sandbox = ProviderSandboxApplication.start(0, Map.of("vendstream.sandbox.latency.default", "1ms"));
        http = new SandboxHttp("http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port"));
        JsonNode token = http.post("/dollr/v1/jwt/client/obtain/token", Map.of("client_id", "dollr-sandbox-client",
                "client_secret", "dollr-sandbox-secret"), Map.of()).json();
        assertThat(token.path("expires_in").asInt()).isEqualTo(60);
        bearer = Map.of("Authorization", "Bearer " + token.path("access_token").asString());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static void assertMissing(SandboxHttp.Reply reply, String where, String... fields) {
        assertThat(reply.status()).isEqualTo(422);
        List<JsonNode> details = List.copyOf(reply.json().path("detail").values());
        assertThat(details).extracting(d -> d.path("loc").get(1).asString()).containsExactly(fields);
        assertThat(details).allSatisfy(d -> {
            assertThat(d.path("loc").get(0).asString()).isEqualTo(where);
            assertThat(d.path("msg").asString()).isEqualTo("field required");
            assertThat(d.path("type").asString()).isEqualTo("value_error.missing");
        });
    }

    long party() throws IOException {
        return http.post("/dollr/v1/parties/create", Map.of("fullname", "Amara Kamara", "phone", "231771234567"),
                bearer).json().path("id").asLong();
    }

    @Test
    void aPartyNeedsFullnameAndPhone() throws IOException {
        assertMissing(http.post("/dollr/v1/parties/create", Map.of("name", "Amara Kamara", "phone", "231771234567"),
                bearer), "body", "fullname");
        assertMissing(http.post("/dollr/v1/parties/create", Map.of("fullname", "Amara Kamara"), bearer), "body", "phone");
        SandboxHttp.Reply ok = http.post("/dollr/v1/parties/create", Map.of("fullname", "Amara Kamara",
                "phone", "231771234567", "country_code", "LR"), bearer);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("fullname").asString()).isEqualTo("Amara Kamara");
    }

    @Test
    void anInvoiceTakesFeeBearerPayerOrPayeeAndNeedsEveryRequiredField() throws IOException {
        long counterparty = http.post("/dollr/v1/counterparties/create", Map.of("relationship_type", "CUSTOMER",
                "party_id", party()), bearer).json().path("id").asLong();
        SandboxHttp.Reply merchant = http.post("/dollr/v1/invoices/create", Map.of("counterparty_id", counterparty,
                "currency", "LRD", "note", "order", "fee_bearer", "MERCHANT", "as_payment_link", false), bearer);
        assertThat(merchant.status()).isEqualTo(422);
        assertThat(merchant.json().path("detail").get(0).path("loc").get(1).asString()).isEqualTo("fee_bearer");
        assertMissing(http.post("/dollr/v1/invoices/create", Map.of("counterparty_id", counterparty, "currency", "LRD"),
                bearer), "body", "note", "fee_bearer", "as_payment_link");
        assertThat(http.post("/dollr/v1/invoices/create", Map.of("counterparty_id", counterparty, "currency", "LRD",
                "note", "order", "fee_bearer", "PAYEE", "as_payment_link", false), bearer).status()).isEqualTo(200);
    }

    @Test
    void aPayoutSessionNeedsPayoutAccountIdAmountAndCurrency() throws IOException {
        SandboxHttp.Reply account = http.post("/dollr/v1/payment-accounts/create?operation_type=PAYOUT",
                Map.of("account_name", "wallet", "provider", "PAWAPAY", "method", "ORANGE_MONEY_LBR",
                        "party_id", party(), "insensitive_account_number", "231771234567"), bearer);
        assertThat(account.status()).isEqualTo(200);
        long id = account.json().path("id").asLong();
        // The seed's summary of the payout session.
        assertMissing(http.post("/dollr/v1/sessions/payout", Map.of("wallet_id", "1", "payment_account_id", id,
                "amount", 10.0, "currency", "LRD", "expires_at", "2030-01-01T00:00:00Z"), bearer), "body",
                "payout_account_id");
        SandboxHttp.Reply ok = http.post("/dollr/v1/sessions/payout", Map.of("payout_account_id", id, "amount", 10.0,
                "currency", "LRD"), bearer);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("payout_account_id").asLong()).isEqualTo(id);
        assertThat(ok.json().has("wallet_id")).isTrue();
    }

    @Test
    void theFeePredictionTakesTheReferencesQuery() throws IOException {
        assertMissing(http.get("/dollr/v1/predictions/amount-and-fees?amount=100&currency=LRD&fee_bearer=CUSTOMER",
                bearer), "query", "base_amount", "base_currency", "target_currency", "payment_method", "operation_type",
                "provider");
        SandboxHttp.Reply ok = http.get("/dollr/v1/predictions/amount-and-fees?base_amount=100&base_currency=LRD"
                + "&target_currency=LRD&payment_method=MTN_MOMO_LBR&operation_type=COLLECTION&provider=PAWAPAY"
                + "&fee_bearer=PAYER", bearer);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("payer_amount").asString()).isEqualTo("101.00");
        assertThat(ok.json().path("payee_amount").asString()).isEqualTo("100.00");
        assertMissing(http.get("/dollr/v1/predictions/mmo-provider-info?phone=231771234567", bearer), "query",
                "operation_type");
    }

    @Test
    void aPayoutExecutionTakesThePayoutAccountIdAsAString() throws IOException {
        SandboxHttp.Reply numeric = http.post("/dollr/v1/executions/payout", Map.of("session_id", "1",
                "payout_account_id", 18, "reference_id", "550e8400-e29b-41d4-a716-446655440000",
                "passcode", Map.of("token", Map.of("phone", "231771234567", "code", "246810"))), bearer);
        assertThat(numeric.status()).isEqualTo(422);
        assertThat(numeric.json().path("detail").get(0).path("loc").get(1).asString()).isEqualTo("payout_account_id");
    }
}
