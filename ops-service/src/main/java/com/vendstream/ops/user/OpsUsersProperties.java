package com.vendstream.ops.user;

import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vendstream.ops.users[n].username / password-hash / roles}. There are no default users: a deployment
 * configures its own, and the local stack adds demo users of its own.
 */
@ConfigurationProperties("vendstream.ops")
public record OpsUsersProperties(List<User> users) {

    public OpsUsersProperties {
        users = users == null ? List.of() : List.copyOf(users);
    }

    /** One configured user; {@code passwordHash} is a BCrypt hash, never a password. */
    public record User(String username, String passwordHash, Set<OpsRole> roles) {
    }
}
