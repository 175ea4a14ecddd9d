package com.vendstream.recon.discrepancy;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyStatus;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A difference between our events, the provider's records and the wallet postings.
 *
 * @param source   what found it and therefore what may resolve it: {@code provider:<id>}, {@code events:<merchant>}
 *                 (our own events disagree) or {@code ledger:<merchant>} (an unbalanced ledger)
 * @param evidence what each side said; never account numbers, tokens or PINs
 */
public record Discrepancy(String discrepancyId, LocalDate businessDay, DiscrepancyKind kind, String provider,
                          String providerReference, String orderId, String merchantId, Long ourAmountMinor,
                          Long providerAmountMinor, String currency, Map<String, String> evidence,
                          String suggestedAction, String source, DiscrepancyStatus status) {

    public Discrepancy {
        evidence = evidence == null ? Map.of() : Map.copyOf(new TreeMap<>(evidence));
    }

    /** Stable: the same kind of difference about the same subject on the same day keeps its id. */
    public static String idOf(DiscrepancyKind kind, LocalDate day, String provider, String subject) {
        String name = "recon|" + kind + "|" + day + "|" + provider + "|" + subject;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public Discrepancy withStatus(DiscrepancyStatus newStatus) {
        return new Discrepancy(discrepancyId, businessDay, kind, provider, providerReference, orderId, merchantId,
                ourAmountMinor, providerAmountMinor, currency, evidence, suggestedAction, source, newStatus);
    }
}
