package com.vendstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

    private final Schema v1 = SchemaBuilder.record("T").fields().requiredString("a").endRecord();
    private final Schema addedOptional = SchemaBuilder.record("T").fields().requiredString("a")
            .name("b").type().stringType().stringDefault("x").endRecord();
    private final Schema addedRequired = SchemaBuilder.record("T").fields().requiredString("a")
            .requiredString("c").endRecord();
    private final Schema removedA = SchemaBuilder.record("T").fields()
            .name("b").type().stringType().stringDefault("x").endRecord();

    @Test
    void backwardMeansTheNewSchemaReadsOldData() {
        assertThat(CompatibilityLevel.BACKWARD.problems(addedOptional, List.of(v1))).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD.problems(addedRequired, List.of(v1)))
                .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT").contains("c");
    }

    @Test
    void forwardMeansOldSchemasReadNewData() {
        // Old readers need 'a', which the new writer no longer has.
        assertThat(CompatibilityLevel.FORWARD.problems(removedA, List.of(v1))).isNotEmpty();
        assertThat(CompatibilityLevel.BACKWARD.problems(removedA, List.of(v1))).isEmpty();
        assertThat(CompatibilityLevel.FORWARD.problems(addedRequired, List.of(v1))).isEmpty();
        assertThat(CompatibilityLevel.FULL.problems(addedRequired, List.of(v1))).isNotEmpty();
        assertThat(CompatibilityLevel.FULL.problems(addedOptional, List.of(v1))).isEmpty();
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersion() {
        // requiresZ has z without a default: fine against the latest version (which writes z), not against v1.
        Schema middle = SchemaBuilder.record("T").fields().requiredString("a").optionalString("z").endRecord();
        Schema requiresZ = SchemaBuilder.record("T").fields().requiredString("a")
                .name("z").type().unionOf().nullType().and().stringType().endUnion().noDefault().endRecord();
        assertThat(CompatibilityLevel.BACKWARD.problems(requiresZ, List.of(v1, middle))).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.problems(requiresZ, List.of(v1, middle))).isNotEmpty();
        assertThat(CompatibilityLevel.NONE.problems(addedRequired, List.of(v1))).isEmpty();
    }

    @Test
    void parsesCaseInsensitivelyAndRejectsUnknownLevels() {
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42203));
    }
}
