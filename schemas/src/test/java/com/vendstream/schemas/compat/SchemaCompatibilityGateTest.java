package com.vendstream.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vendstream.events.OrderPlaced;
import com.vendstream.events.VendSucceeded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate itself: this test failing fails {@code mvn verify} on an incompatible schema change. */
class SchemaCompatibilityGateTest {

    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path RELEASED = Path.of("src/main/released");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void currentSchemasAreBackwardCompatibleWithEveryRelease() {
        assertThat(SchemaCompatibilityGate.releases(RELEASED)).isNotEmpty();
        List<SchemaCompatibilityGate.Violation> violations = SchemaCompatibilityGate.check(CURRENT, RELEASED);
        assertThat(violations).as("Incompatible schema changes; see schemas/README.md").isEmpty();
    }

    @Test
    void parsesEveryFileIncludingSharedTypesReferencedAcrossFiles() {
        Map<String, Schema> current = SchemaCompatibilityGate.parseDirectory(CURRENT);
        assertThat(current).hasSize(29).containsKeys("com.vendstream.events.Envelope", "com.vendstream.events.Money");
        // The files and the generated classes must describe the same records.
        assertThat(current.get("com.vendstream.events.OrderPlaced").getFields())
                .extracting(Schema.Field::name)
                .containsExactlyElementsOf(OrderPlaced.getClassSchema().getFields().stream().map(Schema.Field::name)
                        .toList());
        assertThat(current.get("com.vendstream.events.VendSucceeded").getField("resolvedBy").schema().getFullName())
                .isEqualTo(VendSucceeded.getClassSchema().getField("resolvedBy").schema().getFullName());
    }

    @Test
    void catchesANewFieldWithoutDefault(@TempDir Path tmp) throws IOException {
        Path changed = copyCurrent(tmp, "OrderPlaced.avsc", fields -> fields.addObject()
                .put("name", "loyaltyId").put("type", "string"));
        List<SchemaCompatibilityGate.Violation> violations = SchemaCompatibilityGate.check(changed, RELEASED);
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.schema()).isEqualTo("com.vendstream.events.OrderPlaced");
            assertThat(v.release()).isEqualTo("v1");
            assertThat(v.problem()).contains("READER_FIELD_MISSING_DEFAULT").contains("loyaltyId");
        });
    }

    @Test
    void catchesANarrowedTypeInASharedRecord(@TempDir Path tmp) throws IOException {
        // Every record embedding Money breaks when its amount narrows from long to int.
        Path changed = copyCurrent(tmp, "common/Money.avsc", fields -> fields.forEach(f -> {
            if (f.path("type").asText().equals("long")) {
                ((ObjectNode) f).put("type", "int");
            }
        }));
        List<SchemaCompatibilityGate.Violation> violations = SchemaCompatibilityGate.check(changed, RELEASED);
        assertThat(violations).isNotEmpty().allSatisfy(v -> assertThat(v.problem())
                .containsAnyOf("TYPE_MISMATCH", "MISSING_UNION_BRANCH"));
        assertThat(violations).extracting(SchemaCompatibilityGate.Violation::schema)
                .contains("com.vendstream.events.Money", "com.vendstream.events.VendSucceeded");
    }

    @Test
    void acceptsANewFieldWithADefaultAndCatchesARemovedSchema(@TempDir Path tmp) throws IOException {
        Path changed = copyCurrent(tmp, "OrderPlaced.avsc", fields -> fields.addObject()
                .put("name", "loyaltyId").putNull("default").putArray("type").add("null").add("string"));
        assertThat(SchemaCompatibilityGate.check(changed, RELEASED)).isEmpty();

        Files.delete(changed.resolve("VendUnresolved.avsc"));
        assertThat(SchemaCompatibilityGate.check(changed, RELEASED)).singleElement()
                .satisfies(v -> assertThat(v.problem()).contains("removed"));
    }

    private Path copyCurrent(Path tmp, String file, Consumer<ArrayNode> editFields) throws IOException {
        Path target = tmp.resolve("avro");
        try (Stream<Path> walk = Files.walk(CURRENT)) {
            for (Path source : walk.toList()) {
                Path dest = target.resolve(CURRENT.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest);
                }
            }
        }
        Path edited = target.resolve(file);
        ObjectNode schema = (ObjectNode) json.readTree(edited.toFile());
        editFields.accept((ArrayNode) schema.get("fields"));
        json.writeValue(edited.toFile(), schema);
        return target;
    }
}
