package com.vendstream.sandbox.pay4power;

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
 * Bearer tokens of the Pay4Power sandbox. Both documented credential pairs are accepted
 * ({@code client-id}/{@code client-secret} and {@code public-key}/{@code private-key} under
 * {@code vendstream.sandbox.pay4power}); tokens live {@code token-ttl} (1h). Revoking them through
 * {@code POST /sandbox/admin/pay4power/tokens/revoke} exercises a client's refresh on 401.
 */
@RestController
public class Pay4PowerTokens implements Resettable {

    static final String PROVIDER = "pay4power";

    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final SandboxSettings settings;

    public Pay4PowerTokens(SandboxSettings settings) {
        this.settings = settings;
    }

    /** A new token for valid credentials of either kind, or null. */
    String issue(String id, String secret, String pub, String priv) {
        boolean clientPair = settings.string(PROVIDER, "client-id", "p4p-sandbox-client").equals(id)
                && settings.string(PROVIDER, "client-secret", "p4p-sandbox-secret").equals(secret);
        boolean keyPair = settings.string(PROVIDER, "public-key", "PUB_KEY_sandbox").equals(pub)
                && settings.string(PROVIDER, "private-key", "PRIV_KEY_sandbox").equals(priv);
        if (!clientPair && !keyPair) {
            return null;
        }
        String token = "p4p." + UUID.randomUUID().toString().replace("-", "");
        issued.put(token, Instant.now().plus(ttl()));
        return token;
    }

    boolean valid(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        Instant expiry = issued.get(authorization.substring("Bearer ".length()).trim());
        return expiry != null && Instant.now().isBefore(expiry);
    }

    Duration ttl() {
        return settings.duration(PROVIDER, "token-ttl", Duration.ofHours(1));
    }

    @PostMapping("/sandbox/admin/pay4power/tokens/revoke")
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
