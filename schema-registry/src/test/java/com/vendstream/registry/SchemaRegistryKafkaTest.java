package com.vendstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.DailyLedger;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderCompleted;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.OrderRejected;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import com.vendstream.schemas.serde.SchemaMetadata;
import com.vendstream.schemas.serde.SchemaRegistryClient;
import com.vendstream.schemas.serde.SchemaRegistryException;
import com.vendstream.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The registry on a real (embedded KRaft) broker, driven through our own client and serde, as services use it. */
class SchemaRegistryKafkaTest {

    private static EmbeddedKafkaKraftBroker broker;
    private static ConfigurableApplicationContext registry;
    private static String url;
    private static SchemaRegistryClient client;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        registry = SchemaRegistryApplication.start(0, broker.getBrokersAsString());
        url = urlOf(registry);
        client = new SchemaRegistryClient(url);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    void registerLookupByIdAndLatestThroughOurClient() {
        String subject = unique("vendstream.checkout.orders-value");
        int id = client.register(subject, OrderPlaced.getClassSchema());
        // A new client has no cache, so these are real round trips.
        SchemaRegistryClient fresh = new SchemaRegistryClient(url);
        assertThat(fresh.register(subject, OrderPlaced.getClassSchema())).as("idempotent").isEqualTo(id);
        assertThat(fresh.getById(id)).isEqualTo(OrderPlaced.getClassSchema());
        SchemaMetadata found = fresh.lookup(subject, OrderPlaced.getClassSchema());
        assertThat(found.version()).isEqualTo(1);
        assertThat(found.id()).isEqualTo(id);
        SchemaMetadata latest = fresh.getLatestSchemaMetadata(subject);
        assertThat(latest.id()).isEqualTo(id);
        assertThat(latest.parsed()).isEqualTo(OrderPlaced.getClassSchema());
        assertThat(fresh.getAllVersions(subject)).containsExactly(1);
        assertThat(fresh.getAllSubjects()).contains(subject);

        String other = unique("elsewhere");
        assertThat(fresh.register(other, OrderPlaced.getClassSchema())).as("same schema, same id").isEqualTo(id);
        assertThat(fresh.getLatestSchemaMetadata(other).version()).isEqualTo(1);
        JsonNode uses = get("/schemas/ids/" + id + "/versions").body;
        assertThat(uses.findValuesAsString("subject")).contains(subject, other);
        assertThat(fresh.register(unique("third"), OrderAccepted.getClassSchema())).isNotEqualTo(id);
        assertThatThrownBy(() -> fresh.register(other, OrderAccepted.getClassSchema()))
                .as("another record type is not a BACKWARD evolution").isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
    }

    @Test
    void incompatibleRegistrationIsRejectedWith409AndNoneAllowsIt() {
        String subject = unique("thing");
        int v1 = client.register(subject, thing(false, false));
        assertThat(client.testCompatibility(subject, thing(true, false))).isTrue();
        assertThat(client.testCompatibility(subject, thing(false, true))).isFalse();
        assertThatThrownBy(() -> client.register(subject, thing(false, true)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("incompatible").contains("READER_FIELD_MISSING_DEFAULT");
                });
        int v2 = client.register(subject, thing(true, false));
        assertThat(v2).isNotEqualTo(v1);
        assertThat(client.getLatestSchemaMetadata(subject).version()).isEqualTo(2);

        assertThat(client.getCompatibility(subject)).isEqualTo("BACKWARD");
        assertThat(client.updateCompatibility(subject, "NONE")).isEqualTo("NONE");
        assertThat(client.register(subject, thing(false, true))).isPositive();
        assertThat(client.getCompatibility(subject)).isEqualTo("NONE");
        assertThat(client.getCompatibility(null)).as("global untouched").isEqualTo("BACKWARD");
    }

    @Test
    void confluentErrorCodes() {
        assertThatThrownBy(() -> client.getById(987654)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.getLatestSchemaMetadata(unique("nobody")))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        String subject = unique("errors");
        client.register(subject, thing(false, false));
        assertThatThrownBy(() -> client.getSchemaMetadata(subject, 7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> client.lookup(subject, thing(true, false)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));

        Answer invalid = send("POST", "/subjects/" + subject + "/versions", "{\"schema\":\"{\\\"type\\\":\\\"recrd\\\"}\"}");
        assertThat(invalid.status).isEqualTo(422);
        assertThat(invalid.body.path("error_code").asInt()).isEqualTo(42201);
        assertThat(get("/subjects/" + subject + "/versions/abc").body.path("error_code").asInt()).isEqualTo(42202);
        Answer badLevel = send("PUT", "/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(badLevel.body.path("error_code").asInt()).isEqualTo(42203);
        assertThat(badLevel.contentType).startsWith("application/vnd.schemaregistry.v1+json");
    }

    @Test
    void theEndpointsKafkaUiUses() {
        assertThat(get("/schemas/types").body.toString()).isEqualTo("[\"AVRO\"]");
        assertThat(get("/mode").body.path("mode").asString()).isEqualTo("READWRITE");
        assertThat(get("/config").body.path("compatibilityLevel").asString()).isEqualTo("BACKWARD");
        String subject = unique("ui");
        client.register(subject, thing(false, false));
        assertThat(get("/config/" + subject).body.path("error_code").asInt()).isEqualTo(40408);
        assertThat(get("/config/" + subject + "?defaultToGlobal=true").body.path("compatibilityLevel").asString())
                .isEqualTo("BACKWARD");
        assertThat(send("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}").body.path("compatibility")
                .asString()).isEqualTo("FULL");
        assertThat(get("/config/" + subject).body.path("compatibilityLevel").asString()).isEqualTo("FULL");

        Answer raw = get("/subjects/" + subject + "/versions/1/schema");
        assertThat(raw.body.path("name").asString()).as("the schema itself, not a quoted string").isEqualTo("Thing");
        JsonNode v1 = get("/subjects/" + subject + "/versions/1").body;
        assertThat(v1.path("subject").asString()).isEqualTo(subject);
        assertThat(v1.path("schema").asString()).contains("\"Thing\"");

        // Soft delete hides the subject, keeps it under ?deleted=true, and never reuses version numbers.
        assertThat(send("DELETE", "/subjects/" + subject, null).body.toString()).isEqualTo("[1]");
        assertThat(client.getAllSubjects()).doesNotContain(subject);
        assertThat(get("/subjects?deleted=true").body.toString()).contains(subject);
        assertThat(get("/subjects/" + subject + "/versions").body.path("error_code").asInt()).isEqualTo(40401);
        // A fresh client: the shared one still caches the id from before the delete, as Confluent's does.
        int id = new SchemaRegistryClient(url).register(subject, thing(false, false));
        assertThat(get("/subjects/" + subject + "/versions").body.toString()).isEqualTo("[2]");
        assertThat(get("/subjects/" + subject + "/versions/2").body.path("id").asInt()).isEqualTo(id);
    }

    @Test
    void healthIsUp() {
        Answer health = get("/actuator/health");
        assertThat(health.status).isEqualTo(200);
        assertThat(health.body.path("status").asString()).isEqualTo("UP");
    }

    @Test
    void schemasLogUsesConfluentsLayoutOnACompactedSinglePartitionTopic() throws Exception {
        String subject = unique("layout");
        int id = client.register(subject, thing(false, false));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            assertThat(admin.describeTopics(List.of("_schemas")).allTopicNames().get().get("_schemas").partitions())
                    .hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
        List<ConsumerRecord<String, String>> records = readAll("_schemas");
        ConsumerRecord<String, String> ours = records.stream().filter(r -> r.key().contains(subject)).findFirst()
                .orElseThrow();
        assertThat(ours.key()).isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"" + subject
                + "\",\"version\":1,\"magic\":1}");
        JsonNode value = json.readTree(ours.value());
        assertThat(value.path("subject").asString()).isEqualTo(subject);
        assertThat(value.path("version").asInt()).isEqualTo(1);
        assertThat(value.path("id").asInt()).isEqualTo(id);
        assertThat(new Schema.Parser().parse(value.path("schema").asString())).isEqualTo(thing(false, false));
        assertThat(value.path("deleted").asBoolean()).isFalse();
    }

    @Test
    void restartOnTheSameLogServesTheSameIds() {
        Map<String, String> ownTopic = Map.of("vendstream.registry.kafka.topic", "_schemas_restart");
        String placed = "vendstream.checkout.orders-value";
        int placedId;
        int thingV2;
        try (ConfigurableApplicationContext first = SchemaRegistryApplication.start(0, broker.getBrokersAsString(),
                ownTopic)) {
            SchemaRegistryClient c = new SchemaRegistryClient(urlOf(first));
            placedId = c.register(placed, OrderPlaced.getClassSchema());
            c.register("thing", thing(false, false));
            thingV2 = c.register("thing", thing(true, false));
            c.updateCompatibility("thing", "FORWARD");
            c.register("gone", OrderAccepted.getClassSchema());
            c.deleteSubject("gone");
        }
        try (ConfigurableApplicationContext second = SchemaRegistryApplication.start(0, broker.getBrokersAsString(),
                ownTopic)) {
            SchemaRegistryClient c = new SchemaRegistryClient(urlOf(second));
            assertThat(c.getById(placedId)).isEqualTo(OrderPlaced.getClassSchema());
            assertThat(c.register(placed, OrderPlaced.getClassSchema())).isEqualTo(placedId);
            SchemaMetadata latest = c.getLatestSchemaMetadata("thing");
            assertThat(latest.version()).isEqualTo(2);
            assertThat(latest.id()).isEqualTo(thingV2);
            assertThat(c.getCompatibility("thing")).isEqualTo("FORWARD");
            assertThat(c.getAllSubjects()).containsExactlyInAnyOrder(placed, "thing");
            int fresh = c.register("new", OrderCompleted.getClassSchema());
            assertThat(fresh).as("ids are not reused after a restart").isGreaterThan(Math.max(placedId, thingV2));
            assertThat(c.register("gone", OrderAccepted.getClassSchema()))
                    .as("a soft-deleted schema keeps its id").isLessThan(fresh);
            assertThat(c.getLatestSchemaMetadata("gone").version()).as("versions continue after a delete")
                    .isEqualTo(2);
        }
    }

    @Test
    void serdeRoundTripThroughARealTopic() {
        String topic = unique(Topics.ORDERS.topic());
        broker.addTopics(topic);
        List<SpecificRecord> sent = List.of(sample(OrderAccepted.class, 1), sample(OrderRejected.class, 2),
                sample(OrderCompleted.class, 3), sample(OrderAccepted.class, 4));
        Map<String, Object> producerProps = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                "schema.registry.url", url);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerProps)) {
            for (SpecificRecord event : sent) {
                producer.send(new ProducerRecord<>(topic, "order-1", event));
            }
            producer.send(new ProducerRecord<>(topic, "order-1", null));
            producer.flush();
        }
        List<Object> received = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(specificReader("roundtrip"))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (received.size() < sent.size() + 1 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
            }
        }
        List<Object> expected = new ArrayList<>(sent);
        expected.add(null);
        assertThat(received).containsExactlyElementsOf(expected);
        assertThat(client.getAllSubjects()).contains(topic + "-com.vendstream.events.OrderAccepted",
                topic + "-com.vendstream.events.OrderRejected", topic + "-com.vendstream.events.OrderCompleted");
    }

    /**
     * The default subject strategy through a real publish: a single-type topic of the catalogue lands under
     * {@code <topic>-value}, where Kafka UI, Connect and ksqlDB look; a multi-type one keeps a subject per type;
     * a stray type on the single-type topic is refused by the registry; and readers still resolve by id.
     */
    @Test
    void singleTypeCatalogueTopicsRegisterUnderTopicValue() {
        String ledgers = Topics.RECON_LEDGERS.topic();
        String orders = Topics.ORDERS.topic();
        broker.addTopics(ledgers, orders);
        DailyLedger ledger = sample(DailyLedger.class, 11);
        OrderAccepted accepted = sample(OrderAccepted.class, 12);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                "schema.registry.url", url))) {
            producer.send(new ProducerRecord<>(ledgers, "m|2026-12-05|vtpass|AIRTIME|NGN", ledger));
            producer.send(new ProducerRecord<>(orders, "order-1", accepted));
            producer.flush();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(ledgers, "k", sample(OrderPlaced.class, 13))))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining(ledgers + "-value").hasMessageContaining("409");
        }
        assertThat(client.getAllSubjects()).contains(ledgers + "-value", orders + "-com.vendstream.events.OrderAccepted")
                .doesNotContain(ledgers + "-com.vendstream.events.DailyLedger", orders + "-value");
        SchemaMetadata registered = client.getLatestSchemaMetadata(ledgers + "-value");
        assertThat(registered.parsed()).isEqualTo(DailyLedger.getClassSchema());
        assertThat(client.getAllVersions(ledgers + "-value")).as("the stray type added no version").containsExactly(1);

        List<ConsumerRecord<String, Object>> read = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(specificReader("ledger-reader"))) {
            consumer.subscribe(List.of(ledgers));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
        }
        assertThat(read).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(ledger));
    }

    /** A consumer of our serde with the generated classes as readers, as services read. */
    private static Map<String, Object> specificReader(String group) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName(),
                "schema.registry.url", url,
                "specific.avro.reader", "true");
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            var partition = new org.apache.kafka.common.TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static <T extends SpecificRecord> T sample(Class<T> type, long seed) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        Object generic = new org.apache.avro.util.RandomData(schema, 1, seed).iterator().next();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<T>(schema, schema, model)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A small record: optionally with a defaulted field, optionally with a required one (incompatible). */
    static Schema thing(boolean withDefaulted, boolean withRequired) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("Thing").namespace("t").fields()
                .requiredString("name");
        if (withDefaulted) {
            fields = fields.name("note").type().stringType().stringDefault("none");
        }
        if (withRequired) {
            fields = fields.requiredLong("mandatory");
        }
        return fields.endRecord();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String urlOf(ConfigurableApplicationContext context) {
        return "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
    }

    private record Answer(int status, String contentType, JsonNode body) {
    }

    private static Answer get(String path) {
        return send("GET", path, null);
    }

    private static Answer send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
        if (body != null) {
            request.header("Content-Type", "application/vnd.schemaregistry.v1+json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    json.readTree(response.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
