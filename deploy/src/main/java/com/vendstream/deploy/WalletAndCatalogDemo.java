package com.vendstream.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The merchant flows of seed 003 through the order API: the catalogue as merged with the providers'
 * listings (and an outlet that may sell less), then a customer's wallet opened with a PIN, topped up
 * from the merchant's float, paying for airtime with the PIN, refused with a wrong PIN, and its
 * statement. Each step prints what was expected next to what happened.
 */
final class WalletAndCatalogDemo {

    private record Reply(int status, JsonNode body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = JsonMapper.builder().build();
    private final String orderApi;
    private final Set<String> onSandbox;
    private final StringBuilder out = new StringBuilder();
    private int unexpected;

    /** @param onSandbox the providers the stack's sandbox plays (the catalogue checks expect its listings) */
    WalletAndCatalogDemo(String orderApi, Set<String> onSandbox) {
        this.orderApi = orderApi;
        this.onSandbox = Set.copyOf(onSandbox);
    }

    /** Runs the walk-through; the text ends with how many steps did not go as expected. */
    String run(Duration timeout) throws Exception {
        out.append("\nCatalogue: configuration merged with the providers' live listings\n");
        Reply sources = call("GET", "/v1/catalog/sources", null);
        for (JsonNode s : sources.body()) {
            out.append(String.format("  %-10s %-13s %s%n", s.path("provider").asString(), s.path("status").asString(),
                    s.path("offers").isNumber() ? s.path("offers").asInt() + " offers listed" : "sold as configured"));
        }
        Reply dstv = call("GET", "/v1/catalog/billers/CABLE_TV/DSTV", null);
        StringBuilder bouquets = new StringBuilder();
        dstv.body().path("items").forEach(i -> bouquets.append(bouquets.isEmpty() ? "" : ", ")
                .append(i.path("itemId").asString()).append(" ")
                .append(java.math.BigDecimal.valueOf(i.path("priceMinor").asLong(), 2).toPlainString()));
        step("vtpass", "DStv bouquets (configured 2, VTpass lists 4)", dstv.body().path("items").size() == 4,
                bouquets.toString());
        Reply kiosk = call("GET", "/v1/catalog/billers?service=ELECTRICITY&subMerchantId=kiosk-airtime", null);
        boolean noEskom = true;
        for (JsonNode b : kiosk.body()) {
            noEskom &= !"ESKOM".equals(b.path("billerId").asString());
        }
        step("pagamio", "Outlet kiosk-airtime (Pagamio airtime-only) sells no Eskom", noEskom,
                kiosk.body().size() + " electricity billers");
        Reply eskomAtKiosk = call("POST", "/v1/orders", Map.of("clientReference", "demo-kiosk-" + UUID.randomUUID(),
                "subMerchantId", "kiosk-airtime", "service", "ELECTRICITY", "billerId", "ESKOM", "itemId", "prepaid",
                "account", "00001100000", "amount", Map.of("minor", 10000, "currency", "ZAR"),
                "payment", Map.of("method", "WALLET", "walletId", "demo-float-zar")));
        step("pagamio", "Eskom ordered at that outlet is refused", eskomAtKiosk.status() == 422
                && "NOT_AVAILABLE_TO_MERCHANT".equals(eskomAtKiosk.body().path("reasonCode").asString()),
                eskomAtKiosk.status() + " " + eskomAtKiosk.body().path("reasonCode").asString());

        out.append("\nCustomer wallet with a PIN (seed 003): open, top up from the float, pay, statement\n");
        String run = UUID.randomUUID().toString().substring(0, 8);
        Reply opened = call("POST", "/v1/wallets", Map.of("customerId", "demo-customer-" + run, "currency", "NGN",
                "pin", "1234"));
        String walletId = opened.body().path("walletId").asString("");
        step("Open an NGN wallet with PIN", opened.status() == 201 && opened.body().path("pinSet").asBoolean(false),
                opened.status() + " " + walletId + ", balance " + opened.body().path("balance").path("minor").asLong());
        Reply topUp = call("POST", "/v1/wallets/" + walletId + "/top-ups", Map.of("reference", "demo-topup-" + run,
                "fromWalletId", "demo-float-ngn", "amount", Map.of("minor", 500000, "currency", "NGN")));
        step("Top it up with NGN 5,000 from demo-float-ngn", topUp.status() == 201
                && "COMPLETED".equals(topUp.body().path("state").asString()), topUp.status() + " "
                + topUp.body().path("state").asString() + ", wallet balance "
                + topUp.body().path("toBalanceAfter").path("minor").asLong(-1));
        Reply wrongPin = call("POST", "/v1/orders", airtime("demo-wrong-pin-" + run, walletId, "9999"));
        step("Airtime with a wrong PIN is refused", wrongPin.status() == 422
                && "WRONG_PIN".equals(wrongPin.body().path("reasonCode").asString()),
                wrongPin.status() + " " + wrongPin.body().path("reasonCode").asString());
        Reply paid = call("POST", "/v1/orders", airtime("demo-pin-" + run, walletId, "1234"));
        String state = paid.status() == 201 ? awaitSettled(paid.body().path("orderId").asString(), timeout)
                : paid.body().path("reasonCode").asString("?");
        step("MTN airtime NGN 1,000 paid from it with the PIN", "COMPLETED".equals(state), paid.status() + " " + state);
        Reply statement = call("GET", "/v1/wallets/" + walletId + "/statement", null);
        StringBuilder lines = new StringBuilder();
        for (JsonNode p : statement.body().path("postings")) {
            lines.append(String.format("      %-10s %9d  balance %d%n", p.path("kind").asString(),
                    p.path("amount").path("minor").asLong(), p.path("balanceAfter").path("minor").asLong()));
        }
        step("Statement: opening, top-up, debit (newest first)", statement.body().path("postings").size() == 3
                && statement.body().path("balance").path("minor").asLong() == 400000, "balance "
                + statement.body().path("balance").path("minor").asLong());
        out.append(lines);
        out.append(unexpected == 0 ? "  All steps as expected.\n" : "  " + unexpected + " step(s) NOT as expected.\n");
        return out.toString();
    }

    int unexpected() {
        return unexpected;
    }

    private static Map<String, Object> airtime(String reference, String walletId, String pin) {
        return Map.of("clientReference", reference, "service", "AIRTIME", "billerId", "MTN", "account", "08011111111",
                "amount", Map.of("minor", 100000, "currency", "NGN"),
                "payment", Map.of("method", "WALLET", "walletId", walletId, "pin", pin));
    }

    /** A step whose expectation is the sandbox's listing of this provider: only shown when it is real. */
    private void step(String provider, String what, boolean asExpected, String detail) {
        if (onSandbox.contains(provider)) {
            step(what, asExpected, detail);
        } else {
            out.append(String.format("  %-62s %-4s %s (%s is not the sandbox: not checked)%n", what, "--", detail,
                    provider));
        }
    }

    private void step(String what, boolean asExpected, String detail) {
        if (!asExpected) {
            unexpected++;
        }
        out.append(String.format("  %-62s %-4s %s%n", what, asExpected ? "ok" : "NOT", detail));
    }

    private String awaitSettled(String orderId, Duration timeout) throws Exception {
        // The API's long poll waits for the outcome server-side.
        Instant deadline = Instant.now().plus(timeout);
        String state = "?";
        while (Instant.now().isBefore(deadline)) {
            state = call("GET", "/v1/orders/" + orderId + "/outcome?timeout=PT20S", null).body().path("state").asString("?");
            if (Demo.TERMINAL.contains(state)) {
                break;
            }
        }
        return state;
    }

    private Reply call(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(orderApi + path))
                .header("Authorization", "Bearer " + Demo.API_KEY).timeout(Duration.ofSeconds(40));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body().isBlank() ? json.nullNode() : json.readTree(response.body()));
    }
}
