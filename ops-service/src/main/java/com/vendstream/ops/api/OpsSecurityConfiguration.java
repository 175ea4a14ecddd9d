package com.vendstream.ops.api;

import com.vendstream.kit.web.Problems;
import com.vendstream.ops.login.Logins;
import com.vendstream.ops.user.OpsRole;
import com.vendstream.ops.user.OpsUser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.ServerLogoutSuccessHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.csrf.CsrfServerLogoutHandler;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.csrf.WebSessionServerCsrfTokenRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. A session login ({@code POST /ops/v1/session}, JSON) keeps the user in the web session
 * (cookie {@code SESSION}); every change after it, the logout included, needs the session's CSRF token in the
 * header {@code X-XSRF-TOKEN} (the login's answer carries it, {@code GET /ops/v1/session/csrf} gives it again to a
 * logged-in session; another site can read neither). The login itself needs no token: it is JSON only (a page of
 * another site cannot send that without a CORS preflight, which is not allowed) and refused when the browser
 * says it comes from another site ({@code Sec-Fetch-Site}); so an anonymous caller never gets a session, and
 * cannot fill the session store. Every role reads; changes name their roles; the web console's files are the one
 * thing served without a login (the console itself logs in through the API); everything else is refused (fail
 * closed). Every answer carries the security headers (a Content-Security-Policy without inline script, no framing,
 * no sniffing, no referrer). Refusals are problem details: 401 without a login, 403 without the role or the CSRF
 * token, 423 for a locked user, 503 when too many logins are being checked.
 */
@Configuration
@EnableWebFluxSecurity
public class OpsSecurityConfiguration {

    static final String SESSION = "/ops/v1/session";
    static final String CSRF_HEADER = "X-XSRF-TOKEN";
    /** The web console's files (src/main/resources/ops-console): the only thing anyone may fetch without a login. */
    static final String[] CONSOLE = {"/", "/index.html", "/console/**"};
    /**
     * Scripts, styles, images and calls from this service only, no inline script or style element, no plugin, no
     * framing: data a page shows (event payloads, notes) cannot run even if it ever reached the page as markup.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    @Bean
    SecurityWebFilterChain opsSecurity(ServerHttpSecurity http, Logins logins, ObjectProvider<JsonMapper> json,
                                       Clock clock) {
        // The token lives in the session (not in a cookie a client may set itself): a request passes only with
        // the token this session was given (in the login's answer, and again by GET /ops/v1/session/csrf).
        WebSessionServerCsrfTokenRepository csrfTokens = new WebSessionServerCsrfTokenRepository();
        csrfTokens.setHeaderName(CSRF_HEADER);
        SessionRotatingContextRepository contexts = new SessionRotatingContextRepository();
        AuthenticationWebFilter login = new AuthenticationWebFilter(new LoginAuthenticationManager(logins));
        login.setRequiresAuthenticationMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, SESSION));
        login.setServerAuthenticationConverter(new LoginRequestConverter(
                json.getIfAvailable(() -> JsonMapper.builder().build())));
        login.setSecurityContextRepository(contexts);
        login.setAuthenticationSuccessHandler((exchange, user) -> loggedIn(exchange, user, csrfTokens));
        login.setAuthenticationFailureHandler((exchange, failure) -> loginFailed(exchange, failure, clock));
        String[] everyRole = Arrays.stream(OpsRole.values()).map(OpsRole::name).toArray(String[]::new);
        return http
                .securityContextRepository(contexts)
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens)
                        .requireCsrfProtectionMatcher(new AndServerWebExchangeMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER,
                                new NegatedServerWebExchangeMatcher(
                                        ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, SESSION))))
                        // The token as it was issued: the console's script copies it into the header.
                        .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                        .accessDeniedHandler((exchange, denied) -> Problems.write(exchange.getResponse(),
                                HttpStatus.FORBIDDEN, "csrf-token-missing", "Forbidden",
                                "A change needs this session's CSRF token in the X-XSRF-TOKEN header"
                                        + " (the login answers it; GET /ops/v1/session/csrf gives it again)")))
                // No saved requests: an API answers 401 instead of redirecting, so an anonymous call needs no session.
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint((exchange, e) -> Problems.write(exchange.getResponse(),
                                HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthorized",
                                "Log in first (POST /ops/v1/session); merchant API keys are not accepted here"))
                        .accessDeniedHandler((exchange, denied) -> Problems.write(exchange.getResponse(),
                                HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                                "Your role may not do this; READ_ONLY users may only read")))
                // The logout needs the CSRF token too (the default matcher covers DELETE): that check is also what
                // keeps an anonymous DELETE from reaching the logout handlers, which would store an empty session.
                .logout(logout -> logout
                        .requiresLogout(ServerWebExchangeMatchers.pathMatchers(HttpMethod.DELETE, SESSION))
                        .logoutHandler(new DelegatingServerLogoutHandler(new SecurityContextServerLogoutHandler(),
                                new CsrfServerLogoutHandler(csrfTokens), new WebSessionServerLogoutHandler()))
                        .logoutSuccessHandler(loggedOut(logins)))
                .addFilterAt(login, SecurityWebFiltersOrder.AUTHENTICATION)
                // On every answer (Spring's defaults add nosniff, no-store caching and X-Frame-Options already).
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frames -> frames.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY))
                        .referrerPolicy(referrer -> referrer.policy(
                                ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER)))
                .authorizeExchange(rules -> rules
                        .pathMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/*", "/actuator/info",
                                "/actuator/prometheus").permitAll()
                        .pathMatchers(HttpMethod.POST, SESSION).permitAll()
                        .pathMatchers(HttpMethod.GET, CONSOLE).permitAll()
                        .pathMatchers(HttpMethod.POST, "/ops/v1/users/*/unlock").hasRole(OpsRole.OPERATOR.name())
                        .pathMatchers(HttpMethod.POST, "/ops/v1/recon/discrepancies/*/acknowledge",
                                "/ops/v1/recon/discrepancies/*/resolve").hasRole(OpsRole.FINANCE.name())
                        .pathMatchers(HttpMethod.POST, "/ops/v1/unresolved-vends/*/proposal",
                                "/ops/v1/unresolved-vends/*/proposal/approve",
                                "/ops/v1/unresolved-vends/*/proposal/reject").hasRole(OpsRole.OPERATOR.name())
                        .pathMatchers(HttpMethod.POST, "/ops/v1/dead-letters/*/*/*/redrive",
                                "/ops/v1/dead-letters/*/*/*/discard").hasRole(OpsRole.OPERATOR.name())
                        .pathMatchers(HttpMethod.GET, "/ops/v1/**").hasAnyRole(everyRole)
                        .anyExchange().denyAll())
                .build();
    }

    /**
     * 200 with the user, its roles and the session's new CSRF token (names, role names and tokens are plain: no
     * escaping needed): a token known before the login is worth nothing after it, like the session id.
     */
    private static Mono<Void> loggedIn(WebFilterExchange exchange, Authentication authentication,
                                       ServerCsrfTokenRepository csrfTokens) {
        OpsUser user = (OpsUser) authentication.getPrincipal();
        return csrfTokens.generateToken(exchange.getExchange())
                .flatMap(token -> csrfTokens.saveToken(exchange.getExchange(), token).thenReturn(token))
                .flatMap(token -> json(exchange.getExchange().getResponse(), HttpStatus.OK, "{\"username\":\""
                        + user.username() + "\",\"roles\":[" + user.roleNames().stream().map(r -> "\"" + r + "\"")
                        .collect(Collectors.joining(",")) + "],\"csrf\":{\"headerName\":\"" + token.getHeaderName()
                        + "\",\"token\":\"" + token.getToken() + "\"}}"));
    }

    private static Mono<Void> loginFailed(WebFilterExchange exchange, AuthenticationException failure, Clock clock) {
        ServerHttpResponse response = exchange.getExchange().getResponse();
        if (failure instanceof LoginRequestConverter.MalformedLogin malformed) {
            return Problems.write(response, HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    malformed.getMessage());
        }
        if (failure instanceof LoginAuthenticationManager.UserLocked locked) {
            response.getHeaders().set("Retry-After", String.valueOf(Math.max(1,
                    Duration.between(clock.instant(), locked.until).toSeconds())));
            return Problems.write(response, HttpStatus.LOCKED, "user-locked", "Locked",
                    "Too many failed logins: this user is locked until " + locked.until
                            + " or until an operator unlocks it");
        }
        if (failure instanceof LoginAuthenticationManager.LoginsBusy) {
            response.getHeaders().set("Retry-After", "1");
            return Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, "logins-busy", "Service Unavailable",
                    "Too many logins are being checked right now; nothing was checked or counted, try again shortly");
        }
        return Problems.write(response, HttpStatus.UNAUTHORIZED, "bad-credentials", "Unauthorized",
                "Wrong username or password");
    }

    private static ServerLogoutSuccessHandler loggedOut(Logins logins) {
        return (exchange, authentication) -> {
            ServerHttpResponse response = exchange.getExchange().getResponse();
            response.setStatusCode(HttpStatus.NO_CONTENT);
            if (authentication != null && authentication.getPrincipal() instanceof OpsUser user) {
                return logins.loggedOut(user, LoginRequestConverter.clientAddress(exchange.getExchange()))
                        .then(response.setComplete());
            }
            return response.setComplete();
        };
    }

    private static Mono<Void> json(ServerHttpResponse response, HttpStatus status, String body) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))));
    }
}
