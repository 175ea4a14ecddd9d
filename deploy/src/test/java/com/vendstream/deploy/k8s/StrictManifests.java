package com.vendstream.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Validates rendered manifests as strictly as {@code kubectl apply --validate=strict} would, offline: built-in kinds
 * through fabric8's typed model, where a field the model does not know lands in an {@code additionalProperties}
 * map (so any non-empty one is an unknown field), and the custom resources (Strimzi, KEDA) against the
 * {@code openAPIV3Schema} of their CRDs, vendored unchanged under {@code k8s/crds} (Strimzi 1.2.0, KEDA 2.20.2),
 * where an object's fields are closed unless the schema preserves unknown fields.
 */
final class StrictManifests {

    private static final List<String> CRDS = List.of(
            "strimzi-1.2.0-040-Crd-kafka.yaml", "strimzi-1.2.0-043-Crd-kafkatopic.yaml",
            "strimzi-1.2.0-044-Crd-kafkauser.yaml", "strimzi-1.2.0-045-Crd-kafkanodepool.yaml",
            "keda-2.20.2-scaledobjects.yaml", "keda-2.20.2-triggerauthentications.yaml");
    /** Built-in kinds the manifests may use; anything else must have a vendored CRD. */
    private static final Set<String> BUILT_IN = Set.of("v1/Namespace", "v1/ConfigMap", "v1/Secret", "v1/Service",
            "apps/v1/Deployment", "apps/v1/StatefulSet", "batch/v1/Job", "policy/v1/PodDisruptionBudget",
            "networking.k8s.io/v1/NetworkPolicy");

    static final ObjectMapper YAML = new YAMLMapper();
    private static final Map<String, Predicate<JsonNode>> SCALARS = Map.of("string", JsonNode::isTextual,
            "integer", JsonNode::isIntegralNumber, "number", JsonNode::isNumber, "boolean", JsonNode::isBoolean);
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    /** "group/version/Kind" to the version's openAPIV3Schema. */
    private final Map<String, JsonNode> schemas = new HashMap<>();

    StrictManifests() {
        for (String crd : CRDS) {
            JsonNode definition = read(crd);
            JsonNode spec = definition.path("spec");
            for (JsonNode version : spec.path("versions")) {
                if (version.path("served").asBoolean()) {
                    schemas.put(spec.path("group").asText() + "/" + version.path("name").asText() + "/"
                            + spec.path("names").path("kind").asText(), version.path("schema").path("openAPIV3Schema"));
                }
            }
        }
    }

    private static JsonNode read(String crd) {
        try (InputStream in = StrictManifests.class.getResourceAsStream("/k8s/crds/" + crd)) {
            if (in == null) {
                throw new IllegalStateException("missing vendored CRD " + crd);
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a multi-document YAML stream (empty ones left out). */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            it.forEachRemaining(node -> {
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(node);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** What is wrong with a document: unknown kinds, unknown fields, wrong types, missing required fields. */
    List<String> problems(JsonNode document) {
        List<String> problems = new ArrayList<>();
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        String where = kind + "/" + document.path("metadata").path("name").asText();
        if (BUILT_IN.contains(apiVersion + "/" + kind)) {
            KubernetesResource typed = serialization.convertValue(document, KubernetesResource.class);
            if (typed == null || typed instanceof GenericKubernetesResource) {
                problems.add(where + ": the typed model does not know " + apiVersion + " " + kind);
            } else {
                unknownFields(typed, where, problems);
            }
            return problems;
        }
        JsonNode schema = schemas.get(apiVersion + "/" + kind);
        if (schema == null) {
            problems.add(where + ": no built-in kind nor vendored CRD version for " + apiVersion + " " + kind);
            return problems;
        }
        ObjectNode withoutMeta = document.deepCopy();
        JsonNode metadata = withoutMeta.remove("metadata");
        if (metadata == null) {
            problems.add(where + ": no metadata");
        } else {
            unknownFields(serialization.convertValue(metadata, ObjectMeta.class), where + " metadata", problems);
        }
        validate(withoutMeta, schema, where, problems);
        return problems;
    }

    // ---- the typed model's unknown fields

    private static void unknownFields(Object value, String path, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else if (!(value instanceof HasMetadata && getter.getName().equals("getPlural"))) {
                unknownFields(field, path + "." + decapitalise(getter.getName().substring(3)), problems);
            }
        }
    }

    private static String decapitalise(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    // ---- a CRD's structural schema

    private static void validate(JsonNode node, JsonNode schema, String path, List<String> problems) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!node.isIntegralNumber() && !node.isTextual()) {
                problems.add(path + ": an integer or a string is required");
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> object(node, schema, path, problems);
            case "array" -> {
                if (!node.isArray()) {
                    problems.add(path + ": an array is required");
                    return;
                }
                for (int i = 0; i < node.size(); i++) {
                    validate(node.get(i), schema.path("items"), path + "[" + i + "]", problems);
                }
            }
            case "string", "integer", "number", "boolean" -> {
                if (!SCALARS.get(type).test(node)) {
                    problems.add(path + ": " + type + " is required, not " + node);
                }
            }
            default -> {
                // No type: anything (x-kubernetes-preserve-unknown-fields without a type).
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.equals(node);
            }
            if (!listed) {
                problems.add(path + ": " + node + " is not one of " + schema.path("enum"));
            }
        }
        if (schema.has("minimum") && node.isNumber() && node.asDouble() < schema.path("minimum").asDouble()) {
            problems.add(path + ": " + node + " is below the minimum " + schema.path("minimum"));
        }
    }

    private static void object(JsonNode node, JsonNode schema, String path, List<String> problems) {
        if (!node.isObject()) {
            problems.add(path + ": an object is required, not " + node);
            return;
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        node.properties().forEach(field -> {
            String at = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                validate(field.getValue(), properties.get(field.getKey()), at, problems);
            } else if (additional.isObject()) {
                validate(field.getValue(), additional, at, problems);
            } else if (!open && !additional.asBoolean(false)) {
                problems.add(at + ": unknown field");
            }
        });
        for (JsonNode required : schema.path("required")) {
            if (!node.has(required.asText())) {
                problems.add(path + ": required field " + required.asText() + " is missing");
            }
        }
    }
}
