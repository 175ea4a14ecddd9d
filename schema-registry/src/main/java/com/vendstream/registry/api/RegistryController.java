package com.vendstream.registry.api;

import com.vendstream.registry.CompatibilityLevel;
import com.vendstream.registry.RegistryException;
import com.vendstream.registry.SchemaRegistry;
import com.vendstream.registry.store.SchemaEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Confluent Schema Registry REST subset that vendstream's serde and Kafka UI use. Bodies are
 * read and written as bytes with our own JSON mapper so that any of the content types registry
 * clients send (vnd.schemaregistry.v1+json, vnd.schemaregistry+json, json, octet-stream) is
 * accepted and raw-schema answers are not re-quoted by a JSON encoder.
 */
@RestController
public class RegistryController {

    public static final MediaType REGISTRY_JSON = MediaType.parseMediaType("application/vnd.schemaregistry.v1+json");

    private final SchemaRegistry registry;
    private final JsonMapper json;

    public RegistryController(SchemaRegistry registry, JsonMapper json) {
        this.registry = registry;
        this.json = json;
    }

    @GetMapping("/")
    public ResponseEntity<byte[]> root() {
        return ok(Map.of());
    }

    @GetMapping("/subjects")
    public ResponseEntity<byte[]> subjects(@RequestParam(defaultValue = "false") boolean deleted) {
        return ok(registry.subjects(deleted));
    }

    @GetMapping("/subjects/{subject}/versions")
    public ResponseEntity<byte[]> versions(@PathVariable String subject,
                                           @RequestParam(defaultValue = "false") boolean deleted) {
        return ok(registry.versions(subject, deleted));
    }

    @GetMapping("/subjects/{subject}/versions/{version}")
    public ResponseEntity<byte[]> version(@PathVariable String subject, @PathVariable String version,
                                          @RequestParam(defaultValue = "false") boolean deleted) {
        return ok(describe(registry.version(subject, version, deleted)));
    }

    @GetMapping("/subjects/{subject}/versions/{version}/schema")
    public ResponseEntity<byte[]> rawSchema(@PathVariable String subject, @PathVariable String version) {
        return ResponseEntity.ok().contentType(REGISTRY_JSON)
                .body(registry.version(subject, version, false).schema().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @GetMapping("/subjects/{subject}/versions/{version}/referencedby")
    public ResponseEntity<byte[]> referencedBy(@PathVariable String subject, @PathVariable String version) {
        registry.version(subject, version, false);
        return ok(List.of());
    }

    @PostMapping("/subjects/{subject}/versions")
    public Mono<ResponseEntity<byte[]>> register(@PathVariable String subject,
                                                 @RequestBody(required = false) byte[] body) {
        String schema = schemaOf(body);
        return blocking(() -> ok(Map.of("id", registry.register(subject, schema).id())));
    }

    @PostMapping("/subjects/{subject}")
    public ResponseEntity<byte[]> lookup(@PathVariable String subject, @RequestBody(required = false) byte[] body,
                                         @RequestParam(defaultValue = "false") boolean deleted) {
        return ok(describe(registry.lookup(subject, schemaOf(body), deleted)));
    }

    @DeleteMapping("/subjects/{subject}")
    public Mono<ResponseEntity<byte[]>> deleteSubject(@PathVariable String subject,
                                                      @RequestParam(defaultValue = "false") boolean permanent) {
        return blocking(() -> ok(registry.deleteSubject(subject, permanent)));
    }

    @DeleteMapping("/subjects/{subject}/versions/{version}")
    public Mono<ResponseEntity<byte[]>> deleteVersion(@PathVariable String subject, @PathVariable String version,
                                                      @RequestParam(defaultValue = "false") boolean permanent) {
        return blocking(() -> ok(registry.deleteVersion(subject, version, permanent)));
    }

    @GetMapping("/schemas/ids/{id}")
    public ResponseEntity<byte[]> schemaById(@PathVariable int id) {
        return ok(Map.of("schema", registry.schemaById(id)));
    }

    @GetMapping("/schemas/ids/{id}/schema")
    public ResponseEntity<byte[]> rawSchemaById(@PathVariable int id) {
        return ResponseEntity.ok().contentType(REGISTRY_JSON)
                .body(registry.schemaById(id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @GetMapping("/schemas/ids/{id}/versions")
    public ResponseEntity<byte[]> schemaVersions(@PathVariable int id) {
        return ok(registry.usesOf(id).stream().map(e -> {
            Map<String, Object> use = new LinkedHashMap<>();
            use.put("subject", e.subject());
            use.put("version", e.version());
            return use;
        }).toList());
    }

    @GetMapping("/schemas/ids/{id}/subjects")
    public ResponseEntity<byte[]> schemaSubjects(@PathVariable int id) {
        return ok(registry.usesOf(id).stream().map(SchemaEntry::subject).distinct().toList());
    }

    @GetMapping("/schemas/types")
    public ResponseEntity<byte[]> types() {
        return ok(List.of("AVRO"));
    }

    @PostMapping("/compatibility/subjects/{subject}/versions/{version}")
    public ResponseEntity<byte[]> compatibility(@PathVariable String subject, @PathVariable String version,
                                                @RequestBody(required = false) byte[] body,
                                                @RequestParam(defaultValue = "false") boolean verbose) {
        List<String> problems = registry.compatibilityProblems(subject, version, schemaOf(body));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("is_compatible", problems.isEmpty());
        if (verbose) {
            answer.put("messages", problems);
        }
        return ok(answer);
    }

    @GetMapping("/config")
    public ResponseEntity<byte[]> globalConfig() {
        return ok(Map.of("compatibilityLevel", registry.globalLevel().name()));
    }

    @PutMapping("/config")
    public Mono<ResponseEntity<byte[]>> setGlobalConfig(@RequestBody(required = false) byte[] body) {
        String level = field(body, "compatibility");
        return blocking(() -> ok(Map.of("compatibility", registry.setLevel(null, level).name())));
    }

    @GetMapping("/config/{subject}")
    public ResponseEntity<byte[]> subjectConfig(@PathVariable String subject,
                                                @RequestParam(defaultValue = "false") boolean defaultToGlobal) {
        CompatibilityLevel level = defaultToGlobal ? registry.level(subject) : registry.subjectLevel(subject)
                .orElseThrow(() -> RegistryException.subjectLevelCompatibilityNotConfigured(subject));
        return ok(Map.of("compatibilityLevel", level.name()));
    }

    @PutMapping("/config/{subject}")
    public Mono<ResponseEntity<byte[]>> setSubjectConfig(@PathVariable String subject,
                                                         @RequestBody(required = false) byte[] body) {
        String level = field(body, "compatibility");
        return blocking(() -> ok(Map.of("compatibility", registry.setLevel(subject, level).name())));
    }

    @DeleteMapping("/config/{subject}")
    public Mono<ResponseEntity<byte[]>> deleteSubjectConfig(@PathVariable String subject) {
        return blocking(() -> ok(Map.of("compatibilityLevel", registry.deleteSubjectLevel(subject).name())));
    }

    @GetMapping({"/mode", "/mode/{subject}"})
    public ResponseEntity<byte[]> mode() {
        return ok(Map.of("mode", "READWRITE"));
    }

    @ExceptionHandler(RegistryException.class)
    public ResponseEntity<byte[]> registryError(RegistryException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", e.errorCode());
        body.put("message", e.getMessage());
        return ResponseEntity.status(e.httpStatus()).contentType(REGISTRY_JSON).body(json.writeValueAsBytes(body));
    }

    private Map<String, Object> describe(SchemaEntry entry) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", entry.subject());
        body.put("version", entry.version());
        body.put("id", entry.id());
        body.put("schema", entry.schema());
        return body;
    }

    /** Writes wait for the Kafka log to echo them, so they run off the event loop. */
    private static Mono<ResponseEntity<byte[]>> blocking(java.util.concurrent.Callable<ResponseEntity<byte[]>> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private String schemaOf(byte[] body) {
        JsonNode node = read(body);
        String type = node.path("schemaType").asString("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw new RegistryException(422, 42201, "Invalid schema: schema type " + type + " is not supported; "
                    + "this registry serves AVRO only");
        }
        if (node.path("references").isArray() && !node.path("references").isEmpty()) {
            throw new RegistryException(422, 42201, "Invalid schema: schema references are not supported");
        }
        return node.path("schema").asString(null);
    }

    private String field(byte[] body, String name) {
        String value = read(body).path(name).asString(null);
        if (value == null) {
            throw RegistryException.invalidCompatibilityLevel("(missing)");
        }
        return value;
    }

    private JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            throw new RegistryException(422, 42201, "Invalid schema: empty request body");
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new RegistryException(400, 400, "Unrecognized request body: " + e.getOriginalMessage());
        }
    }

    private ResponseEntity<byte[]> ok(Object body) {
        return ResponseEntity.ok().contentType(REGISTRY_JSON).body(json.writeValueAsBytes(body));
    }
}
