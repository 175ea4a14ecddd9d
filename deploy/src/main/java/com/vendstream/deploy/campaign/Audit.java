package com.vendstream.deploy.campaign;

import com.vendstream.deploy.ReconDemo;
import com.vendstream.deploy.SandboxRecord;
import com.vendstream.deploy.bench.LagSampler;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.topic.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * After the faults: waits until every acknowledged order has settled, then reads the system's own
 * records (order history, wallet statements, the sandbox's call record and books, the payment events,
 * the reconciliation ledgers, the dead-letter topics) and holds them to what the clients were told.
 * Each figure goes into the result; the "musts" decide the exit status.
 */
final class Audit {

    static final Set<String> TERMINAL = Set.of("COMPLETED", "REFUNDED", "REJECTED");
    /** Settled as the order model says: final, or escalated to a person (nothing automatic will move it). */
    static final Set<String> SETTLED = Set.of("COMPLETED", "REFUNDED", "REJECTED", "UNRESOLVED", "PAYMENT_UNRESOLVED");
    private static final List<String> MOVING = List.of("RECEIVED", "AWAITING_PAYMENT", "VENDING", "VEND_PENDING",
            "REFUNDING");
    /** reconciliation-service's consumer group (its binding settings). */
    private static final String RECONCILIATION_GROUP = "reconciliation-service";
    private static final List<String> VEND_PROVIDERS = List.of("vtpass", "pagamio", "pawacard", "pay4power");

    private final Http http = new Http();
    private final String orderApi;
    private final String sandbox;
    private final String reconApi;
    private final String bootstrapServers;
    private final String registryUrl;
    final Map<String, Object> result = new LinkedHashMap<>();
    /** Our mobile-money reference ids (collections, payouts) and their orders, from the payment events. */
    private final Map<String, String> orderOfPaymentReference = new HashMap<>();
    final Map<String, Map<String, Object>> musts = new LinkedHashMap<>();

    Audit(String orderApi, String sandbox, String reconApi, String bootstrapServers, String registryUrl) {
        this.orderApi = orderApi;
        this.sandbox = sandbox;
        this.reconApi = reconApi;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    private void must(String name, long value, long required) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("required", required);
        m.put("ok", value == required);
        musts.put(name, m);
    }

    boolean passed() {
        return musts.values().stream().allMatch(m -> Boolean.TRUE.equals(m.get("ok")));
    }

    /**
     * Polls until no order is still moving and every acknowledged one is there; or until the orders still
     * moving have not changed for {@code quiet} (they wait for something the campaign does not wait for,
     * e.g. a provider's requery deadline: the audit lists them with their state and age); or the limit.
     */
    Duration awaitSettled(List<Customers.Outcome> outcomes, Duration limit, Duration quiet) throws Exception {
        Instant start = Instant.now();
        Instant deadline = start.plus(limit);
        Set<String> previous = Set.of();
        Instant unchangedSince = start;
        while (Instant.now().isBefore(deadline)) {
            Set<String> moving = new TreeSet<>();
            for (String state : MOVING) {
                get("/v1/orders?state=" + state + "&size=200").body()
                        .forEach(o -> moving.add(o.path("orderId").asString() + "/" + state));
            }
            if (moving.isEmpty() && missing(outcomes, orders()).isEmpty()) {
                break;
            }
            if (!moving.equals(previous)) {
                previous = moving;
                unchangedSince = Instant.now();
            } else if (!moving.isEmpty() && Duration.between(unchangedSince, Instant.now()).compareTo(quiet) >= 0) {
                System.out.printf("  %d orders have not moved for %s; auditing now%n", moving.size(), quiet);
                break;
            }
            System.out.printf("  settling: %d orders still moving%n", moving.size());
            TimeUnit.SECONDS.sleep(10);
        }
        return Duration.between(start, Instant.now());
    }

    /** Every order of the merchant, by id. */
    Map<String, JsonNode> orders() throws Exception {
        Map<String, JsonNode> all = new LinkedHashMap<>();
        for (int page = 0; ; page++) {
            JsonNode batch = get("/v1/orders?size=200&page=" + page).body();
            batch.forEach(o -> all.put(o.path("orderId").asString(), o));
            if (batch.size() < 200) {
                return all;
            }
        }
    }

    /** Acknowledged requests whose order (or top-up) the system does not have. */
    private List<String> missing(List<Customers.Outcome> outcomes, Map<String, JsonNode> orders) throws Exception {
        Set<String> references = new HashSet<>();
        orders.values().forEach(o -> references.add(o.path("clientReference").asString()));
        List<String> missing = new ArrayList<>();
        for (Customers.Outcome o : outcomes) {
            if (!o.acknowledged()) {
                continue;
            }
            Customers.Planned p = o.planned();
            boolean there = switch (p.channel()) {
                case TOPUP -> get("/v1/wallets/" + p.walletId() + "/top-ups/" + o.id()).status() == 200;
                case HTTP -> orders.containsKey(o.id()) && references.contains(p.reference());
                case CHECKOUT -> references.contains(p.reference());
            };
            if (!there) {
                missing.add(p.reference());
            }
        }
        return missing;
    }

    void run(List<Customers.Outcome> outcomes, List<String> customerWallets, List<FaultSchedule.Kill> kills,
             List<String> poisonKeys, int duplicateEventsSent, Duration settleLimit, Duration quiet) throws Exception {
        Duration settling = awaitSettled(outcomes, settleLimit, quiet);
        result.put("settledAfterSeconds", settling.toSeconds());
        Map<String, JsonNode> orders = orders();
        orderFigures(outcomes, orders, duplicateEventsSent);
        money(orders, outcomes, customerWallets);
        vends(orders);
        mobileMoney(orders);
        reconciliation(orders);
        deadLetters(poisonKeys);
        recoveries(kills, orders, outcomes);
        result.put("musts", musts);
        result.put("passed", passed());
    }

    private void orderFigures(List<Customers.Outcome> outcomes, Map<String, JsonNode> orders, int duplicateEventsSent)
            throws Exception {
        Map<String, Object> requests = new LinkedHashMap<>();
        Map<String, Integer> acknowledged = new TreeMap<>();
        Map<String, Integer> refused = new TreeMap<>();
        int replays = 0;
        int retriedAfterTimeout = 0;
        for (Customers.Outcome o : outcomes) {
            String channel = o.planned().channel().name();
            if (o.acknowledged()) {
                acknowledged.merge(channel, 1, Integer::sum);
                replays += o.status() == 200 ? 1 : 0;
                retriedAfterTimeout += o.planned().timeoutFirst() && o.tries() > 1 ? 1 : 0;
            } else {
                refused.merge(channel + " " + o.status() + " " + o.refusal(), 1, Integer::sum);
            }
        }
        requests.put("planned", outcomes.size());
        requests.put("acknowledged", acknowledged);
        requests.put("notAcknowledged", refused);
        requests.put("answeredAsReplay200", replays);
        requests.put("retriedSameReferenceAfterTimeout", retriedAfterTimeout);
        requests.put("checkoutEventsSentTwice", duplicateEventsSent);
        result.put("requests", requests);

        List<String> missing = missing(outcomes, orders);
        result.put("acknowledgedMissing", missing);
        must("acknowledged orders and top-ups missing", missing.size(), 0);

        Map<String, Integer> byReference = new HashMap<>();
        orders.values().forEach(o -> byReference.merge(o.path("clientReference").asString(), 1, Integer::sum));
        must("orders sharing one client reference", byReference.values().stream().filter(n -> n > 1).count(), 0);

        Map<String, Integer> byState = new TreeMap<>();
        List<Map<String, Object>> notTerminal = new ArrayList<>();
        Instant now = Instant.now();
        for (JsonNode o : orders.values()) {
            String state = o.path("state").asString();
            byState.merge(state, 1, Integer::sum);
            if (!TERMINAL.contains(state)) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("orderId", o.path("orderId").asString());
                n.put("state", state);
                n.put("ageSeconds", Duration.between(Instant.parse(o.path("createdAt").asString()), now).toSeconds());
                n.put("sinceLastChangeSeconds",
                        Duration.between(Instant.parse(o.path("updatedAt").asString()), now).toSeconds());
                n.put("why", SETTLED.contains(state) ? "escalated to a person (the provider's answer stayed unknown)"
                        : "still moving when the audit began (see its state and age)");
                n.put("failureReason", o.path("failureReason").asString(null));
                notTerminal.add(n);
            }
        }
        result.put("ordersByState", byState);
        result.put("ordersNotTerminal", notTerminal);
    }

    /**
     * Per wallet: opening + top-ups in - top-ups out - kept debits - held = balance, with kept and held
     * from the orders' states, and every posting checked against its order or top-up.
     */
    private void money(Map<String, JsonNode> orders, List<Customers.Outcome> outcomes, List<String> customerWallets)
            throws Exception {
        Set<String> transfers = new HashSet<>();
        outcomes.stream().filter(o -> o.planned().channel() == Customers.Channel.TOPUP && o.id() != null)
                .forEach(o -> transfers.add(o.id()));
        List<Map<String, Object>> wallets = new ArrayList<>();
        long unmatchedPostings = 0;
        long mismatchedWallets = 0;
        long ordersWithWrongPostings = 0;
        Set<String> walletIds = new TreeSet<>(customerWallets);
        orders.values().forEach(o -> {
            if (!o.path("walletId").isNull() && !o.path("walletId").isMissingNode()) {
                walletIds.add(o.path("walletId").asString());
            }
        });
        walletIds.add(Customers.FLOAT_NGN);
        for (String walletId : walletIds) {
            long opening = 0;
            long in = 0;
            long out = 0;
            long sumOfPostings = 0;
            Map<String, long[]> postingsByOrder = new HashMap<>();
            long balance = 0;
            for (int page = 0; ; page++) {
                JsonNode s = get("/v1/wallets/" + walletId + "/statement?size=200&page=" + page).body();
                balance = s.path("balance").path("minor").asLong();
                for (JsonNode p : s.path("postings")) {
                    long amount = p.path("amount").path("minor").asLong();
                    sumOfPostings += amount;
                    switch (p.path("kind").asString()) {
                        case "OPENING" -> opening += amount;
                        case "TOPUP_IN", "TOPUP_OUT" -> {
                            if (amount > 0) {
                                in += amount;
                            } else {
                                out -= amount;
                            }
                            // Only the campaign's top-ups move money between these wallets.
                            unmatchedPostings += transfers.contains(p.path("transferId").asString()) ? 0 : 1;
                        }
                        case "DEBIT", "REFUND" -> {
                            String orderId = p.path("orderId").asString();
                            if (!orders.containsKey(orderId)) {
                                unmatchedPostings++;
                            }
                            long[] dr = postingsByOrder.computeIfAbsent(orderId, k -> new long[2]);
                            dr[p.path("kind").asString().equals("DEBIT") ? 0 : 1]++;
                        }
                        default -> unmatchedPostings++;
                    }
                }
                if (!s.path("hasMore").asBoolean()) {
                    break;
                }
            }
            long kept = 0;
            long held = 0;
            for (JsonNode o : orders.values()) {
                if (!walletId.equals(o.path("walletId").asString(null))) {
                    continue;
                }
                String state = o.path("state").asString();
                long amount = o.path("amount").path("minor").asLong();
                long[] dr = postingsByOrder.getOrDefault(o.path("orderId").asString(), new long[2]);
                ordersWithWrongPostings += consistent(state, dr[0], dr[1]) ? 0 : 1;
                if (state.equals("COMPLETED")) {
                    kept += amount;
                } else if (!TERMINAL.contains(state) && dr[0] == 1) {
                    held += amount;
                }
            }
            long expected = opening + in - out - kept - held;
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("walletId", walletId);
            w.put("opening", opening);
            w.put("topUpsIn", in);
            w.put("topUpsOut", out);
            w.put("keptDebits", kept);
            w.put("held", held);
            w.put("expectedBalance", expected);
            w.put("balance", balance);
            w.put("postingsSumToBalance", sumOfPostings == balance);
            w.put("exact", expected == balance && sumOfPostings == balance);
            mismatchedWallets += expected == balance && sumOfPostings == balance ? 0 : 1;
            wallets.add(w);
        }
        result.put("wallets", wallets);
        must("wallets where opening + in - out - kept - held != balance", mismatchedWallets, 0);
        must("postings without their order or top-up", unmatchedPostings, 0);
        must("orders whose debits and refunds disagree with their state", ordersWithWrongPostings, 0);
    }

    /** The sandbox's call record and books: one vend per reference, and every vend of ours in its books. */
    private void vends(Map<String, JsonNode> orders) throws Exception {
        long maxVends = SandboxRecord.maxVends(sandbox);
        result.put("maxProviderVendsForOneReference", maxVends);
        must("largest number of provider vends for one order", maxVends, 1);

        Map<String, JsonNode> byReference = new HashMap<>();
        orders.values().forEach(o -> {
            String ref = o.path("vend").path("providerReference").asString(null);
            if (ref != null) {
                byReference.put(o.path("vend").path("provider").asString() + "/" + ref, o);
            }
        });
        long deliveredNotKept = 0;
        long deliveredStillMoving = 0;
        Set<String> booked = new HashSet<>();
        for (String provider : VEND_PROVIDERS) {
            for (JsonNode tx : sandboxGet("/transactions?provider=" + provider).body()) {
                String key = provider + "/" + tx.path("reference").asString();
                booked.add(key);
                JsonNode order = byReference.get(key);
                if (!"SUCCEEDED".equals(tx.path("status").asString())) {
                    continue;
                }
                String state = order == null ? null : order.path("state").asString();
                if (state != null && !TERMINAL.contains(state)) {
                    deliveredStillMoving++;
                } else if (!"COMPLETED".equals(state)) {
                    // Refunded or rejected here (or no order names it): the customer got the value for nothing.
                    deliveredNotKept++;
                }
            }
        }
        result.put("vendsDeliveredWhileTheOrderIsNotTerminal", deliveredStillMoving);
        long completedNotBooked = orders.values().stream().filter(o -> "COMPLETED".equals(o.path("state").asString()))
                .filter(o -> !booked.contains(o.path("vend").path("provider").asString() + "/"
                        + o.path("vend").path("providerReference").asString())).count();
        must("vends delivered at a provider whose order is refunded, rejected or unknown here", deliveredNotKept, 0);
        must("completed orders whose vend is not in the provider's books", completedNotBooked, 0);
    }

    /**
     * Dollr's books against the orders: a collection is kept (order COMPLETED) or paid back by one payout
     * (REFUNDED, or REJECTED after a late collection), never both, never twice. References are tied to
     * orders through the payment events on {@code vendstream.payments}.
     */
    private void mobileMoney(Map<String, JsonNode> orders) throws Exception {
        // Dollr's books first, the events second: a payout that completes between the two reads (an order the
        // audit found still moving) then has its event read too, instead of showing as a payment with no order.
        JsonNode dollr = sandboxGet("/transactions?provider=dollr").body();
        Map<String, String> orderOfReference = orderOfPaymentReference;
        for (ConsumerRecord<byte[], Object> r : readAll(Topics.PAYMENTS.topic(), true)) {
            if (r.value() instanceof GenericRecord v && v.getSchema().getField("referenceId") != null
                    && v.get("referenceId") != null) {
                GenericRecord envelope = (GenericRecord) v.get("envelope");
                orderOfReference.put(String.valueOf(v.get("referenceId")), String.valueOf(envelope.get("orderId")));
            }
        }
        Map<String, int[]> byOrder = new HashMap<>();
        List<Map<String, Object>> orphans = new ArrayList<>();
        for (JsonNode tx : dollr) {
            if (!"SUCCEEDED".equals(tx.path("status").asString())) {
                continue;
            }
            String orderId = orderOfReference.get(tx.path("reference").asString());
            if (orderId == null || !orders.containsKey(orderId)) {
                // What is needed to find it again in the logs and the call record (no phone number).
                Map<String, Object> orphan = new LinkedHashMap<>();
                orphan.put("reference", tx.path("reference").asString());
                orphan.put("operation", tx.path("operation").asString());
                orphan.put("createdAt", tx.path("createdAt").asString(null));
                orphan.put("orderId", orderId);
                orphans.add(orphan);
                continue;
            }
            int[] cp = byOrder.computeIfAbsent(orderId, k -> new int[2]);
            cp["payout".equals(tx.path("operation").asString()) ? 1 : 0]++;
        }
        long wrong = 0;
        Map<String, Integer> outcomes = new TreeMap<>();
        for (JsonNode o : orders.values()) {
            if (!"MOBILE_MONEY".equals(o.path("paymentMethod").asString())) {
                continue;
            }
            int[] cp = byOrder.getOrDefault(o.path("orderId").asString(), new int[2]);
            String state = o.path("state").asString();
            String fate = cp[0] == 0 ? (cp[1] == 0 ? "not collected" : "paid out without a collection")
                    : cp[0] > 1 ? "collected more than once"
                    : cp[1] == 0 ? "collected and kept" : cp[1] == 1 ? "collected and paid back" : "paid back twice";
            outcomes.merge(state + ": " + fate, 1, Integer::sum);
            wrong += consistent(state, cp[0], cp[1]) ? 0 : 1;
        }
        result.put("mobileMoney", outcomes);
        must("mobile-money orders not collected-and-kept or paid-back exactly once", wrong, 0);
        result.put("dollrPaymentsWithoutTheirOrder", orphans);
        must("Dollr payments without their order", orphans.size(), 0);
    }

    /**
     * Whether the money an order took (wallet debits, mobile-money collections) and gave back (refunds,
     * payouts) fits its state: kept once if COMPLETED, taken and given back once if REFUNDED, nothing
     * kept if REJECTED (a late collection is paid back), at most once in flight otherwise.
     */
    static boolean consistent(String state, long taken, long givenBack) {
        return switch (state) {
            case "COMPLETED" -> taken == 1 && givenBack == 0;
            case "REFUNDED" -> taken == 1 && givenBack == 1;
            case "REJECTED" -> taken == givenBack && taken <= 1;
            default -> taken <= 1 && givenBack <= taken;
        };
    }

    /**
     * Closes every business day of the run early and checks its ledgers. No discrepancy was injected, so
     * each one found is false unless it is about an order that was not terminal at the close (pending at
     * the provider: true, and listed with the orders not terminal).
     */
    private void reconciliation(Map<String, JsonNode> orders) throws Exception {
        Map<String, String> stateOfReference = new HashMap<>();
        orders.values().forEach(o -> {
            String ref = o.path("vend").path("providerReference").asString(null);
            if (ref != null) {
                stateOfReference.put(ref, o.path("state").asString());
            }
        });
        Set<String> days = new TreeSet<>();
        orders.values().forEach(o -> days.add(o.path("businessDate").asString()));
        long unbalanced = 0;
        long ledgers = 0;
        long falseOnes = 0;
        Map<String, Integer> discrepancies = new TreeMap<>();
        for (String day : days) {
            awaitNothingHeld(day);
            Http.Reply close = http.post(reconApi + "/v1/recon/days/" + day + "/close?early=true",
                    ReconDemo.FINANCE_TOKEN, null, Duration.ofMinutes(5));
            if (!close.ok()) {
                throw new IllegalStateException("closing " + day + " was answered " + close.status());
            }
            for (JsonNode l : recon("/v1/recon/ledgers?day=" + day).body()) {
                ledgers++;
                unbalanced += l.path("balanced").asBoolean() ? 0 : 1;
            }
            for (JsonNode d : recon("/v1/recon/discrepancies?day=" + day + "&status=OPEN").body()) {
                String reference = d.path("providerReference").asString();
                String state = stateOfReference.get(reference);
                if (state == null && orders.containsKey(orderOfPaymentReference.get(reference))) {
                    state = orders.get(orderOfPaymentReference.get(reference)).path("state").asString();
                }
                // A collection whose payment event a kill lost before it was published is known only by the
                // order the discrepancy names.
                if (state == null && orders.containsKey(d.path("orderId").asString(""))) {
                    state = orders.get(d.path("orderId").asString()).path("state").asString();
                }
                boolean pending = state != null && !TERMINAL.contains(state);
                discrepancies.merge(d.path("kind").asString() + (pending ? " (order " + state + ")" : ""), 1,
                        Integer::sum);
                falseOnes += pending ? 0 : 1;
            }
        }
        result.put("reconciliation", Map.of("days", days, "ledgers", ledgers, "unbalanced", unbalanced,
                "discrepanciesInjected", 0, "openDiscrepancies", discrepancies));
        must("unbalanced ledgers", unbalanced, 0);
        must("discrepancies about terminal orders (none injected)", falseOnes, 0);
    }

    /**
     * Reconciliation folds the events as they come: before the close, wait until it has folded all of them
     * (its consumer group has no lag) or holds no money in flight, and its ledgers read the same twice. Money
     * stays held for orders still pending at a provider, so waiting for nothing held alone would wait out the
     * whole limit whenever one is.
     */
    private void awaitNothingHeld(String day) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        String previous = null;
        try (LagSampler lag = new LagSampler(bootstrapServers)) {
            while (Instant.now().isBefore(deadline)) {
                JsonNode ledgers = recon("/v1/recon/ledgers?day=" + day).body();
                long held = 0;
                for (JsonNode l : ledgers) {
                    held += l.path("heldMinor").asLong();
                }
                boolean stable = ledgers.toString().equals(previous);
                if (stable && (held == 0 || lag.lagOf(RECONCILIATION_GROUP) == 0)) {
                    return;
                }
                previous = ledgers.toString();
                TimeUnit.SECONDS.sleep(2);
            }
        }
    }

    /** Every record on a dead-letter topic must be one of the poison records injected, and each of those there. */
    private void deadLetters(List<String> poisonKeys) throws Exception {
        Set<String> dlqTopics = new TreeSet<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.toLowerCase(java.util.Locale.ROOT).contains("dlq")).forEach(dlqTopics::add);
        }
        Map<String, Object> perTopic = new LinkedHashMap<>();
        Set<String> found = new HashSet<>();
        long unaccounted = 0;
        for (String topic : dlqTopics) {
            int records = 0;
            int poison = 0;
            for (ConsumerRecord<byte[], Object> r : readAll(topic, false)) {
                records++;
                String key = r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                if (key != null && poisonKeys.contains(key)) {
                    poison++;
                    found.add(key);
                } else {
                    unaccounted++;
                }
            }
            perTopic.put(topic, Map.of("records", records, "poisonInjected", poison, "unaccounted", records - poison));
        }
        result.put("deadLetters", Map.of("topics", perTopic, "poisonInjected", poisonKeys.size(),
                "poisonFound", found.size()));
        must("dead-letter records that are not an injected poison record", unaccounted, 0);
        must("injected poison records not on a dead-letter topic", poisonKeys.size() - found.size(), 0);
    }

    /**
     * For each kill: how long the part was down, and the time from the kill until the first order placed
     * after the restart reached its final state (orders settle again).
     */
    private void recoveries(List<FaultSchedule.Kill> kills, Map<String, JsonNode> orders,
                            List<Customers.Outcome> outcomes) {
        List<JsonNode> byCreation = new ArrayList<>(orders.values());
        byCreation.sort(java.util.Comparator.comparing(o -> o.path("createdAt").asString()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (FaultSchedule.Kill k : kills) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("part", k.part());
            m.put("afterRequests", k.at());
            m.put("killedAt", k.killedAt().toString());
            m.put("pidKilled", k.pidBefore());
            m.put("pidRestarted", k.pidAfter());
            m.put("downSeconds", Duration.between(k.killedAt(), k.restartedAt()).toMillis() / 1000.0);
            m.put("restartFailure", k.restartFailure());
            JsonNode first = byCreation.stream()
                    .filter(o -> !Instant.parse(o.path("createdAt").asString()).isBefore(k.restartedAt()))
                    .filter(o -> TERMINAL.contains(o.path("state").asString())).findFirst().orElse(null);
            if (first != null) {
                m.put("ordersSettleAgainAfterSeconds", Duration.between(k.killedAt(),
                        Instant.parse(first.path("updatedAt").asString())).toMillis() / 1000.0);
                m.put("settleAgainMeasuredBy", "the first order placed after the restart reached its final state");
            } else {
                // Every request had been placed before the restart: when had the orders placed meanwhile settled?
                Instant last = byCreation.stream()
                        .filter(o -> !Instant.parse(o.path("createdAt").asString()).isBefore(k.killedAt()))
                        .filter(o -> TERMINAL.contains(o.path("state").asString()))
                        .map(o -> Instant.parse(o.path("updatedAt").asString())).max(Instant::compareTo).orElse(null);
                m.put("ordersSettleAgainAfterSeconds", last == null ? null
                        : Duration.between(k.killedAt(), last).toMillis() / 1000.0);
                m.put("settleAgainMeasuredBy", "the last order placed after the kill reached its final state");
            }
            out.add(m);
        }
        result.put("kills", out);
        must("restarts that failed", kills.stream().filter(k -> k.restartFailure() != null).count(), 0);
    }

    /** Every record on a topic from the start to its current end. */
    private List<ConsumerRecord<byte[], Object>> readAll(String topic, boolean avro) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-campaign-audit-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                avro ? ConfluentAvroDeserializer.class.getName() : ByteArrayDeserializer.class.getName());
        config.put("schema.registry.url", registryUrl);
        List<ConsumerRecord<byte[], Object>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], Object> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (Instant.now().isBefore(deadline)
                    && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private Http.Reply get(String path) throws IOException, InterruptedException {
        return http.get(orderApi + path, Customers.API_KEY, Duration.ofSeconds(60));
    }

    private Http.Reply sandboxGet(String path) throws IOException, InterruptedException {
        return http.get(sandbox + "/sandbox/admin" + path, null, Duration.ofSeconds(60));
    }

    private Http.Reply recon(String path) throws IOException, InterruptedException {
        return http.get(reconApi + path, ReconDemo.FINANCE_TOKEN, Duration.ofSeconds(60));
    }
}
