package com.vendstream.registry.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's state, a fold over the {@code _schemas} log and nothing else: writes change it only
 * when they are read back from the topic, so a restarted registry rebuilds exactly what it served.
 * Records follow Confluent's layout so the same topic could be served by Confluent's registry.
 */
public class RegistryState {

    private final JsonMapper json;
    private final Map<String, TreeMap<Integer, SchemaEntry>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, String> subjectConfigs = new HashMap<>();
    private String globalConfig;
    private int maxId;

    public RegistryState(JsonMapper json) {
        this.json = json;
    }

    /** Applies one record of the log; unknown key types (e.g. Confluent's NOOP, MODE) are ignored. */
    public synchronized void apply(String key, String value) {
        JsonNode k = json.readTree(key);
        String keytype = k.path("keytype").asString("");
        String subject = k.path("subject").isNull() || k.path("subject").isMissingNode()
                ? null : k.path("subject").asString();
        switch (keytype) {
            case "SCHEMA" -> applySchema(subject, k.path("version").asInt(), value);
            case "CONFIG" -> {
                String level = value == null ? null : json.readTree(value).path("compatibilityLevel").asString(null);
                if (subject == null) {
                    globalConfig = level;
                } else if (level == null) {
                    subjectConfigs.remove(subject);
                } else {
                    subjectConfigs.put(subject, level);
                }
            }
            default -> {
                // Nothing to fold.
            }
        }
    }

    private void applySchema(String subject, int version, String value) {
        if (value == null) {
            TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
            if (versions != null) {
                versions.remove(version);
                if (versions.isEmpty()) {
                    subjects.remove(subject);
                }
            }
            return;
        }
        JsonNode v = json.readTree(value);
        SchemaEntry entry = new SchemaEntry(v.path("subject").asString(), v.path("version").asInt(),
                v.path("id").asInt(), v.path("schema").asString(), v.path("deleted").asBoolean(false));
        subjects.computeIfAbsent(entry.subject(), s -> new TreeMap<>()).put(entry.version(), entry);
        schemasById.putIfAbsent(entry.id(), entry.schema());
        idsBySchema.putIfAbsent(entry.schema(), entry.id());
        maxId = Math.max(maxId, entry.id());
    }

    public synchronized List<String> subjects(boolean includeDeleted) {
        return subjects.entrySet().stream()
                .filter(e -> includeDeleted || e.getValue().values().stream().anyMatch(s -> !s.deleted()))
                .map(Map.Entry::getKey).toList();
    }

    /** Versions of the subject, oldest first. */
    public synchronized List<SchemaEntry> versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(e -> includeDeleted || !e.deleted()).toList();
    }

    public synchronized int highestVersionEver(String subject) {
        TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    public synchronized Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    public synchronized Optional<Integer> idOf(String canonicalSchema) {
        return Optional.ofNullable(idsBySchema.get(canonicalSchema));
    }

    public synchronized int maxId() {
        return maxId;
    }

    /** Every live (subject, version) that uses the schema id. */
    public synchronized List<SchemaEntry> usesOf(int id) {
        List<SchemaEntry> uses = new ArrayList<>();
        subjects.values().forEach(vs -> vs.values().stream().filter(e -> e.id() == id && !e.deleted())
                .forEach(uses::add));
        return uses;
    }

    public synchronized Optional<String> subjectConfig(String subject) {
        return Optional.ofNullable(subjectConfigs.get(subject));
    }

    public synchronized Optional<String> globalConfig() {
        return Optional.ofNullable(globalConfig);
    }

    // Record layouts, field order as Confluent writes them (compaction needs byte-identical keys).

    public String schemaKey(String subject, int version) {
        Map<String, Object> key = new java.util.LinkedHashMap<>();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        return json.writeValueAsString(key);
    }

    public String schemaValue(SchemaEntry entry) {
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        value.put("subject", entry.subject());
        value.put("version", entry.version());
        value.put("id", entry.id());
        value.put("schema", entry.schema());
        value.put("deleted", entry.deleted());
        return json.writeValueAsString(value);
    }

    public String configKey(String subject) {
        Map<String, Object> key = new java.util.LinkedHashMap<>();
        key.put("keytype", "CONFIG");
        key.put("subject", subject);
        key.put("magic", 0);
        return json.writeValueAsString(key);
    }

    public String configValue(String level) {
        return json.writeValueAsString(Map.of("compatibilityLevel", level));
    }
}
