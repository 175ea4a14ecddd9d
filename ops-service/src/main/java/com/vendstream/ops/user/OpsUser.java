package com.vendstream.ops.user;

import java.util.List;
import java.util.Set;

/** A back-office user as the rest of the service sees it: a name and roles, never the password hash. */
public record OpsUser(String username, Set<OpsRole> roles) {

    public OpsUser {
        roles = Set.copyOf(roles);
    }

    /** The roles by name, in declaration order (stable in JSON and audit events). */
    public List<String> roleNames() {
        return java.util.Arrays.stream(OpsRole.values()).filter(roles::contains).map(OpsRole::name).toList();
    }
}
