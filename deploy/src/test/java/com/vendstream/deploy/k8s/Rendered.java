package com.vendstream.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One overlay rendered by {@code kubectl kustomize} (no cluster needed): its text and its documents. kubectl is
 * {@code VENDSTREAM_KUBECTL}, else {@code kubectl} on the PATH; test.sh installs Debian's kubernetes-client when
 * there is none (its kustomize v2.0.3 renders these kustomizations as v5 does).
 */
record Rendered(String overlay, String text, List<JsonNode> documents) {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    static Rendered overlay(String overlay) {
        Path dir = REPOSITORY.resolve("deploy/k8s/overlays").resolve(overlay);
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(kubectl(), "kustomize", dir.toString())
                    .redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed: " + Files.readString(err));
            }
            Files.deleteIfExists(err);
            return new Rendered(overlay, out, StrictManifests.documents(out));
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl (" + kubectl() + "): install kubectl (test.sh installs "
                    + "Debian's kubernetes-client) or set VENDSTREAM_KUBECTL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String kubectl() {
        return Optional.ofNullable(System.getenv("VENDSTREAM_KUBECTL")).filter(s -> !s.isBlank()).orElse("kubectl");
    }

    Stream<JsonNode> kind(String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind));
    }

    Optional<JsonNode> find(String kind, String name) {
        return kind(kind).filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + " has no " + kind + " " + name));
    }

    /** Deployments and StatefulSets. */
    List<JsonNode> workloads() {
        List<JsonNode> workloads = new ArrayList<>();
        kind("Deployment").forEach(workloads::add);
        kind("StatefulSet").forEach(workloads::add);
        return workloads;
    }

    /** Deployments, StatefulSets and Jobs: everything that runs pods. */
    List<JsonNode> podOwners() {
        List<JsonNode> owners = workloads();
        kind("Job").forEach(owners::add);
        return owners;
    }

    static String name(JsonNode document) {
        return document.path("metadata").path("name").asText();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static JsonNode podLabels(JsonNode workload) {
        return workload.path("spec").path("template").path("metadata").path("labels");
    }

    /** Whether a label selector (matchLabels and In expressions) selects the labels given. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        for (Map.Entry<String, JsonNode> wanted : selector.path("matchLabels").properties()) {
            if (!labels.path(wanted.getKey()).asText("\u0000").equals(wanted.getValue().asText())) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String value = labels.path(expression.path("key").asText()).asText(null);
            boolean in = false;
            for (JsonNode v : expression.path("values")) {
                in |= v.asText().equals(value);
            }
            if (!expression.path("operator").asText().equals("In") || !in) {
                return false;
            }
        }
        return true;
    }
}
