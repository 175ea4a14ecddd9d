package com.vendstream.order.api;

import java.util.List;
import java.util.Map;

/**
 * {@code docs/api.md}: the OpenAPI document as a page a person reads: authentication, the problem shape, then
 * every operation with its parameters, an example body and each answer with its reason codes. Rendered from
 * the checked-in document only, so the page cannot say anything the document does not.
 */
final class ApiPage {

    private ApiPage() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> doc, String regenerate) {
        StringBuilder md = new StringBuilder();
        Map<String, Object> info = (Map<String, Object>) doc.get("info");
        md.append("# ").append(info.get("title")).append(" (").append(info.get("version")).append(")\n\n");
        md.append("<!-- Generated from docs/openapi/order-service.json; do not edit. Regenerate: ").append(regenerate)
                .append(" -->\n\n");
        md.append(info.get("description")).append("\n\n");
        md.append("The machine-readable document: [openapi/order-service.json](openapi/order-service.json) "
                + "(served at run time at `/v3/api-docs`).\n\n");

        Map<String, Object> components = (Map<String, Object>) doc.get("components");
        md.append("## Authentication\n\n");
        ((Map<String, Map<String, Object>>) components.get("securitySchemes")).forEach((name, scheme) ->
                md.append("`").append(name).append("`: HTTP `").append(scheme.get("scheme")).append("`. ")
                        .append(scheme.get("description")).append("\n\n"));

        md.append("## Problem details\n\nEvery error is `application/problem+json`:\n\n| member | type | meaning |\n"
                + "|---|---|---|\n");
        Map<String, Object> problem = ((Map<String, Map<String, Object>>) components.get("schemas")).get("Problem");
        ((Map<String, Map<String, Object>>) problem.get("properties")).forEach((name, member) ->
                md.append("| `").append(name).append("` | ").append(member.get("type")).append(" | ")
                        .append(member.get("description")).append(" |\n"));
        md.append('\n');

        Map<String, Map<String, Map<String, Object>>> paths = (Map<String, Map<String, Map<String, Object>>>) doc.get("paths");
        for (Map<String, Object> tag : (List<Map<String, Object>>) doc.get("tags")) {
            md.append("## ").append(tag.get("name")).append("\n\n").append(tag.get("description")).append("\n\n");
            paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
                if (((List<String>) operation.get("tags")).contains(tag.get("name"))) {
                    operation(md, method.toUpperCase(), path, operation);
                }
            }));
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void operation(StringBuilder md, String method, String path, Map<String, Object> operation) {
        md.append("### `").append(method).append(' ').append(path).append("`\n\n")
                .append(operation.get("summary")).append(" (`").append(operation.get("operationId")).append("`).\n\n");
        List<Map<String, Object>> parameters = (List<Map<String, Object>>) operation.get("parameters");
        if (parameters != null && !parameters.isEmpty()) {
            md.append("| parameter | in | required | type |\n|---|---|---|---|\n");
            for (Map<String, Object> p : parameters) {
                Map<String, Object> schema = (Map<String, Object>) p.getOrDefault("schema", Map.of());
                md.append("| `").append(p.get("name")).append("` | ").append(p.get("in")).append(" | ")
                        .append(Boolean.TRUE.equals(p.get("required")) ? "yes" : "no").append(" | ")
                        .append(schema.getOrDefault("type", "")).append(schema.containsKey("format")
                                ? " (" + schema.get("format") + ")" : "").append(" |\n");
            }
            md.append('\n');
        }
        Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
        if (body != null) {
            ((Map<String, Map<String, Object>>) body.get("content")).forEach((type, media) -> {
                if (media.containsKey("example")) {
                    md.append("Request body (`").append(type).append("`), for example:\n\n```json\n")
                            .append(OpenApiDocumentTest.pretty(media.get("example"))).append("\n```\n\n");
                }
            });
        }
        md.append("| status | meaning | reason codes |\n|---|---|---|\n");
        ((Map<String, Map<String, Object>>) operation.get("responses")).forEach((status, response) -> {
            List<String> codes = (List<String>) response.getOrDefault("x-reason-codes", List.of());
            md.append("| ").append(status).append(" | ").append(response.get("description"))
                    .append(response.containsKey("headers") ? " (headers: " + String.join(", ",
                            ((Map<String, Object>) response.get("headers")).keySet()) + ")" : "")
                    .append(" | ").append(String.join(", ", codes.stream().map(c -> "`" + c + "`").toList()))
                    .append(" |\n");
        });
        md.append('\n');
    }
}
