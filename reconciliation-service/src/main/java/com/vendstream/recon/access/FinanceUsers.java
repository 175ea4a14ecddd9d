package com.vendstream.recon.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The users of the reconciliation API and their bearer tokens. Only a SHA-256 of each token is
 * configured: tokens are long random strings (not passwords), so a fast hash is enough and the
 * configuration leaks nothing usable. Separate from order-service's merchant API keys by design: a
 * merchant key is never a credential here.
 */
public final class FinanceUsers {

    /**
     * One configured user: a name for the audit trail, the token's SHA-256 in hex, roles, and whether it may act
     * for others (name the user on whose behalf it calls; only a FINANCE user may).
     */
    public record Entry(String name, String tokenSha256, Set<FinanceRole> roles, boolean actsForOthers) {

        /** A user who acts only as itself. */
        public Entry(String name, String tokenSha256, Set<FinanceRole> roles) {
            this(name, tokenSha256, roles, false);
        }
    }

    private record Known(FinanceUser user, byte[] tokenHash) {
    }

    private final List<Known> users = new ArrayList<>();

    /**
     * @throws IllegalArgumentException for a user without a name or roles, with a malformed or shared hash, or
     *                                  allowed to act for others without the FINANCE role
     */
    public FinanceUsers(List<Entry> entries) {
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (Entry e : entries) {
            if (e.name() == null || e.name().isBlank() || !names.add(e.name())) {
                throw new IllegalArgumentException("Every reconciliation user needs a unique name");
            }
            String hash = e.tokenSha256() == null ? "" : e.tokenSha256().trim().toLowerCase(Locale.ROOT);
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("User " + e.name() + ": token-sha256 must be 64 hex digits");
            }
            if (!hashes.add(hash)) {
                throw new IllegalArgumentException("User " + e.name() + " shares its token with another user");
            }
            if (e.roles() == null || e.roles().isEmpty()) {
                throw new IllegalArgumentException("User " + e.name() + " has no role (FINANCE or READ_ONLY)");
            }
            if (e.actsForOthers() && !e.roles().contains(FinanceRole.FINANCE)) {
                throw new IllegalArgumentException("User " + e.name()
                        + " may act for others only with the FINANCE role");
            }
            users.add(new Known(new FinanceUser(e.name(), e.roles(), e.actsForOthers()),
                    HexFormat.of().parseHex(hash)));
        }
    }

    public boolean isEmpty() {
        return users.isEmpty();
    }

    /** The user whose token this is; every configured hash is compared in constant time. */
    public Optional<FinanceUser> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        byte[] presented = digest(token);
        FinanceUser found = null;
        for (Known k : users) {
            if (MessageDigest.isEqual(presented, k.tokenHash())) {
                found = k.user();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The hex SHA-256 to configure for a token. */
    public static String sha256(String token) {
        return HexFormat.of().formatHex(digest(token));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
