package com.vendstream.ops.api;

import java.net.InetSocketAddress;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a login, {@code {"username": ..., "password": ...}} as JSON, into an unauthenticated token whose details
 * are the client's address (for the audit trail). The body is bounded; anything else is a malformed login (400).
 */
final class LoginRequestConverter implements ServerAuthenticationConverter {

    private static final int MAX_BODY = 4096;

    /** What the client sent; the password is only ever handed to the BCrypt comparison. */
    record LoginRequest(String username, String password) {
        @Override
        public String toString() {
            return "LoginRequest[username=" + username + "]";
        }
    }

    /** A login that is not one: not JSON, too large, or without a name or password. */
    static final class MalformedLogin extends AuthenticationException {
        MalformedLogin(String detail) {
            super(detail);
        }
    }

    private final JsonMapper json;

    LoginRequestConverter(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return Mono.error(new MalformedLogin("A login is a JSON object with username and password"));
        }
        // A login needs no CSRF token (an anonymous caller has no session to keep one in); what stands in for it:
        // JSON only, and never from a page of another site as the browser reports it.
        String site = exchange.getRequest().getHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Mono.error(new MalformedLogin("A login is accepted only from this service's own pages"));
        }
        return DataBufferUtils.join(exchange.getRequest().getBody(), MAX_BODY)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> new MalformedLogin("A login is at most "
                        + MAX_BODY + " bytes"))
                .map(bytes -> token(bytes, clientAddress(exchange)));
    }

    private Authentication token(byte[] body, String clientAddress) {
        LoginRequest login;
        try {
            login = json.readValue(body, LoginRequest.class);
        } catch (JacksonException e) {
            // The parser's message may quote the body (the password): it is not passed on.
            throw new MalformedLogin("A login is a JSON object with username and password");
        }
        if (login == null || login.username() == null || login.username().isBlank() || login.password() == null
                || login.password().isEmpty()) {
            throw new MalformedLogin("A login needs a username and a password");
        }
        UsernamePasswordAuthenticationToken token =
                UsernamePasswordAuthenticationToken.unauthenticated(login.username(), login.password());
        token.setDetails(clientAddress);
        return token;
    }

    /** The peer's address as the service sees it; forwarding headers are not trusted here. */
    static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
