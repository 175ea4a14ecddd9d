package com.vendstream.schemas.topic;

import com.vendstream.events.DailyLedger;
import com.vendstream.events.ManualVendDecision;
import com.vendstream.events.OpsAudit;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.OrderRefunded;
import com.vendstream.events.OrderRejected;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PaymentUnresolved;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.ReconDiscrepancy;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The one catalogue of vendstream topics: who may write each, what it is keyed by and which event
 * types it carries. Services, the local stack, the Kubernetes topic definitions and the docs all
 * derive from this list, so a topic cannot be renamed or gain an event type in one place only.
 *
 * <p>Several event types share a topic on purpose: one topic per lifecycle keeps all of an order's
 * events on one partition, in order. That is why value subjects of such topics are {@code <topic>-<record name>}
 * (serde {@code CatalogueSubjectNameStrategy}; a single-type topic's are {@code <topic>-value}).
 *
 * <p>Each topic has exactly one writer, the only service whose output bindings (through its outbox) may name
 * it. An event type may still travel on two topics with one writer each: {@code VendSucceeded} and
 * {@code VendFailed} are on {@link #VEND_OUTCOMES} (vend-service, the vend call's answer) and on
 * {@link #VEND_RESOLUTIONS} (status-poller, a requery's answer); order-service and reconciliation-service read
 * both. The only other producers
 * are not writers of events: service-kit's dead letters go to each group's own {@code <topic>.<group>.dlq},
 * and its re-drive tool (and ops-service's re-drive of one dead letter, by an operator) sends a dead letter's
 * original bytes back to the topic it came from. {@code checkout}
 * is the merchants' checkout, outside this repository (deploy's fault campaign stands in for it). The consumer
 * groups listed per topic are those of the services' input bindings; with the writer they let deploy's
 * {@code TopicBindingsTest} check every binding of every service against this catalogue, and they name the
 * dead-letter topics ({@link #deadLetterTopics()}) that can be created with the others.
 */
public enum Topics {

    CHECKOUT_ORDERS("vendstream.checkout.orders", "orderId", List.of(OrderPlaced.class), 6, CleanupPolicy.DELETE,
            "checkout", List.of("order-service"),
            Duration.parse("P7D"),
            "Orders placed by merchants' checkout systems; order-service validates each and answers on vendstream.orders."),
    ORDERS("vendstream.orders", "orderId",
            List.of(OrderAccepted.class, OrderRejected.class, OrderCompleted.class, OrderRefunded.class), 6,
            CleanupPolicy.DELETE, "order-service", List.of("reconciliation-service"),
            Duration.parse("P30D"),
            "The order lifecycle as merchants and finance see it: accepted or rejected (with a reason code), then completed or refunded."),
    VEND_REQUESTS("vendstream.vend.requests", "orderId", List.of(VendRequested.class), 6, CleanupPolicy.DELETE,
            "order-service", List.of("vend-service"),
            Duration.parse("P30D"),
            "One vend per accepted, paid order: what vend-service must buy from which provider."),
    /** The answer of the provider call vend-service made; VendSucceeded and VendFailed travel here first. */
    VEND_OUTCOMES("vendstream.vend.outcomes", "orderId",
            List.of(VendPending.class, VendSucceeded.class, VendFailed.class), 6, CleanupPolicy.DELETE,
            "vend-service", List.of("order-service", "status-poller", "reconciliation-service"),
            Duration.parse("P30D"),
            "The answer to the vend call: succeeded (token, units, PINs), failed, or pending (requery needed)."),
    /** What status-poller's requeries of a pending vend found: the same event types, its own topic and writer. */
    VEND_RESOLUTIONS("vendstream.vend.resolutions", "orderId",
            List.of(VendSucceeded.class, VendFailed.class, VendUnresolved.class), 6, CleanupPolicy.DELETE,
            "status-poller", List.of("order-service", "reconciliation-service", "ops-service"),
            Duration.parse("P30D"),
            "What requeries of a pending vend found, or operators settled: succeeded, failed, or unresolved (escalated to the back office)."),
    PAYMENTS("vendstream.payments", "orderId",
            List.of(PaymentPending.class, PaymentCollected.class, PaymentFailed.class, PayoutSucceeded.class,
                    PayoutFailed.class), 6, CleanupPolicy.DELETE, "order-service",
            List.of("status-poller", "reconciliation-service"),
            Duration.parse("P30D"),
            "Mobile-money collections and payouts as order-service requested them: pending, collected, failed, paid out."),
    PAYMENT_RESOLUTIONS("vendstream.payment.resolutions", "orderId",
            List.of(PaymentCollected.class, PaymentFailed.class, PayoutSucceeded.class, PayoutFailed.class,
                    PaymentUnresolved.class), 6, CleanupPolicy.DELETE, "status-poller",
            List.of("order-service", "reconciliation-service"),
            Duration.parse("P30D"),
            "What requeries of a pending collection or payout found: collected, failed, paid out, or unresolved."),
    /** Compacted: the latest version of each day's ledger is the one finance needs. */
    RECON_LEDGERS("vendstream.recon.ledgers", "merchantId|businessDay|provider|service|currency",
            List.of(DailyLedger.class), 3, CleanupPolicy.COMPACT, "reconciliation-service", List.of(),
            null,
            "End-of-day ledger per merchant, business day, provider, service and currency; a day's latest version replaces the earlier ones."),
    /** Compacted: a discrepancy's latest status replaces the earlier ones. */
    RECON_DISCREPANCIES("vendstream.recon.discrepancies", "discrepancyId", List.of(ReconDiscrepancy.class), 3,
            CleanupPolicy.COMPACT, "reconciliation-service", List.of(),
            null,
            "Differences between our records and a provider's report, with their latest status (open, acknowledged, resolved)."),
    /**
     * The operations back office's audit trail (logins, lockouts, operators' actions), keyed by the acting user
     * so one user's entries stay in order. No vendstream service reads it yet; ops-service lists its own copy.
     */
    OPS_AUDIT("vendstream.ops.audit", "actor (username, or - for an unknown one)", List.of(OpsAudit.class), 3,
            CleanupPolicy.DELETE, "ops-service", List.of(),
            Duration.parse("P400D"),
            "Every back-office login and action, written before the change it records."),
    /**
     * Unresolved vends settled by two operators (maker-checker) from the provider's portal. status-poller, the
     * writer of {@link #VEND_RESOLUTIONS}, turns each into the VendSucceeded or VendFailed an automatic outcome
     * would be, so the order settles through the same events and a later contradicting answer is flagged.
     */
    OPS_DECISIONS("vendstream.ops.decisions", "orderId", List.of(ManualVendDecision.class), 6, CleanupPolicy.DELETE,
            "ops-service", List.of("status-poller"),
            Duration.parse("P30D"),
            "Unresolved vends settled by two operators (maker-checker); status-poller turns each into a resolution."),
    /**
     * The schema registry's own log; one partition because the registry relies on a total order of writes. The
     * registry reads it by assignment, without a consumer group, so it has no dead-letter topic.
     */
    SCHEMAS("_schemas", "registry key (JSON)", List.of(), 1, CleanupPolicy.COMPACT, "schema-registry", List.of(),
            null,
            "The schema registry's own log of subjects and schemas.");

    public enum CleanupPolicy {
        DELETE(TopicConfig.CLEANUP_POLICY_DELETE), COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

        private final String value;

        CleanupPolicy(String value) {
            this.value = value;
        }

        /** The value of the {@code cleanup.policy} topic config. */
        public String value() {
            return value;
        }
    }

    /** Suffix of every dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private final String topic;
    private final String key;
    private final List<Class<? extends SpecificRecord>> valueTypes;
    private final int partitions;
    private final CleanupPolicy cleanupPolicy;
    private final String writer;
    private final List<String> consumerGroups;
    private final Duration retention;
    private final String meaning;

    Topics(String topic, String key, List<Class<? extends SpecificRecord>> valueTypes, int partitions,
           CleanupPolicy cleanupPolicy, String writer, List<String> consumerGroups, Duration retention,
           String meaning) {
        if ((retention == null) != (cleanupPolicy == CleanupPolicy.COMPACT)) {
            // A compacted topic keeps each key's latest value for ever; a deleting one must say how long it keeps.
            throw new IllegalArgumentException(topic + ": retention is required exactly for delete topics");
        }
        this.retention = retention;
        this.meaning = meaning;
        this.topic = topic;
        this.key = key;
        this.valueTypes = valueTypes;
        this.partitions = partitions;
        this.cleanupPolicy = cleanupPolicy;
        this.writer = writer;
        this.consumerGroups = consumerGroups;
    }

    /** The Kafka topic name. */
    public String topic() {
        return topic;
    }

    /** What the record key is (keys are plain strings, serialised with StringSerializer). */
    public String key() {
        return key;
    }

    public List<Class<? extends SpecificRecord>> valueTypes() {
        return valueTypes;
    }

    public int partitions() {
        return partitions;
    }

    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy;
    }

    /** The single service allowed to produce to the topic. */
    public String writer() {
        return writer;
    }

    /**
     * The consumer groups of vendstream services that read the topic (each group is its service's name). Each
     * has its dead-letter topic, {@link #deadLetter(String)}. Empty for a topic read only outside vendstream.
     */
    public List<String> consumerGroups() {
        return consumerGroups;
    }

    /** The dead-letter topics of this topic, one per consumer group. */
    public List<String> deadLetters() {
        return consumerGroups.stream().map(this::deadLetter).toList();
    }

    /** Every dead-letter topic the catalogue's consumer groups need, in catalogue order. */
    public static List<String> deadLetterTopics() {
        return Arrays.stream(values()).flatMap(t -> t.deadLetters().stream()).toList();
    }

    public boolean carries(Class<?> valueType) {
        return valueTypes.contains(valueType);
    }

    /**
     * How long the broker keeps a record of a delete topic; empty for a compacted topic, which keeps each key's
     * latest value for ever. Lifecycle topics keep 30 days: longer than any requery window and a month-end close,
     * so a consumer can be rewound over a whole month. The system of record is each service's store, not Kafka.
     */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    /** What the topic's events mean to a reader (the AsyncAPI document and the docs show it). */
    public String meaning() {
        return meaning;
    }

    /** Topic configs to create the topic with: its cleanup policy and, for a delete topic, its retention. */
    public Map<String, String> configs() {
        return retention == null
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.value())
                : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.value(),
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }

    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(topic, partitions, replicationFactor).configs(configs());
    }

    /**
     * Configs of every dead-letter topic: kept until a person re-drives or discards each record (issue 15's
     * console, {@code redrive.sh}), never expired by the broker's default retention (7 days), so a poison
     * record found after a long weekend is still there.
     */
    public static Map<String, String> deadLetterConfigs() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, CleanupPolicy.DELETE.value(),
                TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1");
    }

    /** The dead-letter topic of one consumer group on one topic: {@code topic.group.dlq}. */
    public static String deadLetter(String topic, String consumerGroup) {
        if (topic == null || topic.isBlank() || consumerGroup == null || consumerGroup.isBlank()) {
            throw new IllegalArgumentException("topic and consumer group are required");
        }
        return topic + "." + consumerGroup + DEAD_LETTER_SUFFIX;
    }

    public String deadLetter(String consumerGroup) {
        return deadLetter(topic, consumerGroup);
    }

    public static Optional<Topics> byName(String topic) {
        return Arrays.stream(values()).filter(t -> t.topic.equals(topic)).findFirst();
    }

    /** Topics written by the given service. */
    public static List<Topics> writtenBy(String service) {
        return Arrays.stream(values()).filter(t -> t.writer.equals(service)).toList();
    }

    /** Topics that carry the given event type (an event type may travel on more than one topic). */
    public static List<Topics> carrying(Class<?> valueType) {
        return Arrays.stream(values()).filter(t -> t.carries(valueType)).toList();
    }

    /** The catalogue as YAML, the shape deploy tooling reads. */
    public static String toYaml() {
        StringBuilder out = new StringBuilder("# Generated from com.vendstream.schemas.topic.Topics; edit the enum, not this file.\n");
        out.append("topics:\n");
        for (Topics t : values()) {
            out.append("  - name: ").append(t.topic).append('\n')
                    .append("    partitions: ").append(t.partitions).append('\n')
                    .append("    cleanupPolicy: ").append(t.cleanupPolicy.value()).append('\n')
                    .append("    key: \"").append(t.key).append("\"\n")
                    .append("    writer: ").append(t.writer).append('\n')
                    .append("    values: [").append(simpleNames(t)).append("]\n")
                    .append("    consumerGroups: [").append(String.join(", ", t.consumerGroups)).append("]\n");
        }
        return out.toString();
    }

    /** The catalogue as a Markdown table, the one in schemas/README.md. */
    public static String toMarkdown() {
        StringBuilder out = new StringBuilder("| topic | key | values | partitions | cleanup | writer |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Topics t : values()) {
            out.append("| `").append(t.topic).append("` | ").append(t.key.replace("|", "\\|")).append(" | ")
                    .append(t.valueTypes.isEmpty() ? "registry records" : simpleNames(t)).append(" | ")
                    .append(t.partitions).append(" | ").append(t.cleanupPolicy.value()).append(" | ")
                    .append(t.writer).append(" |\n");
        }
        return out.toString();
    }

    private static String simpleNames(Topics t) {
        return t.valueTypes.stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
    }

    /** Prints the catalogue: {@code --markdown} for the README table, YAML otherwise. */
    public static void main(String[] args) {
        boolean markdown = args.length > 0 && args[0].equals("--markdown");
        System.out.print(markdown ? toMarkdown() : toYaml());
    }
}
