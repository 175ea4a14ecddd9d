package com.vendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.DailyLedger;
import com.vendstream.events.OpsAudit;
import com.vendstream.events.OrderAccepted;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.VendSucceeded;
import com.vendstream.schemas.topic.Topics;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SubjectNameStrategyTest {

    private final Schema schema = VendSucceeded.getClassSchema();

    @Test
    void namesPerStrategy() {
        assertThat(new TopicNameStrategy().subjectName("vendstream.vend.outcomes", false, schema))
                .isEqualTo("vendstream.vend.outcomes-value");
        assertThat(new TopicNameStrategy().subjectName("vendstream.vend.outcomes", true, schema))
                .isEqualTo("vendstream.vend.outcomes-key");
        assertThat(new RecordNameStrategy().subjectName("vendstream.vend.outcomes", false, schema))
                .isEqualTo("com.vendstream.events.VendSucceeded");
        assertThat(new TopicRecordNameStrategy().subjectName("vendstream.vend.outcomes", false, schema))
                .isEqualTo("vendstream.vend.outcomes-com.vendstream.events.VendSucceeded");
    }

    @Test
    void defaultsAreCatalogueForValuesAndTopicForKeys() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of());
        assertThat(config.subjectNameStrategy(false)).isInstanceOf(CatalogueSubjectNameStrategy.class);
        assertThat(config.subjectNameStrategy(true)).isInstanceOf(TopicNameStrategy.class);
    }

    @Test
    void singleTypeCatalogueTopicsUseTheTopicValueSubject() {
        CatalogueSubjectNameStrategy strategy = new CatalogueSubjectNameStrategy();
        assertThat(strategy.subjectName("vendstream.recon.ledgers", false, DailyLedger.getClassSchema()))
                .isEqualTo("vendstream.recon.ledgers-value");
        assertThat(strategy.subjectName("vendstream.checkout.orders", false, OrderPlaced.getClassSchema()))
                .isEqualTo("vendstream.checkout.orders-value");
        assertThat(strategy.subjectName("vendstream.ops.audit", false, OpsAudit.getClassSchema()))
                .isEqualTo("vendstream.ops.audit-value");
        // Depends on the topic only, as Confluent's default does: a stray type meets the catalogued type's
        // lineage, where the registry's compatibility check refuses it.
        assertThat(strategy.subjectName("vendstream.recon.ledgers", false, schema))
                .isEqualTo("vendstream.recon.ledgers-value");
    }

    @Test
    void multiTypeAndUncataloguedTopicsKeepTheRecordScopedSubject() {
        CatalogueSubjectNameStrategy strategy = new CatalogueSubjectNameStrategy();
        assertThat(strategy.subjectName("vendstream.vend.outcomes", false, schema))
                .isEqualTo("vendstream.vend.outcomes-com.vendstream.events.VendSucceeded");
        assertThat(strategy.subjectName("vendstream.orders", false, OrderAccepted.getClassSchema()))
                .isEqualTo("vendstream.orders-com.vendstream.events.OrderAccepted");
        assertThat(strategy.subjectName("scratch.ledgers", false, DailyLedger.getClassSchema()))
                .isEqualTo("scratch.ledgers-com.vendstream.events.DailyLedger");
        // A dead-letter topic is not catalogued by name; its records are original bytes, never re-serialised.
        assertThat(strategy.subjectName(Topics.RECON_LEDGERS.deadLetter("x"), false, DailyLedger.getClassSchema()))
                .endsWith("-com.vendstream.events.DailyLedger");
        assertThat(strategy.subjectName("vendstream.recon.ledgers", true, Schema.create(Schema.Type.STRING)))
                .isEqualTo("vendstream.recon.ledgers-key");
    }

    @Test
    void everyCatalogueTopicGetsTheSubjectItsTypeCountCallsFor() {
        for (Topics topic : Topics.values()) {
            for (Class<? extends SpecificRecord> type : topic.valueTypes()) {
                Schema typeSchema = EventSamples.sample(type, 1).getSchema();
                String expected = topic.valueTypes().size() == 1 ? topic.topic() + "-value"
                        : topic.topic() + "-" + typeSchema.getFullName();
                assertThat(CatalogueSubjectNameStrategy.valueSubject(topic, typeSchema)).as(topic.topic())
                        .isEqualTo(expected);
            }
        }
        assertThat(Arrays.stream(Topics.values()).filter(t -> CatalogueSubjectNameStrategy.singleType(t.topic())))
                .contains(Topics.CHECKOUT_ORDERS, Topics.VEND_REQUESTS, Topics.RECON_LEDGERS,
                        Topics.RECON_DISCREPANCIES, Topics.OPS_AUDIT, Topics.OPS_DECISIONS)
                .doesNotContain(Topics.ORDERS, Topics.VEND_OUTCOMES, Topics.SCHEMAS);
    }

    @Test
    void strategyConfiguredByClassNameOrClass() {
        assertThat(new AvroSerdeConfig(Map.of("value.subject.name.strategy",
                "com.vendstream.schemas.serde.RecordNameStrategy")).subjectNameStrategy(false))
                .isInstanceOf(RecordNameStrategy.class);
        assertThat(new AvroSerdeConfig(Map.of("key.subject.name.strategy", TopicRecordNameStrategy.class))
                .subjectNameStrategy(true)).isInstanceOf(TopicRecordNameStrategy.class);
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("value.subject.name.strategy", "java.lang.String"))
                .subjectNameStrategy(false)).isInstanceOf(ConfigException.class);
    }

    @Test
    void otherSettings() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of("schema.registry.url", " http://a:1 ,http://b:2",
                "auto.register.schemas", "false", "use.latest.version", true, "specific.avro.reader", "true"));
        assertThat(config.registryUrls()).containsExactly("http://a:1", "http://b:2");
        assertThat(config.autoRegisterSchemas()).isFalse();
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.specificAvroReader()).isTrue();
        AvroSerdeConfig defaults = new AvroSerdeConfig(Map.of());
        assertThat(defaults.autoRegisterSchemas()).isTrue();
        assertThat(defaults.useLatestVersion()).isFalse();
        assertThat(defaults.specificAvroReader()).isFalse();
        assertThatThrownBy(defaults::registryUrls).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("auto.register.schemas", "yes")).autoRegisterSchemas())
                .isInstanceOf(ConfigException.class);
    }
}
