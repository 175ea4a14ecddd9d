package com.vendstream.schemas.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Block-style YAML for a Jackson tree. Written here rather than through a YAML library so the schemas jar keeps
 * its few dependencies and the output stays byte-stable for the check that compares it with docs/asyncapi.yaml.
 * Strings are double-quoted with JSON escapes (valid YAML), multi-line ones are literal blocks.
 */
final class Yaml {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_.$/-]*");
    /** Keys a YAML 1.1 reader would take for booleans or null. */
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

    private Yaml() {
    }

    static String write(JsonNode root) {
        StringBuilder out = new StringBuilder();
        mapping(root, 0, out);
        return out.toString();
    }

    private static void mapping(JsonNode node, int indent, StringBuilder out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            out.append(" ".repeat(indent)).append(key(field.getKey())).append(':');
            value(field.getValue(), indent, out);
        }
    }

    /** Writes what follows "key:" or "-": a scalar on the same line, a collection on the lines below. */
    private static void value(JsonNode value, int indent, StringBuilder out) {
        if (value.isObject() && !value.isEmpty()) {
            out.append('\n');
            mapping(value, indent + 2, out);
        } else if (value.isArray() && !value.isEmpty()) {
            out.append('\n');
            for (JsonNode item : value) {
                out.append(" ".repeat(indent + 2)).append('-');
                if (item.isObject() && !item.isEmpty()) {
                    // The item's first key goes on the dash's line, the others below it.
                    StringBuilder nested = new StringBuilder();
                    mapping(item, indent + 4, nested);
                    out.append(' ').append(nested.substring(indent + 4));
                } else {
                    value(item, indent + 2, out);
                }
            }
        } else {
            out.append(' ').append(scalar(value, indent)).append('\n');
        }
    }

    private static String scalar(JsonNode value, int indent) {
        if (value.isObject()) {
            return "{}";
        }
        if (value.isArray()) {
            return "[]";
        }
        if (!value.isTextual()) {
            return value.toString();
        }
        String text = value.textValue();
        if (text.contains("\n") && !text.startsWith(" ") && !text.endsWith("\n") && !text.contains("\t")
                && text.lines().noneMatch(line -> line.endsWith(" "))) {
            String pad = " ".repeat(indent + 2);
            StringBuilder block = new StringBuilder("|-");
            text.lines().forEach(line -> block.append('\n').append(line.isEmpty() ? "" : pad + line));
            return block.toString();
        }
        return new TextNode(text).toString();
    }

    private static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() && !RESERVED.contains(key.toLowerCase())
                ? key : new TextNode(key).toString();
    }
}
