package com.vendstream.schemas.contract;

import com.vendstream.schemas.serde.CatalogueSubjectNameStrategy;
import com.vendstream.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** docs/events.md: the AsyncAPI document's content for people, per topic and per event, with field tables. */
final class EventsPage {

    private EventsPage() {
    }

    static String render() {
        StringBuilder out = new StringBuilder("# vendstream events\n\n");
        out.append("<!-- ").append(EventContracts.GENERATED).append(" -->\n\n");
        out.append(EventContracts.description(true).replace("\n## ", "\n### ")).append("\n\n");

        out.append("## Topics\n\n");
        for (Topics topic : Topics.values()) {
            out.append("### `").append(topic.topic()).append("`\n\n").append(topic.meaning()).append("\n\n");
            out.append("| | |\n|---|---|\n");
            for (String[] row : EventContracts.facts(topic)) {
                out.append("| ").append(row[0]).append(" | ").append(cell(row[1])).append(" |\n");
            }
            if (!topic.valueTypes().isEmpty()) {
                out.append("| Events | ").append(topic.valueTypes().stream()
                        .map(t -> "[" + t.getSimpleName() + "](#" + t.getSimpleName().toLowerCase() + ")")
                        .collect(Collectors.joining(", "))).append(" |\n");
            }
            out.append('\n');
        }

        out.append("## Events\n\n");
        Map<String, Schema> shared = new LinkedHashMap<>();
        for (Class<? extends SpecificRecord> type : eventTypes()) {
            Schema schema = EventContracts.schemaOf(type);
            out.append("### ").append(schema.getName()).append("\n\n").append(schema.getDoc()).append("\n\n");
            out.append("On ").append(Topics.carrying(type).stream()
                    .map(t -> "`" + t.topic() + "` (subject `" + CatalogueSubjectNameStrategy.valueSubject(t, schema)
                            + "`)")
                    .collect(Collectors.joining(", "))).append(".\n\n");
            out.append(fieldTable(schema)).append('\n');
            collectNamed(schema, shared, true);
        }

        out.append("## Shared types\n\n");
        shared.values().stream().sorted((a, b) -> a.getName().compareTo(b.getName())).forEach(schema -> {
            out.append("### ").append(schema.getName()).append("\n\n");
            if (schema.getDoc() != null) {
                out.append(schema.getDoc()).append("\n\n");
            }
            if (schema.getType() == Schema.Type.RECORD) {
                out.append(fieldTable(schema)).append('\n');
            } else if (schema.getType() == Schema.Type.ENUM) {
                out.append("Symbols: ").append(schema.getEnumSymbols().stream().map(s -> "`" + s + "`")
                        .collect(Collectors.joining(", ")));
                if (schema.getEnumDefault() != null) {
                    out.append("; a reader that does not know a symbol reads `").append(schema.getEnumDefault())
                            .append('`');
                }
                out.append(".\n\n");
            }
        });
        return out.toString().stripTrailing() + "\n";
    }

    /** A record's fields as a Markdown table: name, type, doc. */
    static String fieldTable(Schema record) {
        StringBuilder out = new StringBuilder("| field | type | doc |\n|---|---|---|\n");
        for (Schema.Field field : record.getFields()) {
            out.append("| `").append(field.name()).append("` | ").append(cell(typeOf(field.schema()))).append(" | ")
                    .append(cell(field.doc() == null ? "" : field.doc())).append(" |\n");
        }
        return out.toString();
    }

    static String typeOf(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> "[" + schema.getName() + "](#" + schema.getName().toLowerCase() + ")";
            case UNION -> schema.getTypes().stream().map(EventsPage::typeOf).collect(Collectors.joining(" or "));
            case ARRAY -> "array of " + typeOf(schema.getElementType());
            case MAP -> "map of string to " + typeOf(schema.getValueType());
            default -> schema.getLogicalType() == null ? schema.getName()
                    : schema.getName() + " (" + schema.getLogicalType().getName() + ")";
        };
    }

    private static void collectNamed(Schema schema, Map<String, Schema> into, boolean top) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!top && into.putIfAbsent(schema.getFullName(), schema) != null) {
                    return;
                }
                schema.getFields().forEach(f -> collectNamed(f.schema(), into, false));
            }
            case ENUM, FIXED -> into.putIfAbsent(schema.getFullName(), schema);
            case UNION -> schema.getTypes().forEach(t -> collectNamed(t, into, false));
            case ARRAY -> collectNamed(schema.getElementType(), into, false);
            case MAP -> collectNamed(schema.getValueType(), into, false);
            default -> {
            }
        }
    }

    /** Every event type, each once, in the order the catalogue first names it. */
    private static List<Class<? extends SpecificRecord>> eventTypes() {
        List<Class<? extends SpecificRecord>> types = new ArrayList<>();
        Arrays.stream(Topics.values()).flatMap(t -> t.valueTypes().stream()).filter(t -> !types.contains(t))
                .forEach(types::add);
        return types;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
