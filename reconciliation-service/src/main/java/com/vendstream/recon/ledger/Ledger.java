package com.vendstream.recon.ledger;

import java.time.Instant;

/** A published ledger: its scope, its latest version and figures, and when that version was produced. */
public record Ledger(LedgerKey key, int version, LedgerFigures figures, Instant closedAt) {
}
