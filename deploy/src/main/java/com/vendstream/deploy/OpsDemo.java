package com.vendstream.deploy;

import com.vendstream.ops.user.OpsUsers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The back office's demo users, for the local stack only: ops-service's own configuration has no users, and a
 * deployment configures its own. The passwords are printed when the stack is ready, so they are no secret;
 * only their BCrypt hashes reach the service, as a deployment's would.
 */
final class OpsDemo {

    record DemoUser(String username, String password, String roles) {
    }

    /** Two operators (the later maker-checker decisions need a second one), finance and a read-only user. */
    static final List<DemoUser> USERS = List.of(
            new DemoUser("demo-operator", "demo-operator-pass", "OPERATOR"),
            new DemoUser("demo-checker", "demo-checker-pass", "OPERATOR"),
            new DemoUser("demo-finance", "demo-finance-pass", "FINANCE"),
            new DemoUser("demo-auditor", "demo-auditor-pass", "READ_ONLY"));

    private OpsDemo() {
    }

    /** The settings that configure the demo users (vendstream.ops.users[n].*), hashed now. */
    static Map<String, Object> users() {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 0; i < USERS.size(); i++) {
            DemoUser user = USERS.get(i);
            settings.put("vendstream.ops.users[" + i + "].username", user.username());
            settings.put("vendstream.ops.users[" + i + "].password-hash", OpsUsers.hash(user.password()));
            settings.put("vendstream.ops.users[" + i + "].roles", user.roles());
        }
        return settings;
    }

    /** What the launcher prints when the stack is ready: where the back office is and how to log in. */
    static String banner(String opsUrl) {
        StringBuilder out = new StringBuilder("Back office (ops-service): the console at ").append(opsUrl)
                .append("/ in a browser; the API at ").append(opsUrl)
                .append("/ops/v1 (POST /ops/v1/session with JSON {username, password}; the answer carries the CSRF token)")
                .append("\n  demo logins (local stack only):");
        USERS.forEach(u -> out.append(String.format("%n    %-14s %-20s %s", u.username(), u.password(), u.roles())));
        return out.toString();
    }
}
