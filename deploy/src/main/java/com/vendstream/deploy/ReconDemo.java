package com.vendstream.deploy;

import com.vendstream.recon.access.FinanceUsers;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The finance side of the demo: after the demo orders, the provider sandbox's books are made to
 * disagree with ours the way real providers' do (a vend we refunded that the provider delivered after
 * all, a vend we kept that the provider reversed, a report line with another amount), the business
 * day is closed, and the ledgers and the discrepancies are shown from the HTTP API, the CSV and the
 * reconciliation topics.
 */
public final class ReconDemo {

    /**
     * The local stack's finance user's token (role FINANCE; LocalStack configures only its SHA-256).
     * A demo constant like the demo merchant's API key: any real deployment configures its own users.
     */
    public static final String FINANCE_TOKEN = "demo-finance-token";
    /**
     * The local stack's back office's own token at reconciliation-service (user {@code ops-service}, FINANCE, acting
     * for others: it names the logged-in back-office user). Not the demo finance user's: that one acts only as itself.
     */
    public static final String OPS_SERVICE_TOKEN = "demo-ops-service-token";

    /**
     * The reconciliation-service settings that make {@link #FINANCE_TOKEN} a FINANCE user's token and
     * {@link #OPS_SERVICE_TOKEN} the back office's, the one credential allowed to act for others.
     */
    static Map<String, Object> financeUsers() {
        return Map.of("vendstream.recon.users[0].name", "demo-finance",
                "vendstream.recon.users[0].token-sha256", FinanceUsers.sha256(FINANCE_TOKEN),
                "vendstream.recon.users[0].roles", "FINANCE",
                "vendstream.recon.users[1].name", "ops-service",
                "vendstream.recon.users[1].token-sha256", FinanceUsers.sha256(OPS_SERVICE_TOKEN),
                "vendstream.recon.users[1].roles", "FINANCE",
                "vendstream.recon.users[1].acts-for-others", "true");
    }

    /** One disagreement made at the provider, and the discrepancy it should produce. */
    record Injection(String what, String provider, String reference, String expectedKind) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String reconApi;
    private final String sandbox;
    private final String bootstrapServers;
    private final String registryUrl;
    private final Set<String> onSandbox;
    private final List<String> skipped = new ArrayList<>();

    /** @param onSandbox the providers the stack's sandbox plays; the others are real and have no admin API */
    ReconDemo(String reconApi, String sandbox, String bootstrapServers, String registryUrl, Set<String> onSandbox) {
        this.onSandbox = Set.copyOf(onSandbox);
        this.reconApi = reconApi;
        this.sandbox = sandbox;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    String run(List<Demo.Result> results, Duration timeout) throws Exception {
        StringBuilder out = new StringBuilder();
        String day = results.stream().map(Demo.Result::businessDate).filter(d -> d != null).findFirst()
                .orElseThrow(() -> new IllegalStateException("no demo order reached the system"));
        List<Injection> injections = inject(results);
        out.append("\nReconciliation of business day ").append(day).append(" (merchant demo-merchant)\n\n");
        out.append("Injected at the provider sandbox:\n");
        injections.forEach(i -> out.append(String.format("  %-58s %-8s -> expect %s%n", i.what(), i.provider(),
                i.expectedKind())));
        skipped.forEach(line -> out.append("  skipped: ").append(line).append('\n'));

        awaitSettledLedgers(day, timeout);
        // The stack allows an early close (vendstream.recon.early-close-allowed) so the demo need not
        // wait for midnight in Lagos; a second start the same day rematches the closed day instead.
        JsonNode close = json.readTree(reconPost(reconApi + "/v1/recon/days/" + day + "/close?early=true"));
        if (close.path("alreadyClosed").asBoolean()) {
            reconPost(reconApi + "/v1/recon/days/" + day + "/rematch");
            out.append("\nDay already closed by an earlier run: rematched; new orders arrived as adjustments.\n");
        }

        out.append("\nLedgers (GET /v1/recon/days/").append(day).append("/ledger.csv):\n");
        reconGet(reconApi + "/v1/recon/days/" + day + "/ledger.csv").lines()
                .forEach(l -> out.append("  ").append(l).append('\n'));

        JsonNode discrepancies = json.readTree(reconGet(reconApi + "/v1/recon/discrepancies?day=" + day
                + "&status=OPEN"));
        out.append("\nOpen discrepancies (GET /v1/recon/discrepancies):\n");
        for (JsonNode d : discrepancies) {
            out.append(String.format("  %-32s %-9s %-24s ours %s, provider's %s%n      -> %s%n",
                    d.path("kind").asString(), d.path("provider").asString(), d.path("providerReference").asString(),
                    amount(d.path("ourAmountMinor"), d.path("currency")),
                    amount(d.path("providerAmountMinor"), d.path("currency")), d.path("suggestedAction").asString()));
        }
        for (Injection i : injections) {
            boolean found = false;
            for (JsonNode d : discrepancies) {
                found |= i.reference().equals(d.path("providerReference").asString())
                        && i.expectedKind().equals(d.path("kind").asString());
            }
            out.append(String.format("  %s %s for %s%n", found ? "found   " : "MISSING ", i.expectedKind(),
                    i.reference()));
        }
        out.append(topics(day, timeout));
        return out.toString();
    }

    /**
     * Makes the sandbox's books disagree with ours, as providers' books do on a bad day. Only where the
     * sandbox plays the provider: a real provider's books cannot be changed from here.
     */
    private List<Injection> inject(List<Demo.Result> results) throws Exception {
        List<Injection> done = new ArrayList<>();
        Optional<Demo.Result> refunded = pick(results, "REFUNDED", "vtpass");
        if (refunded.isPresent() && admin("vtpass", "declined airtime marked delivered")) {
            resolve("vtpass", refunded.get().providerReference(), "SUCCEEDED");
            done.add(new Injection("declined airtime, refunded here, delivered at VTpass after all", "vtpass",
                    refunded.get().providerReference(), "VENDED_AT_PROVIDER_NOT_HERE"));
        }
        Optional<Demo.Result> data = results.stream().filter(r -> "COMPLETED".equals(r.state())
                && "DATA".equals(r.order().service()) && r.providerReference() != null).findFirst();
        if (data.isPresent() && admin(data.get().provider(), "data bundle reversed")) {
            resolve(data.get().provider(), data.get().providerReference(), "FAILED");
            done.add(new Injection("data bundle kept here, reversed at the provider", data.get().provider(),
                    data.get().providerReference(), "SUCCEEDED_HERE_NOT_AT_PROVIDER"));
        }
        Optional<Demo.Result> eskom = pick(results, "COMPLETED", "pagamio");
        if (eskom.isPresent() && admin("pagamio", "Eskom report line amended")) {
            long amended = eskom.get().order().amountMinor() - 1000;
            send(post(sandbox + "/sandbox/admin/transactions/pagamio/" + eskom.get().providerReference()
                    + "/amend?amountMinor=" + amended));
            done.add(new Injection("Eskom token: Pagamio's report says R10 less", "pagamio",
                    eskom.get().providerReference(), "AMOUNT_MISMATCH"));
        }
        return done;
    }

    /** Whether the sandbox's admin API can change this provider's books; notes the step skipped if not. */
    private boolean admin(String provider, String what) {
        if (onSandbox.contains(provider)) {
            return true;
        }
        skipped.add(what + ": " + provider + " is not the provider sandbox, and a real provider has no admin API");
        return false;
    }

    private static Optional<Demo.Result> pick(List<Demo.Result> results, String state, String provider) {
        return results.stream().filter(r -> state.equals(r.state()) && provider.equals(r.provider())
                && r.providerReference() != null).findFirst();
    }

    private void resolve(String provider, String reference, String status) throws Exception {
        HttpResponse<String> r = send(post(sandbox + "/sandbox/admin/transactions/" + provider + "/" + reference
                + "/resolve?status=" + status));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("sandbox refused to resolve " + reference + ": " + r.statusCode());
        }
    }

    /** Waits until the provisional ledgers hold no money in flight and stop changing. */
    private void awaitSettledLedgers(String day, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String previous = null;
        while (Instant.now().isBefore(deadline)) {
            JsonNode ledgers = json.readTree(reconGet(reconApi + "/v1/recon/ledgers?day=" + day
                    + "&merchantId=demo-merchant"));
            long held = 0;
            for (JsonNode l : ledgers) {
                held += l.path("heldMinor").asLong();
            }
            String now = ledgers.toString();
            if (held == 0 && now.equals(previous)) {
                return;
            }
            previous = now;
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }

    /** DailyLedger and ReconDiscrepancy as a finance consumer reads them: Avro through the registry. */
    private String topics(String day, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "recon-demo-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName(),
                "schema.registry.url", registryUrl);
        int ledgers = 0;
        int unbalanced = 0;
        int discrepancies = 0;
        StringBuilder sample = new StringBuilder();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.RECON_LEDGERS.topic(), Topics.RECON_DISCREPANCIES.topic()));
            Instant deadline = Instant.now().plus(timeout.compareTo(Duration.ofSeconds(15)) > 0
                    ? Duration.ofSeconds(15) : timeout);
            int quietPolls = 0;
            while (Instant.now().isBefore(deadline) && (ledgers == 0 || quietPolls < 3)) {
                var records = consumer.poll(Duration.ofMillis(500));
                quietPolls = records.isEmpty() ? quietPolls + 1 : 0;
                for (ConsumerRecord<String, Object> r : records) {
                    if (!(r.value() instanceof GenericRecord v) || !day.equals(isoDay(v.get("businessDay")))) {
                        continue;
                    }
                    if (r.topic().equals(Topics.RECON_LEDGERS.topic())) {
                        ledgers++;
                        unbalanced += Boolean.TRUE.equals(v.get("balanced")) ? 0 : 1;
                        if (sample.isEmpty()) {
                            sample.append("  key ").append(r.key()).append("\n  ").append(v).append('\n');
                        }
                    } else {
                        discrepancies++;
                    }
                }
            }
        }
        return String.format("%nOn the topics (Confluent wire format, decoded through the registry): %d DailyLedger "
                        + "(%s) and %d ReconDiscrepancy records for %s. A DailyLedger record:%n%s",
                ledgers, unbalanced == 0 ? "all balanced" : unbalanced + " UNBALANCED", discrepancies, day, sample);
    }

    /** businessDay is an Avro date: a LocalDate with logical-type conversion, days since the epoch without. */
    private static String isoDay(Object value) {
        if (value instanceof Integer days) {
            return java.time.LocalDate.ofEpochDay(days).toString();
        }
        return String.valueOf(value);
    }

    private static String amount(JsonNode minor, JsonNode currency) {
        return minor.isMissingNode() || minor.isNull() ? "-" : minor.asLong() + " " + currency.asString("");
    }

    private static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private String reconPost(String url) throws Exception {
        return recon(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private String reconGet(String url) throws Exception {
        return recon(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET());
    }

    /** A call to the reconciliation API as the finance user: the body of its 2xx reply. */
    private String recon(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = send(request.header("Authorization", "Bearer " + FINANCE_TOKEN).build());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("reconciliation-service answered " + r.statusCode() + " to "
                    + r.request().method() + " " + r.request().uri().getPath());
        }
        return r.body();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
