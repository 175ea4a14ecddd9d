package com.vendstream.sandbox.dollr;

import com.vendstream.sandbox.core.Resettable;
import com.vendstream.sandbox.core.SandboxSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dollr sandbox JWTs: {@code expires_in} in MINUTES, as Dollr documents, from
 * {@code vendstream.sandbox.dollr.token-minutes} (60). {@code POST /sandbox/admin/dollr/tokens/revoke}
 * invalidates every token, to exercise a client's renewal on 401.
 */
@RestController
public class DollrTokens implements Resettable {

    static final String PROVIDER = "dollr";

    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final SandboxSettings settings;

    public DollrTokens(SandboxSettings settings) {
        this.settings = settings;
    }

    String issue(String clientId, String clientSecret) {
        if (!settings.string(PROVIDER, "client-id", "dollr-sandbox-client").equals(clientId)
                || !settings.string(PROVIDER, "client-secret", "dollr-sandbox-secret").equals(clientSecret)) {
            return null;
        }
        String token = "eyJhbGciOiJIUzI1NiJ9." + UUID.randomUUID().toString().replace("-", "") + ".sandbox";
        issued.put(token, Instant.now().plus(Duration.ofMinutes(minutes())));
        return token;
    }

    int minutes() {
        return settings.integer(PROVIDER, "token-minutes", 60);
    }

    /** null when valid, else Dollr's 401 detail. */
    String problem(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return "Not authenticated";
        }
        Instant expiry = issued.get(authorization.substring("Bearer ".length()).trim());
        return expiry != null && Instant.now().isBefore(expiry) ? null : "Could not validate credentials";
    }

    @PostMapping("/sandbox/admin/dollr/tokens/revoke")
    public Map<String, Object> revokeAll() {
        int n = issued.size();
        issued.clear();
        return Map.of("revoked", n);
    }

    @Override
    public void reset() {
        issued.clear();
    }
}
