package com.vendstream.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Confluent's compatibility levels, checked with Avro's own reader/writer compatibility rules. */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    public static CompatibilityLevel parse(String level) {
        try {
            return valueOf(level.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw RegistryException.invalidCompatibilityLevel(level);
        }
    }

    /**
     * Problems with accepting {@code candidate} after {@code existing} (oldest first); empty when
     * compatible. Non-transitive levels look at the newest existing schema only.
     */
    public List<String> problems(Schema candidate, List<Schema> existing) {
        List<String> problems = new ArrayList<>();
        if (existing.isEmpty() || this == NONE) {
            return problems;
        }
        List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
        for (Schema previous : against) {
            if (backward) {
                describe(candidate, previous, "new schema cannot read data written with an earlier one", problems);
            }
            if (forward) {
                describe(previous, candidate, "an earlier schema cannot read data written with the new one",
                        problems);
            }
        }
        return problems;
    }

    private static void describe(Schema reader, Schema writer, String what, List<String> problems) {
        SchemaCompatibility.SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
            result.getIncompatibilities().forEach(i -> problems.add(what + ": " + i.getType() + " at "
                    + i.getLocation() + ": " + i.getMessage()));
        }
    }
}
