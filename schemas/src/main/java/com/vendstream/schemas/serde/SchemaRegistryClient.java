package com.vendstream.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent Schema Registry REST API (the subset vendstream uses), on the JDK's
 * HttpClient. Thread-safe. Schema ids are immutable in the registry, so id-to-schema and
 * (subject, schema)-to-id answers are cached for the life of the client; "latest" answers are not.
 *
 * <p>With several base URLs, each call tries them in order and moves on only when one cannot be
 * reached; an HTTP error answer is final, as it is the registry's verdict.
 */
public class SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, "
            + "application/json; qs=0.5";
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);

    private final List<URI> baseUrls;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final ObjectMapper json = new ObjectMapper();

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public SchemaRegistryClient(String commaSeparatedUrls) {
        this(new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, commaSeparatedUrls)));
    }

    public SchemaRegistryClient(AvroSerdeConfig config) {
        this(config.registryUrls(), config.connectTimeout(), config.requestTimeout());
    }

    public SchemaRegistryClient(List<String> baseUrls, Duration connectTimeout, Duration requestTimeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one registry URL is required");
        }
        this.baseUrls = baseUrls.stream().map(u -> URI.create(u.endsWith("/") ? u : u + "/")).toList();
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
    }

    public List<URI> baseUrls() {
        return baseUrls;
    }

    /** Registers the schema under the subject (idempotent in the registry) and returns its global id. */
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = known.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = answer.path("id").asInt();
        known.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The version and id the schema already has under the subject; 40401 / 40403 when it has none. */
    public SchemaMetadata lookup(String subject, Schema schema) {
        SchemaMetadata meta = metadata(call("POST", "subjects/" + encode(subject), schemaBody(schema)));
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, meta.id());
        schemasById.putIfAbsent(meta.id(), schema);
        return meta;
    }

    /** The id of a schema already registered under the subject, without registering it. */
    public int getId(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        return cached != null ? cached : lookup(subject, schema).id();
    }

    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "schemas/ids/" + id, null);
        Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        return getSchemaMetadata(subject, "latest");
    }

    public SchemaMetadata getSchemaMetadata(String subject, int version) {
        return getSchemaMetadata(subject, Integer.toString(version));
    }

    private SchemaMetadata getSchemaMetadata(String subject, String version) {
        SchemaMetadata meta = metadata(call("GET", "subjects/" + encode(subject) + "/versions/" + version, null));
        schemasById.computeIfAbsent(meta.id(), id -> parse(meta.schema(), "schema id " + id));
        return meta;
    }

    /** Whether the registry would accept the schema as the subject's next version, by its compatibility level. */
    public boolean testCompatibility(String subject, Schema schema) {
        JsonNode answer = call("POST", "compatibility/subjects/" + encode(subject) + "/versions/latest",
                schemaBody(schema));
        return answer.path("is_compatible").asBoolean(false);
    }

    public List<String> getAllSubjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    public List<Integer> getAllVersions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "subjects/" + encode(subject) + "/versions", null).forEach(n -> versions.add(n.asInt()));
        return versions;
    }

    /** The compatibility level of the subject, or the global one when subject is null. */
    public String getCompatibility(String subject) {
        String path = subject == null ? "config" : "config/" + encode(subject) + "?defaultToGlobal=true";
        return call("GET", path, null).path("compatibilityLevel").asText();
    }

    /** Sets the compatibility level of the subject, or the global one when subject is null. */
    public String updateCompatibility(String subject, String level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level);
        String path = subject == null ? "config" : "config/" + encode(subject);
        return call("PUT", path, body.toString()).path("compatibility").asText();
    }

    /** Soft-deletes the subject; returns the versions deleted. */
    public List<Integer> deleteSubject(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("DELETE", "subjects/" + encode(subject), null).forEach(n -> versions.add(n.asInt()));
        idsBySubject.remove(subject);
        return versions;
    }

    private String schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static SchemaMetadata metadata(JsonNode node) {
        return new SchemaMetadata(node.path("subject").asText(), node.path("version").asInt(),
                node.path("id").asInt(), node.path("schema").asText());
    }

    private static Schema parse(String schema, String what) {
        try {
            return new Schema.Parser().parse(schema);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("registry returned an unparseable Avro schema for " + what, e);
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body) {
        IOException lastFailure = null;
        for (URI base : baseUrls) {
            URI uri = base.resolve(path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                    .header("Accept", ACCEPT);
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                log.warn("Schema registry {} unreachable for {} {}: {}", base, method, path, e.toString());
                lastFailure = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted calling schema registry " + uri, e);
            }
            return answer(method, uri, response);
        }
        throw new SchemaRegistryException("no schema registry reachable at " + baseUrls + " for " + method + " "
                + path + ": " + lastFailure, lastFailure);
    }

    private JsonNode answer(String method, URI uri, HttpResponse<String> response) {
        JsonNode node;
        try {
            node = response.body() == null || response.body().isBlank()
                    ? json.nullNode() : json.readTree(response.body());
        } catch (JsonProcessingException e) {
            node = null;
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300 && node != null) {
            return node;
        }
        if (node != null && node.has("error_code")) {
            throw new SchemaRegistryException(status, node.path("error_code").asInt(),
                    method + " " + uri + ": " + node.path("message").asText());
        }
        String text = response.body() == null ? "" : response.body();
        throw new SchemaRegistryException(status, status, method + " " + uri + " answered "
                + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
    }
}
