package com.vendstream.recon.access;

/** What a user of the reconciliation API may do. Merchants have no role here at all. */
public enum FinanceRole {
    /** Reads ledgers, discrepancies and CSVs, closes and rematches days. */
    FINANCE,
    /** Reads ledgers, discrepancies and CSVs only (auditors, support). */
    READ_ONLY
}
