package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 16: docker-compose.yml runs pinned images only (never {@code latest}, never without a tag) and builds
 * nothing: each vendstream image is the Jib image of a module that makes one ({@code jib.skip} false in its
 * pom), at the project's version.
 */
class ComposeImagesTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern VERSION = Pattern.compile("<artifactId>vendstream</artifactId>\\s*<version>([^<]+)"
            + "</version>");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() throws IOException {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    /** The modules whose pom turns Jib on: the images the project makes. */
    static Set<String> jibModules() throws IOException {
        Set<String> modules = new TreeSet<>();
        Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            if (Files.readString(ROOT.resolve(m.group(1)).resolve("pom.xml")).contains("<jib.skip>false</jib.skip>")) {
                modules.add(m.group(1));
            }
        }
        return modules;
    }

    static String projectVersion() throws IOException {
        Matcher m = VERSION.matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("the root pom's version").isTrue();
        return m.group(1);
    }

    /** What is wrong with each service's image, by service; empty when all are pinned images we or others make. */
    static Map<String, String> problems(Map<String, Map<String, Object>> services, Set<String> jibModules,
                                        String version) {
        Map<String, String> problems = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            Object image = service.get("image");
            if (service.containsKey("build")) {
                problems.put(name, "builds an image: use the module's Jib image");
            } else if (!(image instanceof String reference) || reference.isBlank()) {
                problems.put(name, "has no image");
            } else {
                String problem = problem(reference, jibModules, version);
                if (problem != null) {
                    problems.put(name, problem);
                }
            }
        });
        return problems;
    }

    static String problem(String reference, Set<String> jibModules, String version) {
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        if (colon <= slash) {
            return reference + " has no tag";
        }
        String repository = reference.substring(0, colon);
        String tag = reference.substring(colon + 1);
        if (tag.equals("latest") || tag.isBlank()) {
            return reference + " is not pinned";
        }
        if (repository.startsWith("vendstream/")) {
            String module = repository.substring("vendstream/".length());
            if (!jibModules.contains(module)) {
                return reference + " is not the Jib image of a module (" + jibModules + ")";
            }
            if (!tag.equals(version)) {
                return reference + " is not at the project's version " + version;
            }
        }
        return null;
    }

    @Test
    void everyImageIsPinnedAndEveryVendstreamImageIsAModulesJibImage() throws IOException {
        Map<String, Map<String, Object>> services = services();
        String version = projectVersion();

        assertThat(problems(services, jibModules(), version)).isEmpty();
        List<String> ours = new ArrayList<>();
        services.values().forEach(s -> {
            if (String.valueOf(s.get("image")).startsWith("vendstream/")) {
                ours.add(String.valueOf(s.get("image")));
            }
        });
        assertThat(ours).hasSize(6).allMatch(i -> i.endsWith(":" + version));
    }

    @Test
    void theServicesThatRunAreTheModulesThatMakeImages() throws IOException {
        assertThat(jibModules()).containsExactlyInAnyOrder("schema-registry", "provider-sandbox", "order-service",
                "vend-service", "status-poller", "reconciliation-service", "ops-service");
    }

    @Test
    void unpinnedOrForeignImagesAreCaught() throws IOException {
        Set<String> modules = jibModules();
        String version = projectVersion();
        Map<String, Map<String, Object>> bad = new LinkedHashMap<>();
        bad.put("ui", Map.of("image", "ghcr.io/kafbat/kafka-ui:latest"));
        bad.put("mongo", Map.of("image", "mongo"));
        bad.put("registry-port", Map.of("image", "localhost:5000/vendstream/order-service"));
        bad.put("unknown", Map.of("image", "vendstream/billing-service:" + version));
        bad.put("old", Map.of("image", "vendstream/order-service:0.0.1"));
        bad.put("built", Map.of("build", Map.of("context", ".")));

        assertThat(problems(bad, modules, version)).containsOnlyKeys(bad.keySet());
        assertThat(problems(Map.of("ok", Map.of("image", "apache/kafka:4.2.1")), modules, version)).isEmpty();
    }
}
