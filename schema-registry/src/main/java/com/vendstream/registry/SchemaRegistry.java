package com.vendstream.registry;

import com.vendstream.registry.store.KafkaSchemaLog;
import com.vendstream.registry.store.RegistryState;
import com.vendstream.registry.store.SchemaEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The registry's rules over the log-backed state: Confluent's semantics for ids (one id per distinct
 * schema, shared across subjects), versions (never reused, even after a soft delete), idempotent
 * registration and compatibility enforcement. Writes are serialised here, the single writer that
 * assigns ids and versions.
 */
public class SchemaRegistry {

    public static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

    private final RegistryState state;
    private final KafkaSchemaLog store;
    private final CompatibilityLevel defaultLevel;
    private final Map<String, Schema> parsed = new ConcurrentHashMap<>();

    public SchemaRegistry(RegistryState state, KafkaSchemaLog store, CompatibilityLevel defaultLevel) {
        this.state = state;
        this.store = store;
        this.defaultLevel = defaultLevel;
    }

    public record Registered(int id, int version) {
    }

    /** Registers the schema under the subject; an identical live schema returns its existing id. */
    public synchronized Registered register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        List<SchemaEntry> live = state.versions(subject, false);
        for (SchemaEntry entry : live) {
            if (entry.schema().equals(canonical)) {
                return new Registered(entry.id(), entry.version());
            }
        }
        List<String> problems = level(subject).problems(schema, live.stream().map(e -> parsed(e.schema())).toList());
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(String.join("; ", problems));
        }
        int id = state.idOf(canonical).orElse(state.maxId() + 1);
        int version = state.highestVersionEver(subject) + 1;
        write(state.schemaKey(subject, version), state.schemaValue(new SchemaEntry(subject, version, id, canonical,
                false)));
        return new Registered(id, version);
    }

    /** The live version of the subject holding this schema. */
    public SchemaEntry lookup(String subject, String schemaText, boolean includeDeleted) {
        String canonical = parse(schemaText).toString();
        List<SchemaEntry> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions.stream().filter(e -> e.schema().equals(canonical)).findFirst()
                .orElseThrow(() -> RegistryException.schemaNotFound("not registered under subject " + subject));
    }

    public List<String> subjects(boolean includeDeleted) {
        return state.subjects(includeDeleted);
    }

    public List<Integer> versions(String subject, boolean includeDeleted) {
        List<SchemaEntry> versions = liveOrThrow(subject, includeDeleted);
        return versions.stream().map(SchemaEntry::version).toList();
    }

    public SchemaEntry version(String subject, String version, boolean includeDeleted) {
        List<SchemaEntry> versions = liveOrThrow(subject, includeDeleted);
        if (isLatest(version)) {
            return versions.get(versions.size() - 1);
        }
        int number = parseVersion(version);
        return versions.stream().filter(e -> e.version() == number).findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(version));
    }

    public String schemaById(int id) {
        return state.schemaById(id).orElseThrow(() -> RegistryException.schemaNotFound(Integer.toString(id)));
    }

    public List<SchemaEntry> usesOf(int id) {
        schemaById(id);
        return state.usesOf(id);
    }

    /** Whether the schema could be registered: against one version, or per the level for "latest". */
    public List<String> compatibilityProblems(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = level(subject);
        if (isLatest(version)) {
            List<SchemaEntry> live = state.versions(subject, false);
            if (live.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            return level.problems(schema, live.stream().map(e -> parsed(e.schema())).toList());
        }
        SchemaEntry against = version(subject, version, false);
        return level.problems(schema, List.of(parsed(against.schema())));
    }

    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        List<SchemaEntry> all = state.versions(subject, true);
        if (all.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        List<Integer> deleted = new ArrayList<>();
        if (permanent) {
            if (all.stream().anyMatch(e -> !e.deleted())) {
                throw RegistryException.subjectNotSoftDeleted(subject);
            }
            for (SchemaEntry entry : all) {
                write(state.schemaKey(subject, entry.version()), null);
                deleted.add(entry.version());
            }
            return deleted;
        }
        for (SchemaEntry entry : all) {
            if (!entry.deleted()) {
                softDelete(entry);
                deleted.add(entry.version());
            }
        }
        if (deleted.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return deleted;
    }

    public synchronized int deleteVersion(String subject, String version, boolean permanent) {
        if (permanent) {
            SchemaEntry entry = version(subject, version, true);
            if (!entry.deleted()) {
                throw new RegistryException(404, 40407, "Subject '" + subject + "' Version " + entry.version()
                        + " was not deleted first before being permanently deleted");
            }
            write(state.schemaKey(subject, entry.version()), null);
            return entry.version();
        }
        SchemaEntry entry = version(subject, version, false);
        softDelete(entry);
        return entry.version();
    }

    private void softDelete(SchemaEntry entry) {
        write(state.schemaKey(entry.subject(), entry.version()), state.schemaValue(new SchemaEntry(entry.subject(),
                entry.version(), entry.id(), entry.schema(), true)));
    }

    public CompatibilityLevel globalLevel() {
        return state.globalConfig().map(CompatibilityLevel::parse).orElse(defaultLevel);
    }

    /** The subject's own level; empty when it follows the global one. */
    public java.util.Optional<CompatibilityLevel> subjectLevel(String subject) {
        return state.subjectConfig(subject).map(CompatibilityLevel::parse);
    }

    public CompatibilityLevel level(String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }

    public synchronized CompatibilityLevel setLevel(String subject, String level) {
        CompatibilityLevel parsedLevel = CompatibilityLevel.parse(level);
        write(state.configKey(subject), state.configValue(parsedLevel.name()));
        return parsedLevel;
    }

    public synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        CompatibilityLevel previous = subjectLevel(subject)
                .orElseThrow(() -> RegistryException.subjectLevelCompatibilityNotConfigured(subject));
        write(state.configKey(subject), null);
        return previous;
    }

    public boolean healthy() {
        return store.healthy();
    }

    private void write(String key, String value) {
        try {
            store.append(key, value);
        } catch (KafkaSchemaLog.SchemaLogException e) {
            throw RegistryException.storeError(e.getMessage(), e);
        }
    }

    private Schema parsed(String canonical) {
        return parsed.computeIfAbsent(canonical, s -> new Schema.Parser().parse(s));
    }

    private static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("no schema given");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            // Avro 1.12 reports some invalid schemas (e.g. an unknown type name) as a NullPointerException.
            throw RegistryException.invalidSchema(e instanceof SchemaParseException || e.getMessage() != null
                    ? e.getMessage() : e.toString());
        }
    }

    private static boolean isLatest(String version) {
        return version.equals("latest") || version.equals("-1");
    }

    private static int parseVersion(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number < 1) {
                throw RegistryException.invalidVersion(version);
            }
            return number;
        } catch (NumberFormatException e) {
            throw RegistryException.invalidVersion(version);
        }
    }

    private List<SchemaEntry> liveOrThrow(String subject, boolean includeDeleted) {
        List<SchemaEntry> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }
}
