package com.vendstream.deploy.campaign;

import com.vendstream.deploy.Demo;
import com.vendstream.deploy.LoadRun;
import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.deploy.CheckoutDemo;
import com.vendstream.schemas.topic.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The campaign's customers: concurrent clients placing the planned orders and top-ups through the order
 * API (retrying the same client reference after a timeout or a refused connection, as a checkout
 * would), and checkout events on the checkout topic (some sent twice). Every answer is kept: what was
 * acknowledged is what the audit holds the system to.
 */
public final class Customers {

    static final String MERCHANT = "demo-merchant";
    public static final String FLOAT_NGN = "load-float-ngn";
    static final String API_KEY = Demo.API_KEY;
    /** How long a client keeps trying one order while parts of the system are down. */
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(5);

    enum Channel { HTTP, CHECKOUT, TOPUP }

    /** What one planned order is: its outcome account, how it pays, and how it reaches us. */
    public record Kind(String label, String service, String billerId, String itemId, String account, long amountMinor,
                String currency, String walletId, String payerPhone, int weight) {
        public boolean mobileMoney() {
            return payerPhone != null;
        }
    }

    /** One planned request, decided by the seed. */
    record Planned(int index, String reference, Kind kind, Channel channel, String account, String walletId,
                   boolean timeoutFirst, boolean duplicate) {
    }

    /**
     * What came of one planned request.
     *
     * @param id      the order id (or the top-up's transfer id) when acknowledged
     * @param status  the last HTTP status (0 for a checkout event)
     * @param refusal the reason code of a final refusal (4xx), else null
     */
    record Outcome(Planned planned, String id, int status, String refusal, int tries, Instant acknowledgedAt) {
        boolean acknowledged() {
            return acknowledgedAt != null;
        }
    }

    /**
     * The outcome accounts: the load run's VTpass mix (wallet orders from the NGN float), VTpass's other
     * transport outcomes, the other providers, mobile money through Dollr with its payer outcomes, and
     * customers' own wallets (funded by top-ups).
     */
    public static List<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        for (LoadRun.Mix m : LoadRun.MIX) {
            kinds.add(new Kind(m.label(), m.service(), m.billerId(), m.itemId(), m.account(), m.amountMinor(), "NGN",
                    FLOAT_NGN, null, m.weight()));
        }
        kinds.add(new Kind("reset after processing", "AIRTIME", "MTN", null, "400000000000", 10_000, "NGN",
                FLOAT_NGN, null, 3));
        kinds.add(new Kind("500 after processing", "AIRTIME", "MTN", null, "600000000000", 10_000, "NGN",
                FLOAT_NGN, null, 3));
        kinds.add(new Kind("pending then fails", "AIRTIME", "MTN", null, "202000000000", 10_000, "NGN",
                FLOAT_NGN, null, 3));
        kinds.add(new Kind("Kenya Power token (Pawacard)", "ELECTRICITY", "KPLC", "prepaid", null, 50_000, "KES",
                "demo-float-kes", null, 1));
        kinds.add(new Kind("Eskom token (Pagamio)", "ELECTRICITY", "ESKOM", "prepaid", "00001100000", 10_000, "ZAR",
                "demo-float-zar", null, 1));
        kinds.add(new Kind("mobile money, collected after pending", "AIRTIME", "LONESTAR", null, "231880000123",
                10_000, "LRD", null, "231770000001", 4));
        kinds.add(new Kind("mobile money, collected", "AIRTIME", "LONESTAR", null, "231880000123", 10_000, "LRD",
                null, "231770000006", 3));
        kinds.add(new Kind("mobile money, payer without funds", "AIRTIME", "LONESTAR", null, "231880000124", 10_000,
                "LRD", null, "231770000002", 2));
        kinds.add(new Kind("mobile money, throttled once", "AIRTIME", "LONESTAR", null, "231880000123", 10_000,
                "LRD", null, "231770000004", 2));
        kinds.add(new Kind("mobile money, vend fails, paid back", "AIRTIME", "LONESTAR", null, "41700000001",
                10_000, "LRD", null, "231770000005", 2));
        kinds.add(new Kind("customer wallet airtime", "AIRTIME", "MTN", null, "08011111111", 10_000, "NGN",
                "customer", null, 5));
        return kinds;
    }

    /** The orders, top-ups and checkout events of a run: the same seed gives the same plan. */
    static List<Planned> plan(int orders, Random random, String runId, List<String> customerWallets) {
        List<Kind> wheel = new ArrayList<>();
        kinds().forEach(k -> {
            for (int i = 0; i < k.weight(); i++) {
                wheel.add(k);
            }
        });
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            String reference = "campaign-" + runId + "-" + i;
            if (i % 25 == 7) {
                String to = customerWallets.get(random.nextInt(customerWallets.size()));
                plan.add(new Planned(i, reference, null, Channel.TOPUP, null, to, random.nextInt(10) == 0, false));
                continue;
            }
            Kind kind = wheel.get(random.nextInt(wheel.size()));
            boolean checkout = kind.walletId() != null && kind.walletId().equals(FLOAT_NGN) && random.nextInt(20) == 0;
            String account = kind.account() != null ? kind.account() : Demo.freshKenyanMeter();
            String wallet = "customer".equals(kind.walletId())
                    ? customerWallets.get(random.nextInt(customerWallets.size())) : kind.walletId();
            plan.add(new Planned(i, reference, kind, checkout ? Channel.CHECKOUT : Channel.HTTP, account, wallet,
                    random.nextInt(25) == 0, checkout && random.nextInt(3) == 0));
        }
        return plan;
    }

    private final Http http = new Http();
    private final String orderApi;
    private final KafkaProducer<String, Object> producer;
    private final Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger duplicatesSent = new AtomicInteger();

    Customers(String orderApi, String bootstrapServers, String registryUrl) {
        this.orderApi = orderApi;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put("schema.registry.url", registryUrl);
        // As the merchant's checkout system: each event signed with the merchant's key, or order-service refuses it.
        this.producer = CheckoutDemo.producer(config);
    }

    /**
     * Places the plan from {@code clients} concurrent clients, each waiting at {@code gate} before its next
     * request (the fault schedule holds the load back while a killed part is still down).
     */
    List<Outcome> run(List<Planned> plan, int clients, IntConsumer gate, Runnable onPlaced) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < plan.size()) {
                    gate.accept(i);
                    Planned p = plan.get(i);
                    outcomes.put(i, place(p));
                    onPlaced.run();
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(7, TimeUnit.DAYS);
        producer.close(Duration.ofSeconds(30));
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            out.add(outcomes.get(i));
        }
        return out;
    }

    int duplicatesSent() {
        return duplicatesSent.get();
    }

    private Outcome place(Planned p) {
        return switch (p.channel()) {
            case CHECKOUT -> checkout(p);
            case TOPUP -> overHttp(p, orderApi + "/v1/wallets/" + p.walletId() + "/top-ups", Map.of(
                    "reference", p.reference(), "fromWalletId", FLOAT_NGN,
                    "amount", Map.of("minor", 200_000, "currency", "NGN")), "transferId");
            case HTTP -> overHttp(p, orderApi + "/v1/orders", orderBody(p), "orderId");
        };
    }

    private static Map<String, Object> orderBody(Planned p) {
        return orderBody(p.kind(), p.reference(), p.account(), p.walletId());
    }

    /** The body of {@code POST /v1/orders} for one order of this kind (the benchmark's too). */
    public static Map<String, Object> orderBody(Kind k, String reference, String account, String walletId) {
        Map<String, Object> body = new HashMap<>(Map.of("clientReference", reference, "service", k.service(),
                "billerId", k.billerId(), "account", account, "customerPhone", "08011111111",
                "amount", Map.of("minor", k.amountMinor(), "currency", k.currency()),
                "payment", k.mobileMoney() ? Map.of("method", "MOBILE_MONEY", "payerPhone", k.payerPhone())
                        : Map.of("method", "WALLET", "walletId", walletId)));
        if (k.itemId() != null) {
            body.put("itemId", k.itemId());
        }
        return body;
    }

    /**
     * The same request until it is answered: after a timeout or a refused connection (the service being
     * killed) the client sends it again with the same reference, as the API's idempotency allows.
     */
    private Outcome overHttp(Planned p, String url, Map<String, Object> body, String idField) {
        Instant giveUp = Instant.now().plus(GIVE_UP_AFTER);
        int tries = 0;
        int status = 0;
        while (Instant.now().isBefore(giveUp)) {
            tries++;
            // A client whose first try times out on purpose: the order may well be stored; the retry must find it.
            Duration timeout = p.timeoutFirst() && tries == 1 ? Duration.ofMillis(40) : Duration.ofSeconds(20);
            try {
                Http.Reply r = http.post(url, API_KEY, body, timeout);
                status = r.status();
                String id = r.body().path(idField).asString(null);
                if ((status == 201 || status == 200) && id != null) {
                    return new Outcome(p, id, status, null, tries, Instant.now());
                }
                if (status / 100 == 4 && status != 408 && status != 429) {
                    String reason = r.body().path("reasonCode").asString(r.body().path("type").asString("?"));
                    // A top-up refused for funds is stored FAILED with its id: an answer, not an acknowledgement.
                    return new Outcome(p, id, status, reason, tries, null);
                }
            } catch (IOException timeoutOrRefused) {
                // fall through to the pause and retry
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause(Math.min(5_000, 500L * tries));
        }
        return new Outcome(p, null, status, "NO_ANSWER", tries, null);
    }

    private Outcome checkout(Planned p) {
        Kind k = p.kind();
        String eventOrderId = UUID.nameUUIDFromBytes(p.reference().getBytes()).toString();
        Envelope envelope = Envelopes.create(Envelopes.eventId(eventOrderId, "OrderPlaced", null), OrderPlaced.class,
                eventOrderId, Instant.now(), LocalDate.now(ZoneId.of("Africa/Lagos")), MERCHANT, "checkout",
                eventOrderId, null);
        OrderLine.Builder line = OrderLine.newBuilder().setService(ServiceCategory.valueOf(k.service()))
                .setBillerId(k.billerId()).setAccount(p.account()).setCustomerPhone("08011111111")
                .setAmount(new Money(k.amountMinor(), k.currency()));
        if (k.itemId() != null) {
            line.setItemId(k.itemId());
        }
        OrderPlaced placed = OrderPlaced.newBuilder().setEnvelope(envelope).setClientReference(p.reference())
                .setLine(line.build()).setPaymentMethod(PaymentMethod.WALLET).setWalletId(p.walletId()).build();
        Instant giveUp = Instant.now().plus(GIVE_UP_AFTER);
        int tries = 0;
        while (Instant.now().isBefore(giveUp)) {
            tries++;
            try {
                producer.send(new ProducerRecord<>(Topics.CHECKOUT_ORDERS.topic(), eventOrderId, placed))
                        .get(150, TimeUnit.SECONDS);
                if (p.duplicate()) {
                    producer.send(new ProducerRecord<>(Topics.CHECKOUT_ORDERS.topic(), eventOrderId, placed))
                            .get(150, TimeUnit.SECONDS);
                    duplicatesSent.incrementAndGet();
                }
                return new Outcome(p, null, 0, null, tries, Instant.now());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception notAcknowledged) {
                pause(1_000);
            }
        }
        return new Outcome(p, null, 0, "NOT_PRODUCED", tries, null);
    }

    /**
     * Poison on the checkout topic: a record without a value, bytes that are not the registry's framing,
     * and framing naming a schema the registry never issued. Each must end on a dead-letter topic.
     * Returns the keys sent.
     */
    static List<String> poison(String bootstrapServers, String runId) throws Exception {
        List<String> keys = List.of("campaign-poison-" + runId + "-null", "campaign-poison-" + runId + "-garbage",
                "campaign-poison-" + runId + "-unknown-schema");
        List<byte[]> values = new ArrayList<>();
        values.add(null);
        values.add("{\"clientReference\": \"not avro\"}".getBytes());
        values.add(new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 4, 6});
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < keys.size(); i++) {
                raw.send(new ProducerRecord<>(Topics.CHECKOUT_ORDERS.topic(), keys.get(i), values.get(i)))
                        .get(60, TimeUnit.SECONDS);
            }
        }
        return keys;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
