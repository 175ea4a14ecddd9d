package com.vendstream.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A minimal in-process stand-in for the Confluent registry REST API, for the schemas module's unit
 * tests only: the real registry (module schema-registry) depends on this module, so it cannot be
 * used here. It implements just the calls the serde and client make, with Confluent's error codes.
 */
final class FakeRegistry implements AutoCloseable {

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private final Map<Integer, String> schemas = new LinkedHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers directly, as another producer would have. */
    synchronized int register(String subject, Schema schema) {
        String text = schema.toString();
        int id = schemas.entrySet().stream().filter(e -> e.getValue().equals(text)).map(Map.Entry::getKey)
                .findFirst().orElseGet(() -> {
                    int fresh = nextId.getAndIncrement();
                    schemas.put(fresh, text);
                    return fresh;
                });
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        requests.add(method + " " + path);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            contentTypes.add(contentType);
        }
        String[] parts = path.substring(1).split("/");
        for (int i = 0; i < parts.length; i++) {
            parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        JsonNode body = readBody(exchange);
        try {
            if (method.equals("POST") && parts.length == 3 && parts[0].equals("subjects")
                    && parts[2].equals("versions")) {
                Schema schema = parse(body);
                List<Integer> versions = subjects.get(parts[1]);
                if (versions != null && !versions.isEmpty() && !schemas.get(versions.get(versions.size() - 1))
                        .equals(schema.toString()) && !backward(schema, versions)) {
                    error(exchange, 409, 409, "Schema being registered is incompatible with an earlier schema");
                    return;
                }
                ok(exchange, json.createObjectNode().put("id", register(parts[1], schema)));
            } else if (method.equals("POST") && parts.length == 2 && parts[0].equals("subjects")) {
                Schema schema = parse(body);
                List<Integer> versions = subjects.get(parts[1]);
                if (versions == null) {
                    error(exchange, 404, 40401, "Subject '" + parts[1] + "' not found.");
                    return;
                }
                int index = versions.indexOf(idOf(schema.toString()));
                if (index < 0) {
                    error(exchange, 404, 40403, "Schema not found");
                    return;
                }
                ok(exchange, version(parts[1], index));
            } else if (method.equals("GET") && parts.length == 3 && parts[0].equals("schemas")) {
                String schema = schemas.get(Integer.parseInt(parts[2]));
                if (schema == null) {
                    error(exchange, 404, 40403, "Schema " + parts[2] + " not found");
                    return;
                }
                ok(exchange, json.createObjectNode().put("schema", schema));
            } else if (method.equals("GET") && parts.length == 4 && parts[0].equals("subjects")) {
                List<Integer> versions = subjects.get(parts[1]);
                if (versions == null) {
                    error(exchange, 404, 40401, "Subject '" + parts[1] + "' not found.");
                    return;
                }
                int index = parts[3].equals("latest") ? versions.size() - 1 : Integer.parseInt(parts[3]) - 1;
                if (index < 0 || index >= versions.size()) {
                    error(exchange, 404, 40402, "Version " + parts[3] + " not found.");
                    return;
                }
                ok(exchange, version(parts[1], index));
            } else if (method.equals("POST") && parts.length == 5 && parts[0].equals("compatibility")) {
                Schema schema = parse(body);
                List<Integer> versions = subjects.getOrDefault(parts[2], List.of());
                ok(exchange, json.createObjectNode().put("is_compatible", backward(schema, versions)));
            } else {
                error(exchange, 404, 404, "HTTP 404 Not Found");
            }
        } catch (RuntimeException e) {
            error(exchange, 422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private boolean backward(Schema reader, List<Integer> versions) {
        if (versions.isEmpty()) {
            return true;
        }
        Schema writer = new Schema.Parser().parse(schemas.get(versions.get(versions.size() - 1)));
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    private int idOf(String schema) {
        return schemas.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey)
                .findFirst().orElse(-1);
    }

    private ObjectNode version(String subject, int index) {
        int id = subjects.get(subject).get(index);
        return json.createObjectNode().put("subject", subject).put("version", index + 1).put("id", id)
                .put("schema", schemas.get(id));
    }

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        return bytes.length == 0 ? null : json.readTree(bytes);
    }

    private static Schema parse(JsonNode body) {
        return new Schema.Parser().parse(body.path("schema").asText());
    }

    private void ok(HttpExchange exchange, JsonNode body) throws IOException {
        send(exchange, 200, body);
    }

    private void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        send(exchange, status, json.createObjectNode().put("error_code", code).put("message", message));
    }

    private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
