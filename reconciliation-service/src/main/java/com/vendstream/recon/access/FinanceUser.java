package com.vendstream.recon.access;

import java.util.Set;

/**
 * An authenticated user of the reconciliation API.
 *
 * @param actsForOthers whether this credential may name another user as the one who acted (the back office's:
 *                      ops-service names its logged-in user); any other credential acts only as itself
 */
public record FinanceUser(String name, Set<FinanceRole> roles, boolean actsForOthers) {

    public FinanceUser {
        roles = Set.copyOf(roles);
    }

    public boolean mayRead() {
        return roles.contains(FinanceRole.FINANCE) || roles.contains(FinanceRole.READ_ONLY);
    }

    /** Closing and rematching days change what finance and the topics see. */
    public boolean mayAct() {
        return roles.contains(FinanceRole.FINANCE);
    }
}
