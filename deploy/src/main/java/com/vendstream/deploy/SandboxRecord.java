package com.vendstream.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads the provider sandbox's call record: the witness for "at most one vend per order". */
final class SandboxRecord {

    private SandboxRecord() {
    }

    static String maxVendsPerReference(String sandboxUrl) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sandboxUrl + "/sandbox/admin/vends")).GET().build(), HttpResponse.BodyHandlers.ofString());
        return "sandbox call record: " + r.body();
    }
}
