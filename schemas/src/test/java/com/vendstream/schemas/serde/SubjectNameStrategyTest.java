package com.vendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.VendSucceeded;
import java.util.Map;
import org.apache.avro.Schema;
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
    void defaultsAreTopicRecordForValuesAndTopicForKeys() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of());
        assertThat(config.subjectNameStrategy(false)).isInstanceOf(TopicRecordNameStrategy.class);
        assertThat(config.subjectNameStrategy(true)).isInstanceOf(TopicNameStrategy.class);
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
