package com.vendstream.ops.user;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The configured back-office users and their BCrypt password hashes. Separate from merchant API keys by design:
 * a merchant key is never a credential here, and a back-office user is never a merchant.
 *
 * <p>Passwords are only ever compared against slow hashes. A login naming no user is compared against a dummy
 * hash of the same cost, so the answer takes as long as for a real user and the timing does not tell which
 * names exist.
 */
public final class OpsUsers {

    /** Names are plain (they appear in audit events, JSON and logs as they stand). */
    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    /** Below this cost a hash is too fast to slow down a guesser who has the configuration. */
    public static final int MIN_COST = 10;

    private record Known(OpsUser user, String hash) {
    }

    private final Map<String, Known> users = new LinkedHashMap<>();
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
    private final String dummyHash;

    /** @throws IllegalArgumentException for a malformed or repeated name, a weak or malformed hash, or no role */
    public OpsUsers(List<OpsUsersProperties.User> configured) {
        int cost = MIN_COST;
        for (OpsUsersProperties.User u : configured) {
            if (u.username() == null || !USERNAME.matcher(u.username()).matches()) {
                throw new IllegalArgumentException("Every back-office user needs a name of 1 to 64 letters, digits or ._@-");
            }
            // Names differing only in case are one person to status-poller's self-approval check (and to people
            // reading the audit trail): two such users could approve each other's proposals.
            if (users.keySet().stream().anyMatch(known -> known.equalsIgnoreCase(u.username()))) {
                throw new IllegalArgumentException("Back-office user " + u.username()
                        + " is configured twice (names are compared ignoring case)");
            }
            Matcher hash = BCRYPT.matcher(u.passwordHash() == null ? "" : u.passwordHash().trim());
            if (!hash.matches()) {
                throw new IllegalArgumentException("User " + u.username()
                        + ": password-hash must be a BCrypt hash ($2a$/$2b$/$2y$), never a password");
            }
            int userCost = Integer.parseInt(hash.group(1));
            if (userCost < MIN_COST) {
                throw new IllegalArgumentException("User " + u.username() + ": BCrypt cost " + userCost
                        + " is below " + MIN_COST);
            }
            if (u.roles() == null || u.roles().isEmpty()) {
                throw new IllegalArgumentException("User " + u.username() + " has no role (OPERATOR, FINANCE or READ_ONLY)");
            }
            cost = Math.max(cost, userCost);
            users.put(u.username(), new Known(new OpsUser(u.username(), u.roles()), u.passwordHash().trim()));
        }
        dummyHash = new BCryptPasswordEncoder(cost).encode("no user has this password");
    }

    public Optional<OpsUser> find(String username) {
        return Optional.ofNullable(users.get(username)).map(Known::user);
    }

    public List<OpsUser> all() {
        return users.values().stream().map(Known::user).toList();
    }

    /**
     * The user whose name and password these are. Slow on purpose (one BCrypt comparison, whether or not the
     * user exists): call it off the event loop.
     */
    public Optional<OpsUser> verify(String username, CharSequence password) {
        Known known = username == null ? null : users.get(username);
        boolean matches = bcrypt.matches(password == null ? "" : password, known == null ? dummyHash : known.hash());
        return known != null && matches ? Optional.of(known.user()) : Optional.empty();
    }

    /** The hash to configure for a password (the README's recipe). */
    public static String hash(CharSequence password) {
        return new BCryptPasswordEncoder(12).encode(password);
    }

    /**
     * Prints the BCrypt hash of each line read from standard input (so the password stays out of the shell's
     * history and the process list): {@code java -cp ... com.vendstream.ops.user.OpsUsers}.
     */
    public static void main(String[] args) throws java.io.IOException {
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isEmpty()) {
                System.out.println(hash(line));
            }
        }
    }
}
