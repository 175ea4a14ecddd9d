package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Every flow of the provider seeds a merchant runs, through the order API on real parts with the
 * provider sandbox: account lookups with what each returns, and an order of every kind with what its
 * receipt must carry (token and units, PINs, bill receipt). Seed 003 is VTpass (its wallet and PIN
 * API is covered by order-service's wallet tests and the demo), 001 Pagamio, 004 Pawacard (Kenya
 * Power). Mobile money (002) has its own tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedFlowsEndToEndTest {

    private RealParts system;

    @BeforeAll
    void startSystem() {
        system = new RealParts(Map.of());
    }

    @AfterAll
    void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    private JsonNode verified(String service, String billerId, String itemId, String account) throws Exception {
        Map<String, Object> body = new HashMap<>(Map.of("service", service, "billerId", billerId, "account", account));
        if (itemId != null) {
            body.put("itemId", itemId);
        }
        HttpResponse<String> reply = system.post("/accounts/verify", body);
        assertThat(reply.statusCode()).as(billerId + " " + reply.body()).isEqualTo(200);
        JsonNode node = system.json.readTree(reply.body());
        assertThat(node.path("status").asString()).isEqualTo("VALID");
        return node;
    }

    private String place(String service, String billerId, String itemId, String account, long minor, String currency,
                         String walletId, int quantity) throws Exception {
        Map<String, Object> body = new HashMap<>(Map.of("clientReference", "seed-" + UUID.randomUUID(),
                "service", service, "billerId", billerId, "account", account, "customerPhone", "08011111111",
                "amount", Map.of("minor", minor, "currency", currency), "quantity", quantity,
                "payment", Map.of("method", "WALLET", "walletId", walletId)));
        if (itemId != null) {
            body.put("itemId", itemId);
        }
        return system.place(body);
    }

    /** Places them all first, then waits for each: the flows run side by side, as a shop's would. */
    private Map<String, JsonNode> completed(Map<String, String> orderIdsByName) {
        Map<String, JsonNode> vends = new LinkedHashMap<>();
        orderIdsByName.forEach((name, id) -> vends.put(name,
                system.awaitState(id, "COMPLETED", Duration.ofSeconds(60)).path("vend")));
        return vends;
    }

    @Test
    void seed003VtpassLookupsAndEveryCategory() throws Exception {
        JsonNode prepaid = verified("ELECTRICITY", "IKEDC", "prepaid", "1111111111111");
        assertThat(prepaid.path("customerName").asString()).isEqualTo("TESTMETER1");
        assertThat(prepaid.path("details").path("Min_Purchase_Amount").asString()).isEqualTo("500");
        JsonNode postpaid = verified("ELECTRICITY", "IKEDC", "postpaid", "1010101010101");
        assertThat(postpaid.path("details").path("Customer_Arrears").asString()).isEqualTo("1500.00");
        JsonNode smartcard = verified("CABLE_TV", "DSTV", null, "1212121212");
        assertThat(smartcard.path("details").path("Current_Bouquet").asString()).isNotBlank();
        assertThat(smartcard.path("details").path("Due_Date").asString()).isNotBlank();
        verified("EDUCATION", "JAMB", "utme-mock", "0801234567");
        // Smile customers are looked up by email; the order goes to the account id that lookup returns.
        JsonNode smileCustomer = verified("DATA", "SMILE", null, "tester@sandbox.com");
        String smileAccount = smileCustomer.path("details").path("AccountId").asString();
        assertThat(smileAccount).isNotBlank();

        Map<String, String> orders = new LinkedHashMap<>();
        orders.put("airtime", place("AIRTIME", "MTN", null, "08011111111", 10_000, "NGN", "demo-float-ngn", 1));
        orders.put("data", place("DATA", "MTN", "mtn-50mb-200", "08011111111", 20_000, "NGN", "demo-float-ngn", 1));
        orders.put("smile", place("DATA", "SMILE", "smile-1gb", smileAccount, 100_000, "NGN", "demo-float-ngn", 1));
        orders.put("dstv", place("CABLE_TV", "DSTV", "dstv-padi", "1212121212", 290_000, "NGN", "demo-float-ngn", 1));
        // A bouquet only VTpass's live listing has: on sale through the merged catalogue.
        orders.put("dstv-listed", place("CABLE_TV", "DSTV", "dstv-confam", "1212121212", 620_000, "NGN",
                "demo-float-ngn", 1));
        orders.put("gotv", place("CABLE_TV", "GOTV", "gotv-smallie", "1212121212", 110_000, "NGN", "demo-float-ngn", 1));
        orders.put("prepaid", place("ELECTRICITY", "IKEDC", "prepaid", "1111111111111", 100_000, "NGN",
                "demo-float-ngn", 1));
        orders.put("postpaid", place("ELECTRICITY", "IKEDC", "postpaid", "1010101010101", 100_000, "NGN",
                "demo-float-ngn", 1));
        orders.put("jamb", place("EDUCATION", "JAMB", "utme-mock", "0801234567", 770_000, "NGN", "demo-float-ngn", 1));
        orders.put("waec", place("EDUCATION", "WAEC", "waecdirect", "08011111111", 180_000, "NGN", "demo-float-ngn", 2));
        Map<String, JsonNode> vends = completed(orders);

        vends.values().forEach(v -> assertThat(v.path("provider").asString()).isEqualTo("vtpass"));
        assertThat(vends.get("prepaid").path("token").asString()).matches("[0-9 ]{20,}");
        assertThat(vends.get("prepaid").path("units").asString()).endsWith("kWh");
        assertThat(vends.get("postpaid").path("receipt").path("exchangeReference").asString()).startsWith("EXR");
        assertThat(vends.get("jamb").path("pins")).hasSize(1);
        assertThat(vends.get("jamb").path("token").isNull()).isTrue();
        // Two result-checker PINs bought in one order: two distinct PINs on it.
        assertThat(vends.get("waec").path("pins")).hasSize(2);
        assertThat(vends.get("waec").path("pins").get(0).asString())
                .isNotEqualTo(vends.get("waec").path("pins").get(1).asString());
        assertThat(vends.get("dstv").path("receipt").path("product").asString()).contains("DSTV");
    }

    @Test
    void seed001PagamioLookupsAndPurchases() throws Exception {
        JsonNode meter = verified("ELECTRICITY", "ESKOM", "prepaid", "00001100000");
        assertThat(meter.path("customerName").asString()).isNotBlank();
        verified("AIRTIME", "VODACOM", null, "0821234567");

        Map<String, String> orders = new LinkedHashMap<>();
        orders.put("eskom", place("ELECTRICITY", "ESKOM", "prepaid", "00001100000", 20_000, "ZAR", "demo-float-zar", 1));
        orders.put("vodacom", place("AIRTIME", "VODACOM", null, "0821234567", 1_000, "ZAR", "demo-float-zar", 1));
        orders.put("dstv-za", place("CABLE_TV", "DSTV-ZA", null, "1234567890", 10_000, "ZAR", "demo-float-zar", 1));
        Map<String, JsonNode> vends = completed(orders);

        vends.values().forEach(v -> assertThat(v.path("provider").asString()).isEqualTo("pagamio"));
        assertThat(vends.get("eskom").path("token").asString()).matches("\\d{20}");
        assertThat(vends.get("eskom").path("units").asString()).endsWith("kWh");
        assertThat(vends.get("dstv-za").path("receipt").path("receiptNumber").asString()).isNotBlank();
    }

    @Test
    void seed004KenyaPowerLookupsAndPurchases() throws Exception {
        String meter = Demo.freshKenyanMeter();
        assertThat(verified("ELECTRICITY", "KPLC", "prepaid", meter).path("customerName").asString()).isNotBlank();
        JsonNode account = verified("ELECTRICITY", "KPLC", "postpaid", "12345678");
        assertThat(account.path("details").size()).isPositive();

        Map<String, String> orders = new LinkedHashMap<>();
        orders.put("prepaid", place("ELECTRICITY", "KPLC", "prepaid", meter, 50_000, "KES", "demo-float-kes", 1));
        orders.put("postpaid", place("ELECTRICITY", "KPLC", "postpaid", "12345678", 50_000, "KES", "demo-float-kes", 1));
        Map<String, JsonNode> vends = completed(orders);

        assertThat(vends.get("prepaid").path("provider").asString()).isEqualTo("pawacard");
        assertThat(vends.get("prepaid").path("token").asString()).matches("\\d{20}");
        assertThat(vends.get("postpaid").path("token").isNull() || vends.get("postpaid").path("token").isMissingNode())
                .isTrue();
        // The bill account comes back in Pawacard's receipt; a merchant is shown it masked, as the order's account.
        assertThat(vends.get("postpaid").path("receipt").path("accountNo").asString()).isEqualTo("****5678");
    }
}
