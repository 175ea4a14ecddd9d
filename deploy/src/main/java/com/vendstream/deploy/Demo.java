package com.vendstream.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Places demo orders through the order API (as a merchant's checkout would), waits for each to end,
 * and prints what happened. The accounts are the provider sandbox's documented test values.
 */
public final class Demo {

    public static final String API_KEY = "demo-merchant-key";
    static final Set<String> TERMINAL = Set.of("COMPLETED", "REFUNDED", "REJECTED", "UNRESOLVED");

    /** One demo order: what it is and what we expect the sandbox to do with it. */
    /** @param payerPhone the customer's mobile-money number when the order is paid by mobile money (Dollr) */
    public record DemoOrder(String label, String service, String billerId, String itemId, String account,
                            long amountMinor, String currency, String walletId, String payerPhone, String expect) {
        DemoOrder(String label, String service, String billerId, String itemId, String account, long amountMinor,
                  String currency, String walletId, String expect) {
            this(label, service, billerId, itemId, account, amountMinor, currency, walletId, null, expect);
        }
    }

    /** @param order the order as GET /v1/orders/{id} last showed it (null when it was refused) */
    public record Result(DemoOrder order, int httpStatus, String orderId, String state, String detail, JsonNode json) {
        String providerReference() {
            return json == null ? null : json.path("vend").path("providerReference").asString(null);
        }

        String provider() {
            return json == null ? null : json.path("vend").path("provider").asString(null);
        }

        String businessDate() {
            return json == null ? null : json.path("businessDate").asString(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = JsonMapper.builder().build();
    private final String orderApi;

    public Demo(String orderApi) {
        this.orderApi = orderApi;
    }

    public static List<DemoOrder> orders() {
        return List.of(
                new DemoOrder("MTN airtime NGN 500", "AIRTIME", "MTN", null, "08011111111", 50000, "NGN",
                        "demo-float-ngn", "COMPLETED"),
                new DemoOrder("Ikeja prepaid token NGN 1,000", "ELECTRICITY", "IKEDC", "prepaid", "1111111111111",
                        100000, "NGN", "demo-float-ngn", "COMPLETED"),
                new DemoOrder("MTN data 100MB", "DATA", "MTN", "mtn-10mb-100", "08011111111", 10000, "NGN",
                        "demo-float-ngn", "COMPLETED"),
                new DemoOrder("Airtime to a number the provider declines", "AIRTIME", "GLO", null, "08022222222",
                        20000, "NGN", "demo-float-ngn", "REFUNDED"),
                new DemoOrder("Kenya Power prepaid token KES 500", "ELECTRICITY", "KPLC", "prepaid", freshKenyanMeter(),
                        50000, "KES", "demo-float-kes", "COMPLETED"),
                new DemoOrder("Eskom prepaid token ZAR 100", "ELECTRICITY", "ESKOM", "prepaid", "00001100000",
                        10000, "ZAR", "demo-float-zar", "COMPLETED"),
                new DemoOrder("Lonestar airtime LRD 100, paid by mobile money", "AIRTIME", "LONESTAR", null,
                        "231880000123", 10000, "LRD", null, "231770000001", "COMPLETED"),
                new DemoOrder("Mobile-money payer without funds", "AIRTIME", "LONESTAR", null, "231880000124", 10000,
                        "LRD", null, "231770000002", "REJECTED"),
                new DemoOrder("Vend fails after a mobile-money payment", "AIRTIME", "LONESTAR", null, "41700000001",
                        10000, "LRD", null, "231770000005", "REFUNDED"),
                new DemoOrder("Airtime below the NGN 50 minimum", "AIRTIME", "MTN", null, "08011111111", 1000, "NGN",
                        "demo-float-ngn", "REJECTED (422)"));
    }

    /**
     * A Luhn-valid meter the sandbox has not seen: Pawacard (and its sandbox) allow one vend per meter
     * per five minutes, and a second start of the stack should not trip that.
     */
    public static String freshKenyanMeter() {
        String body = "0145" + String.format("%06d", java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000));
        for (int check = 0; check <= 9; check++) {
            if (com.vendstream.order.account.Luhn.valid(body + check)) {
                return body + check;
            }
        }
        throw new IllegalStateException("no Luhn check digit");
    }

    public List<Result> run(Duration timeout) throws Exception {
        List<Result> results = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, DemoOrder> placed = new LinkedHashMap<>();
        for (DemoOrder o : orders()) {
            Map<String, Object> order = new java.util.HashMap<>(Map.of(
                    "clientReference", "demo-" + run + "-" + (results.size() + placed.size()),
                    "service", o.service(), "billerId", o.billerId(), "account", o.account(),
                    "customerPhone", "08011111111",
                    "amount", Map.of("minor", o.amountMinor(), "currency", o.currency()),
                    "payment", o.payerPhone() == null ? Map.of("method", "WALLET", "walletId", o.walletId())
                            : Map.of("method", "MOBILE_MONEY", "payerPhone", o.payerPhone())));
            if (o.itemId() != null) {
                order.put("itemId", o.itemId());
            }
            String body = json.writeValueAsString(order);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(orderApi + "/v1/orders"))
                    .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = json.readTree(response.body());
            if (response.statusCode() == 201 || response.statusCode() == 200) {
                placed.put(node.path("orderId").asString(), o);
            } else {
                results.add(new Result(o, response.statusCode(), node.path("orderId").asString(null), "REJECTED",
                        node.path("reasonCode").asString("") + ": " + node.path("detail").asString(""), null));
            }
        }
        Instant deadline = Instant.now().plus(timeout);
        for (Map.Entry<String, DemoOrder> e : placed.entrySet()) {
            JsonNode order = null;
            while (Instant.now().isBefore(deadline)) {
                order = get(e.getKey());
                if (TERMINAL.contains(order.path("state").asString())) {
                    break;
                }
                synchronized (this) {
                    wait(250);
                }
            }
            results.add(new Result(e.getValue(), 201, e.getKey(), order == null ? "?" : order.path("state").asString(),
                    describe(order), order));
        }
        return results;
    }

    private JsonNode get(String orderId) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(orderApi + "/v1/orders/" + orderId))
                .header("Authorization", "Bearer " + API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private static String describe(JsonNode order) {
        if (order == null) {
            return "";
        }
        JsonNode vend = order.path("vend");
        List<String> parts = new ArrayList<>();
        if (!vend.isMissingNode() && !vend.isNull()) {
            parts.add("via " + vend.path("provider").asString());
            if (vend.hasNonNull("token")) {
                parts.add("token " + vend.path("token").asString());
            }
            if (vend.hasNonNull("units")) {
                parts.add(vend.path("units").asString());
            }
            if (vend.path("pins").size() > 0) {
                parts.add("PINs " + vend.path("pins"));
            }
        }
        if (order.hasNonNull("failureReason")) {
            parts.add(order.path("failureReason").asString());
        }
        if (order.hasNonNull("rejection")) {
            parts.add(order.path("rejection").path("reasonCode").asString() + ": "
                    + order.path("rejection").path("message").asString());
        }
        if ("MOBILE_MONEY".equals(order.path("paymentMethod").asString())) {
            parts.add(0, "paid by mobile money (dollr)");
        }
        return String.join(", ", parts);
    }

    static void printHeader() {
        System.out.println("\nDemo: placing orders as merchant 'demo-merchant' against the provider sandbox\n");
    }

    public static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-48s %-10s %-15s %s%n", "order", "state", "expected", "outcome"));
        for (Result r : results) {
            sb.append(String.format("%-48s %-10s %-15s %s%n", r.order().label(), r.state(), r.order().expect(),
                    r.detail()));
        }
        return sb.toString();
    }
}
