package com.vendstream.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.vendstream.events.DailyLedger;
import com.vendstream.schemas.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class EventContractsTest {

    /** The test runs in the module's directory; the docs are the repository's. */
    private static final Path DOCS = Path.of("..", "docs");
    private static final String REGENERATE = "regenerate with `./mvnw -B -o -q -pl schemas verify"
            + " -Dtest=EventContractsTest -Dvendstream.contracts.write=true` (or run"
            + " com.vendstream.schemas.contract.EventContracts --write docs), review the diff and commit it";

    private static Schema asyncApiSchema;
    private static JsonNode doc;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = EventContractsTest.class.getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
            asyncApiSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
        doc = YAMLMapper.builder().build().readTree(EventContracts.asyncApiYaml());
    }

    @Test
    void checkedInDocumentsAreTheGeneratedOnes() throws IOException {
        if (Boolean.getBoolean("vendstream.contracts.write")) {
            EventContracts.write(DOCS);
        }
        assertThat(Files.readString(DOCS.resolve("asyncapi.yaml"), StandardCharsets.UTF_8))
                .as("docs/asyncapi.yaml differs from the catalogue and the schemas; " + REGENERATE)
                .isEqualTo(EventContracts.asyncApiYaml());
        assertThat(Files.readString(DOCS.resolve("events.md"), StandardCharsets.UTF_8))
                .as("docs/events.md differs from the catalogue and the schemas; " + REGENERATE)
                .isEqualTo(EventContracts.eventsMarkdown());
    }

    @Test
    void theDocumentIsValidAsyncApi300() {
        List<Error> errors = asyncApiSchema.validate(EventContracts.asyncApiYaml(), InputFormat.YAML);
        assertThat(errors).as("AsyncAPI 3.0.0 schema violations").isEmpty();
        assertThat(doc.path("asyncapi").asString()).isEqualTo("3.0.0");
    }

    @Test
    void theValidatorRejectsWhatAsyncApiForbids() {
        // So a valid verdict above means something: a send without a channel and an unknown action are refused.
        ObjectNode broken = (ObjectNode) doc.deepCopy();
        ((ObjectNode) broken.path("operations").path("vendstream.orders.send")).put("action", "publish");
        ((ObjectNode) broken.path("operations").path("vendstream.vend.requests.send")).remove("channel");
        List<Error> errors = asyncApiSchema.validate(broken);
        assertThat(errors).isNotEmpty();
        assertThat(errors.toString()).contains("vendstream.orders.send", "vendstream.vend.requests.send");
    }

    @Test
    void theYamlReadsBackAsTheGeneratedTree() {
        JsonNode tree = JsonMapper.builder().build().readTree(EventContracts.asyncApi().toString());
        assertThat(doc).isEqualTo(tree);
    }

    @Test
    void everyTopicIsAChannelWithItsCatalogueFactsAndSchemas() {
        JsonNode channels = doc.path("channels");
        for (Topics topic : Topics.values()) {
            JsonNode channel = channels.path(topic.topic());
            assertThat(channel.path("address").asString()).isEqualTo(topic.topic());
            assertThat(channel.path("x-writer").asString()).isEqualTo(topic.writer());
            assertThat(channel.path("x-key").asString()).isEqualTo(topic.key());
            assertThat(channel.path("summary").asString()).isEqualTo(topic.meaning());
            JsonNode kafka = channel.path("bindings").path("kafka");
            assertThat(kafka.path("partitions").asInt()).isEqualTo(topic.partitions());
            assertThat(kafka.path("topicConfiguration").path("cleanup.policy").get(0).asString())
                    .isEqualTo(topic.cleanupPolicy().value());
            assertThat(kafka.path("topicConfiguration").path("retention.ms").isMissingNode())
                    .isEqualTo(topic.retention().isEmpty());
            topic.retention().ifPresent(r -> assertThat(kafka.path("topicConfiguration").path("retention.ms")
                    .asLong()).isEqualTo(r.toMillis()));
            assertThat(names(channel.path("messages")))
                    .containsExactlyElementsOf(topic.valueTypes().stream().map(Class::getSimpleName).toList());
            for (Class<? extends SpecificRecord> type : topic.valueTypes()) {
                JsonNode message = channel.path("messages").path(type.getSimpleName());
                String subject = topic.valueTypes().size() == 1 ? topic.topic() + "-value"
                        : topic.topic() + "-" + type.getName();
                assertThat(message.path("x-value-subject").asString()).as(type.getName()).isEqualTo(subject);
                assertThat(message.path("bindings").path("kafka").path("key").path("type").asString())
                        .isEqualTo("string");
                JsonNode payload = doc.at("/components/schemas/" + type.getSimpleName());
                assertThat(payload.path("schemaFormat").asString())
                        .isEqualTo("application/vnd.apache.avro;version=1.9.0");
                assertThat(new org.apache.avro.Schema.Parser().parse(payload.path("schema").toString()))
                        .isEqualTo(EventContracts.schemaOf(type));
            }
        }
        assertThat(channels.at("/vendstream.checkout.orders/messages/OrderPlaced/headers/required"))
                .extracting(JsonNode::asString).containsExactly("vendstream-signature", "vendstream-signature-key");
        // Only checkout records must carry headers; every message documents the optional trace context.
        assertThat(channels.at("/vendstream.orders/messages/OrderAccepted/headers/required").isMissingNode()).isTrue();
        assertThat(channels.at("/vendstream.orders/messages/OrderAccepted/headers/properties/traceparent/type")
                .asString()).isEqualTo("string");
        assertThat(channels.path("vendstream.recon.ledgers").path("messages").path("DailyLedger")
                .path("x-value-subject").asString()).isEqualTo("vendstream.recon.ledgers-value");
    }

    @Test
    void deadLettersAndOperationsFollowTheCatalogue() {
        List<String> deadLetterChannels = names(doc.path("channels")).stream().filter(n -> n.endsWith(".dlq")).toList();
        assertThat(deadLetterChannels).containsExactlyElementsOf(Topics.deadLetterTopics());
        JsonNode dlq = doc.path("channels").path("vendstream.checkout.orders.order-service.dlq");
        assertThat(names(dlq.at("/messages/DeadLetter/headers/properties")))
                .contains("kafka_dlt-original-topic", "kafka_dlt-exception-fqcn", "vendstream-dlt-reason",
                        "vendstream-dlt-cause");
        assertThat(dlq.at("/bindings/kafka/topicConfiguration/retention.ms").asLong()).isEqualTo(-1);

        JsonNode operations = doc.path("operations");
        List<String> expected = new ArrayList<>();
        for (Topics topic : Topics.values()) {
            expected.add(topic.topic() + ".send");
            topic.consumerGroups().forEach(g -> expected.add(topic.topic() + ".receive." + g));
        }
        Topics.deadLetterTopics().forEach(d -> expected.add(d + ".send"));
        assertThat(names(operations)).containsExactlyInAnyOrderElementsOf(expected);
        for (Topics topic : Topics.values()) {
            assertThat(operations.at("/" + topic.topic() + ".send/tags/0/name").asString()).isEqualTo(topic.writer());
            for (String group : topic.consumerGroups()) {
                assertThat(operations.at("/" + topic.topic() + ".receive." + group + "/bindings/kafka/groupId/enum/0")
                        .asString()).isEqualTo(group);
            }
        }
        assertThat(operations.at("/vendstream.checkout.orders.receive.order-service/reply/channel/$ref").asString())
                .isEqualTo("#/channels/vendstream.orders");
    }

    @Test
    void everyResultComesBackOnATopicItsReaderWrites() {
        for (EventContracts.Answer answer : EventContracts.ANSWERS) {
            assertThat(answer.asked().consumerGroups()).as(answer.toString()).contains(answer.readBy());
            assertThat(answer.answeredOn().writer()).as(answer.toString()).isEqualTo(answer.readBy());
        }
    }

    @Test
    void thePageShowsEveryTopicAndEveryEventWithItsFields() {
        String page = EventContracts.eventsMarkdown();
        Arrays.stream(Topics.values()).forEach(t -> assertThat(page).contains("### `" + t.topic() + "`"));
        Arrays.stream(Topics.values()).flatMap(t -> t.valueTypes().stream())
                .forEach(t -> assertThat(page).contains("### " + t.getSimpleName() + "\n"));
        assertThat(page).contains("| Value subjects | `vendstream.recon.ledgers-value` |")
                .contains("| Retention | 30 days (retention.ms 2592000000) |")
                .contains("| `eventId` | string | " + com.vendstream.events.Envelope.getClassSchema()
                        .getField("eventId").doc() + " |")
                .contains("| `businessDay` | int (date) | " + DailyLedger.getClassSchema().getField("businessDay").doc())
                .contains("### Money\n");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
