package com.vendstream.recon.access;

import java.util.Set;

/** An authenticated user of the reconciliation API. */
public record FinanceUser(String name, Set<FinanceRole> roles) {

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
