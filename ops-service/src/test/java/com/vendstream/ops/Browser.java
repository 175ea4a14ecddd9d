package com.vendstream.ops;

import com.jayway.jsonpath.JsonPath;
import com.vendstream.ops.user.OpsUsers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A client that keeps cookies as a browser does (the session), keeps the CSRF token the service answered
 * ({@code GET /ops/v1/session/csrf} and the login) and sends it in the X-XSRF-TOKEN header when asked to, as the
 * console's script will.
 */
final class Browser {

    /** The cookie the service used to hold the token in; now only a client would set it (and it counts for nothing). */
    static final String CSRF_COOKIE = "XSRF-TOKEN";

    record Response(int status, HttpHeaders headers, String body) {
        String json(String path) {
            Object value = JsonPath.read(body, path);
            return value == null ? null : value.toString();
        }
    }

    /** Configures back-office users ({name, role}), all with one password. */
    static void users(DynamicPropertyRegistry props, String password,
                      String[][] users) {
        String hash = OpsUsers.hash(password);
        for (int i = 0; i < users.length; i++) {
            int n = i;
            props.add("vendstream.ops.users[" + n + "].username", () -> users[n][0]);
            props.add("vendstream.ops.users[" + n + "].password-hash", () -> hash);
            props.add("vendstream.ops.users[" + n + "].roles", () -> users[n][1]);
        }
    }

    private final WebTestClient client;
    final Map<String, String> cookies = new LinkedHashMap<>();
    /** The session's CSRF token as the service last answered it. */
    String csrf;

    Browser(int port) {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    /** Takes a cookie over (e.g. a real browser's session, to call the API as that session). */
    Browser cookie(String name, String value) {
        cookies.put(name, value);
        return this;
    }

    Response get(String path) {
        return send(HttpMethod.GET, path, null, null);
    }

    /** A change with the CSRF header, as the console sends it. */
    Response change(HttpMethod method, String path, String json) {
        return send(method, path, json, csrf);
    }

    /** Logs in (a login needs no CSRF token; its answer carries the session's). */
    Response login(String username, String password) {
        return change(HttpMethod.POST, "/ops/v1/session",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    /** @param csrfHeader the X-XSRF-TOKEN header to send, or null for none */
    Response send(HttpMethod method, String path, String json, String csrfHeader) {
        WebTestClient.RequestBodySpec request = client.method(method).uri(path)
                .cookies(c -> cookies.forEach(c::add));
        if (csrfHeader != null) {
            request.header("X-XSRF-TOKEN", csrfHeader);
        }
        WebTestClient.ResponseSpec response = json == null ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
        EntityExchangeResult<byte[]> result = response.expectBody().returnResult();
        result.getResponseCookies().forEach((name, set) -> set.forEach(cookie -> {
            if (cookie.getMaxAge().isZero() || cookie.getValue().isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, cookie.getValue());
            }
        }));
        byte[] body = result.getResponseBody();
        Response answer = new Response(result.getStatus().value(), result.getResponseHeaders(),
                body == null ? "" : new String(body, StandardCharsets.UTF_8));
        if (answer.status() == 200 && path.equals("/ops/v1/session/csrf")) {
            csrf = answer.json("$.token");
        } else if (answer.status() == 200 && path.equals("/ops/v1/session") && method == HttpMethod.POST) {
            csrf = answer.json("$.csrf.token");
        } else if (answer.status() == 204 && path.equals("/ops/v1/session") && method == HttpMethod.DELETE) {
            csrf = null;
        }
        return answer;
    }
}
