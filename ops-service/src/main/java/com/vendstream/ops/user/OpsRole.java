package com.vendstream.ops.user;

/**
 * What a back-office user may do. Every role may read; READ_ONLY may change nothing. Which changes need
 * OPERATOR and which FINANCE is decided per endpoint (OpsSecurityConfiguration).
 */
public enum OpsRole {
    /** Runs the back office: unlocks users; later settles unresolved vends and re-drives dead letters. */
    OPERATOR,
    /** Finance: later acknowledges and resolves reconciliation discrepancies. */
    FINANCE,
    /** Auditors and support: sees everything, changes nothing. */
    READ_ONLY;

    /** The authority Spring Security checks for this role. */
    public String authority() {
        return "ROLE_" + name();
    }
}
