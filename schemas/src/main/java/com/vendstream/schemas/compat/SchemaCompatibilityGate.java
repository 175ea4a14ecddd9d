package com.vendstream.schemas.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParser;

/**
 * The build's schema compatibility check. Every released schema version is kept under
 * {@code src/main/released/v<N>}; each current schema must be able to read data written with each
 * released version of itself (BACKWARD, checked transitively against every release), and a released
 * event type may not disappear. A schema with no release yet is new and passes.
 */
public final class SchemaCompatibilityGate {

    /** One way the current schemas break a release. */
    public record Violation(String schema, String release, String problem) {
        @Override
        public String toString() {
            return schema + " is not BACKWARD compatible with release " + release + ": " + problem;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaCompatibilityGate() {
    }

    /**
     * Parses every {@code .avsc} under the directory (shared types may live in subdirectories and be
     * referenced by name from any file) and returns the schema each file defines, by full name.
     */
    public static Map<String, Schema> parseDirectory(Path dir) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list schemas in " + dir, e);
        }
        SchemaParser parser = new SchemaParser();
        List<SchemaParser.ParseResult> results = new ArrayList<>();
        for (Path file : dependencyOrder(files)) {
            try {
                results.add(parser.parse(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        Map<String, Schema> byName = new LinkedHashMap<>();
        for (SchemaParser.ParseResult result : results) {
            Schema schema = parser.resolve(result);
            byName.put(schema.getFullName(), schema);
        }
        return byName;
    }

    /**
     * Orders files so that each comes after the files defining the types it names. Avro resolves
     * forward references, but validates a field's default against its type while parsing, so an enum
     * default (e.g. paymentMethod "WALLET") needs its enum parsed first.
     */
    static List<Path> dependencyOrder(List<Path> files) {
        Map<Path, JsonNode> trees = new LinkedHashMap<>();
        Map<String, Path> definedIn = new HashMap<>();
        for (Path file : files) {
            try {
                JsonNode tree = JSON.readTree(file.toFile());
                trees.put(file, tree);
                collectDefinitions(tree, null, file, definedIn);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        List<Path> ordered = new ArrayList<>();
        Set<Path> visiting = new HashSet<>();
        for (Path file : files) {
            visit(file, trees, definedIn, visiting, ordered);
        }
        return ordered;
    }

    private static void visit(Path file, Map<Path, JsonNode> trees, Map<String, Path> definedIn, Set<Path> visiting,
                              List<Path> ordered) {
        if (ordered.contains(file) || !visiting.add(file)) {
            return; // done, or a cycle, which Avro's own forward-reference resolution handles
        }
        Set<String> references = new HashSet<>();
        collectStrings(trees.get(file), references);
        for (String reference : references) {
            Path dependency = definedIn.get(reference);
            if (dependency != null && !dependency.equals(file)) {
                visit(dependency, trees, definedIn, visiting, ordered);
            }
        }
        ordered.add(file);
    }

    private static void collectDefinitions(JsonNode node, String namespace, Path file, Map<String, Path> definedIn) {
        if (node.isObject()) {
            String ns = node.has("namespace") ? node.get("namespace").asText() : namespace;
            if (node.has("name") && node.has("type") && Set.of("record", "enum", "fixed")
                    .contains(node.get("type").asText())) {
                String name = node.get("name").asText();
                definedIn.put(name.contains(".") || ns == null ? name : ns + "." + name, file);
            }
            node.forEach(child -> collectDefinitions(child, ns, file, definedIn));
        } else if (node.isArray()) {
            node.forEach(child -> collectDefinitions(child, namespace, file, definedIn));
        }
    }

    private static void collectStrings(JsonNode node, Set<String> into) {
        if (node.isTextual()) {
            into.add(node.asText());
        }
        node.forEach(child -> collectStrings(child, into));
    }

    /** The release directories ({@code v1}, {@code v2}, ...) in version order. */
    public static List<Path> releases(Path releasedRoot) {
        try (Stream<Path> list = Files.list(releasedRoot)) {
            return list.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches("v\\d+"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(1))))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list releases in " + releasedRoot, e);
        }
    }

    public static List<Violation> check(Path currentDir, Path releasedRoot) {
        Map<String, Schema> current = parseDirectory(currentDir);
        List<Violation> violations = new ArrayList<>();
        for (Path release : releases(releasedRoot)) {
            violations.addAll(check(current, parseDirectory(release), release.getFileName().toString()));
        }
        return violations;
    }

    public static List<Violation> check(Map<String, Schema> current, Map<String, Schema> released, String release) {
        List<Violation> violations = new ArrayList<>();
        released.forEach((name, writer) -> {
            Schema reader = current.get(name);
            if (reader == null) {
                violations.add(new Violation(name, release, "the schema was removed; consumers and stored "
                        + "records still use it"));
                return;
            }
            SchemaCompatibilityResult result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                    .getResult();
            if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
                result.getIncompatibilities().forEach(i -> violations.add(new Violation(name, release,
                        i.getType() + " at " + i.getLocation() + ": " + i.getMessage())));
            }
        });
        return violations;
    }

    /** Runs the check from the command line: {@code <current dir> <released root>}; exit status 1 on a violation. */
    public static void main(String[] args) {
        Path current = Path.of(args.length > 0 ? args[0] : "src/main/avro");
        Path released = Path.of(args.length > 1 ? args[1] : "src/main/released");
        List<Violation> violations = check(current, released);
        violations.forEach(System.err::println);
        System.out.println(violations.isEmpty() ? "All schemas are BACKWARD compatible with every release."
                : violations.size() + " compatibility violation(s).");
        if (!violations.isEmpty()) {
            System.exit(1);
        }
    }
}
