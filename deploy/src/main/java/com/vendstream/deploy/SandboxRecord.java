package com.vendstream.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the provider sandbox's call record: the witness for "at most one vend per order". */
public final class SandboxRecord {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SandboxRecord() {
    }

    static String maxVendsPerReference(String sandboxUrl) throws Exception {
        return "sandbox call record: " + get(sandboxUrl, "/vends").toString();
    }

    /** The largest number of vends the sandbox performed for one of our references (at most 1 is right). */
    public static long maxVends(String sandboxUrl) throws IOException, InterruptedException {
        return get(sandboxUrl, "/vends").path("maxVendsPerReference").asLong();
    }

    /** The vends the sandbox performed for one reference at one provider. */
    public static long vends(String sandboxUrl, String provider, String reference)
            throws IOException, InterruptedException {
        return get(sandboxUrl, "/vends?provider=" + encode(provider) + "&reference=" + encode(reference))
                .path("vends").asLong();
    }

    /**
     * Every call the sandbox recorded for one operation ({@code vend}, {@code requery}, ...): provider,
     * reference, account, answer and the time {@code at}. Holds customers' accounts: never print it.
     */
    public static JsonNode calls(String sandboxUrl, String operation) throws IOException, InterruptedException {
        return get(sandboxUrl, "/calls?operation=" + encode(operation));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode get(String sandboxUrl, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sandboxUrl + "/sandbox/admin" + path))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the sandbox's admin API answered " + r.statusCode() + " to " + path);
        }
        return JSON.readTree(r.body());
    }
}
