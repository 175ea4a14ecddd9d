package com.vendstream.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.dollr.DollrConnector;
import com.vendstream.providers.dollr.DollrProperties;
import com.vendstream.providers.pagamio.PagamioConnector;
import com.vendstream.providers.pagamio.PagamioProperties;
import com.vendstream.providers.pawacard.PawacardConnector;
import com.vendstream.providers.pawacard.PawacardProperties;
import com.vendstream.providers.pay4power.Pay4PowerConnector;
import com.vendstream.providers.pay4power.Pay4PowerProperties;
import com.vendstream.providers.support.CaptureServer.Captured;
import com.vendstream.providers.support.CaptureServer.Reply;
import com.vendstream.providers.vtpass.VtpassConnector;
import com.vendstream.providers.vtpass.VtpassProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What each connector puts on the wire, read by a server that is not our sandbox (a plain JDK HTTP
 * server): every request with a body carries a Content-Length equal to the bytes sent, never
 * {@code Transfer-Encoding: chunked}, and the body is the JSON we meant. A provider that reads
 * Content-Length would otherwise see an empty body (issue 11, item 1).
 */
class RequestsOnTheWireTest {

    private final CaptureServer server = new CaptureServer();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Content-Length present and equal to the body's length; no chunked encoding. */
    static void sentWithContentLength(Captured request) {
        assertThat(request.header("Transfer-Encoding")).as(request.method() + " " + request.path() + " Transfer-Encoding")
                .isNull();
        assertThat(request.header("Content-Length")).as(request.method() + " " + request.path() + " Content-Length")
                .isEqualTo(Integer.toString(request.body().length));
    }

    private void everyRequestWithABodyHadItsLength() {
        List<Captured> posts = server.requests().stream().filter(r -> !r.method().equals("GET")).toList();
        assertThat(posts).isNotEmpty();
        posts.forEach(RequestsOnTheWireTest::sentWithContentLength);
    }

    static JsonNode only(List<Captured> requests) {
        assertThat(requests).hasSize(1);
        return requests.get(0).json();
    }

    @Test
    void vtpass() {
        server.on("/vtpass/api/pay", r -> Reply.ok(vtpassDelivered(r.json().path("request_id").asString())))
                .on("/vtpass/api/requery", r -> Reply.ok(vtpassDelivered(r.json().path("request_id").asString())));
        VtpassConnector vtpass = new VtpassConnector(new VtpassProperties(server.url("/vtpass/api"), "k", "pk", "sk",
                Duration.ofSeconds(2), Duration.ofSeconds(3)));
        String ref = vtpass.newReference();
        assertThat(vtpass.vend(new VendCommand(ref, ServiceType.ELECTRICITY, "IKEDC", "prepaid", "1111111111111",
                "08030000000", 100_000, "NGN", 1, null, null))).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(vtpass.requery(new RequeryCommand(ref, ServiceType.ELECTRICITY, "IKEDC", "prepaid", null)))
                .isInstanceOf(VendOutcome.Succeeded.class);

        everyRequestWithABodyHadItsLength();
        JsonNode pay = only(server.requests("/vtpass/api/pay"));
        assertThat(pay.path("request_id").asString()).isEqualTo(ref);
        assertThat(pay.path("serviceID").asString()).isEqualTo("ikeja-electric");
        assertThat(pay.path("billersCode").asString()).isEqualTo("1111111111111");
        assertThat(pay.path("variation_code").asString()).isEqualTo("prepaid");
        assertThat(pay.path("phone").asString()).isEqualTo("08030000000");
        assertThat(pay.path("amount").asString()).isEqualTo("1000.00");
        assertThat(only(server.requests("/vtpass/api/requery")).path("request_id").asString()).isEqualTo(ref);
    }

    static String vtpassDelivered(String requestId) {
        return """
                {"code":"000","response_description":"TRANSACTION SUCCESSFUL","requestId":"%s",
                 "content":{"transactions":{"status":"delivered","transactionId":"17"}},
                 "purchased_code":"Token : 1234 5678","units":"79.9 kWh"}""".formatted(requestId);
    }

    @Test
    void pagamio() {
        server.on("/pagamio/api/v1/auth/token", r -> Reply.ok("""
                        {"successful":true,"data":{"token":"t1","refreshToken":"r1","expiresIn":1800,"userTypeId":"MER-9"}}"""))
                .on("/pagamio/api/v1/purchase", r -> Reply.ok("""
                        {"transactionId":"tx-1","responseCode":"0","responseMessage":"Purchase successful","successful":true,
                         "receipt":{"tokens":[{"token":"1111","quantity":61.14,"unit":"kWh"}]}}"""))
                .on("/pagamio/api/v1/transactions", r -> Reply.ok("{\"content\":[]}"))
                .on("/pagamio/api/v1/merchants/MER-1/products", r -> Reply.ok("{\"successful\":true,\"data\":[]}"));
        // The login names another account (MER-9, an undocumented field): the configured MER-1 is used.
        PagamioConnector pagamio = new PagamioConnector(new PagamioProperties(server.url("/pagamio/api/v1"), "user", "pass",
                "MER-1"));
        String ref = pagamio.newReference();
        assertThat(pagamio.vend(new VendCommand(ref, ServiceType.ELECTRICITY, "ESKOM", "prepaid", "000001020001", null,
                20_000, "ZAR", 1, null, null))).isInstanceOf(VendOutcome.Succeeded.class);
        pagamio.requery(new RequeryCommand(ref, ServiceType.ELECTRICITY, "ESKOM", "prepaid", null));
        assertThat(pagamio.offers(null)).isEmpty();

        everyRequestWithABodyHadItsLength();
        JsonNode login = only(server.requests("/pagamio/api/v1/auth/token"));
        assertThat(login.path("username").asString()).isEqualTo("user");
        assertThat(login.path("password").asString()).isEqualTo("pass");
        JsonNode purchase = only(server.requests("/pagamio/api/v1/purchase"));
        assertThat(purchase.path("merchantReference").asString()).isEqualTo(ref);
        assertThat(purchase.path("productCode").asString()).isEqualTo("ELE-ESK-001");
        assertThat(purchase.path("meterNumber").asString()).isEqualTo("000001020001");
        // "Amount in ZAR" as the reference shows it: a JSON number with two decimals, not a string.
        assertThat(purchase.path("amount").isNumber()).isTrue();
        assertThat(server.requests("/pagamio/api/v1/purchase").get(0).text()).contains("\"amount\":200.00");
        assertThat(server.requests("/pagamio/api/v1/transactions")).singleElement().satisfies(r -> {
            sentWithContentLength(r);
            assertThat(r.query()).contains("userType=MERCHANT", "userTypeId=MER-1", "keyWord=" + ref);
        });
        assertThat(server.requests("/pagamio/api/v1/merchants/MER-1/products")).hasSize(1);
    }

    @Test
    void pawacard() {
        server.on("/pawacard/v3/login", r -> Reply.ok("{\"status\":0,\"msg\":\"success\",\"balance\":\"39\",\"key\":\"k1\"}"))
                .on("/pawacard/v3/vend", r -> Reply.ok(pawacardToken(r.json().path("ref").asString())));
        PawacardConnector pawacard = new PawacardConnector(new PawacardProperties(server.url("/pawacard/v3"), "testvendor",
                "secret", Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ZERO));
        String ref = pawacard.newReference();
        assertThat(pawacard.vend(new VendCommand(ref, ServiceType.ELECTRICITY, "KPLC", "prepaid", "01451174955", null,
                5_000, "KES", 1, "Bilbo Baggins", null))).isInstanceOf(VendOutcome.Succeeded.class);

        everyRequestWithABodyHadItsLength();
        JsonNode login = only(server.requests("/pawacard/v3/login"));
        assertThat(login.path("username").asString()).isEqualTo("testvendor");
        assertThat(login.path("password").asString()).isEqualTo("secret");
        JsonNode vend = only(server.requests("/pawacard/v3/vend"));
        assertThat(vend.path("ref").asString()).isEqualTo(ref);
        assertThat(vend.path("meter").asString()).isEqualTo("01451174955");
        assertThat(vend.path("amount").asString()).isEqualTo("50");
        assertThat(vend.path("key").asString()).isEqualTo("k1");
        assertThat(vend.path("username").asString()).isEqualTo("testvendor");
        assertThat(vend.path("customerName").asString()).isEqualTo("Bilbo Baggins");
    }

    @Test
    void aPawacardReplyForAnotherRefIsPendingNeverItsToken() {
        // A server answering a repeated ref with the original transaction: that token is someone else's.
        server.on("/pawacard/v3/login", r -> Reply.ok("{\"status\":0,\"msg\":\"success\",\"key\":\"k1\"}"))
                .on("/pawacard/v3/vend", r -> Reply.ok(pawacardToken("370474587102")));
        PawacardConnector pawacard = new PawacardConnector(new PawacardProperties(server.url("/pawacard/v3"), "testvendor",
                "secret", Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ZERO));
        String ref = pawacard.newReference();
        assertThat(pawacard.vend(new VendCommand(ref, ServiceType.ELECTRICITY, "KPLC", "prepaid", "01451174955", null,
                5_000, "KES", 1, "Bilbo Baggins", null))).isInstanceOfSatisfying(VendOutcome.Pending.class,
                        p -> assertThat(p.message()).contains("370474587102", ref));
    }

    static String pawacardToken(String ref) {
        return """
                {"code":"elec000","token":"66430474307561657038","stdTokenRctNum":"RADIXOVS010VS224392",
                 "date":"11-4-2014 20:24:7","totalAmount":"50","transactionId":252,"ref":"%s",
                 "customerName":"Bilbo Baggins"}""".formatted(ref);
    }

    @Test
    void pay4power() {
        server.on("/p4p/auth/token", r -> Reply.ok("""
                        {"success":true,"statusCode":200,"message":"ok","data":{"accessToken":"t1","expiresIn":900}}"""))
                .on("/p4p/airtime/vend", r -> Reply.ok("""
                        {"success":true,"statusCode":200,"message":"Success","data":{"clientTransactionReference":"%s",
                         "transactionId":"P4P1","status":"SUCCESSFUL"}}""".formatted(
                        r.json().path("clientTransactionReference").asString())));
        Pay4PowerConnector p4p = new Pay4PowerConnector(new Pay4PowerProperties(server.url("/p4p"), "client", "secret",
                Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS, Duration.ofSeconds(2), Duration.ofSeconds(3)));
        String ref = p4p.newReference();
        assertThat(p4p.vend(new VendCommand(ref, ServiceType.AIRTIME, "MTN", null, "08011111111", null, 10_000, "NGN", 1,
                null, null))).isInstanceOf(VendOutcome.Succeeded.class);

        everyRequestWithABodyHadItsLength();
        JsonNode token = only(server.requests("/p4p/auth/token"));
        assertThat(token.path("clientId").asString()).isEqualTo("client");
        assertThat(token.path("clientSecret").asString()).isEqualTo("secret");
        JsonNode vend = only(server.requests("/p4p/airtime/vend"));
        assertThat(vend.path("clientTransactionReference").asString()).isEqualTo(ref);
        assertThat(vend.path("receiver").asString()).isEqualTo("08011111111");
        assertThat(vend.path("provider").asString()).isEqualTo("MTN");
        assertThat(vend.path("amount").isNumber()).isTrue();
        assertThat(vend.path("amount").asInt()).isEqualTo(100);
        // Whole naira as Pay4Power's examples write them: 100, not 100.00 (Money.toPlainDecimal).
        assertThat(server.requests("/p4p/airtime/vend").get(0).text()).containsPattern("\"amount\":100[,}]");
    }

    @Test
    void dollr() {
        server.on("/dollr/v1/jwt/client/obtain/token", r -> Reply.ok("{\"access_token\":\"t1\",\"expires_in\":60}"));
        DollrConnector dollr = new DollrConnector(new DollrProperties(server.url("/dollr/v1"), "client", "secret",
                Duration.ofSeconds(2), Duration.ofSeconds(3), null, null, null));
        assertThat(dollr.accessToken()).isEqualTo("t1");

        everyRequestWithABodyHadItsLength();
        JsonNode token = only(server.requests("/dollr/v1/jwt/client/obtain/token"));
        assertThat(token.path("client_id").asString()).isEqualTo("client");
        assertThat(token.path("client_secret").asString()).isEqualTo("secret");
        assertThat(token.properties()).hasSize(2);
    }
}
