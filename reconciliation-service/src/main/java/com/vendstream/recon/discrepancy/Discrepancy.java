package com.vendstream.recon.discrepancy;

import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.events.DiscrepancyStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A difference between our events, the provider's records and the wallet postings.
 *
 * @param source   what found it and therefore what may resolve it: {@code provider:<id>}, {@code events:<merchant>}
 *                 (our own events disagree) or {@code ledger:<merchant>} (an unbalanced ledger)
 * @param evidence what each side said; never account numbers, tokens or PINs
 * @param handling what finance did about it by hand ({@link Handling#NONE} when nothing)
 */
public record Discrepancy(String discrepancyId, LocalDate businessDay, DiscrepancyKind kind, String provider,
                          String providerReference, String orderId, String merchantId, Long ourAmountMinor,
                          Long providerAmountMinor, String currency, Map<String, String> evidence,
                          String suggestedAction, String source, DiscrepancyStatus status, Handling handling) {

    public Discrepancy {
        evidence = evidence == null ? Map.of() : Map.copyOf(new TreeMap<>(evidence));
        handling = handling == null ? Handling.NONE : handling;
    }

    /** As a matcher finds it: nobody has handled it yet. */
    public Discrepancy(String discrepancyId, LocalDate businessDay, DiscrepancyKind kind, String provider,
                       String providerReference, String orderId, String merchantId, Long ourAmountMinor,
                       Long providerAmountMinor, String currency, Map<String, String> evidence,
                       String suggestedAction, String source, DiscrepancyStatus status) {
        this(discrepancyId, businessDay, kind, provider, providerReference, orderId, merchantId, ourAmountMinor,
                providerAmountMinor, currency, evidence, suggestedAction, source, status, Handling.NONE);
    }

    /**
     * Finance's acknowledgement and resolution, with who (the back-office user) and when. Times are kept to the
     * millisecond, as the store and the event keep them, so a stored discrepancy equals the one that was saved.
     */
    public record Handling(String acknowledgedBy, Instant acknowledgedAt, String acknowledgeNote,
                           DiscrepancyResolution resolution, String resolvedBy, Instant resolvedAt,
                           String resolutionNote) {

        public static final Handling NONE = new Handling(null, null, null, null, null, null, null);

        public boolean acknowledged() {
            return acknowledgedBy != null;
        }

        public boolean resolvedByHand() {
            return resolution != null;
        }
    }

    /** Refused because of the discrepancy's state (answered 409). */
    public static final class StateConflict extends RuntimeException {
        public StateConflict(String message) {
            super(message);
        }
    }

    /**
     * Acknowledged by {@code by}: OPEN becomes ACKNOWLEDGED; acknowledging again is the first acknowledgement
     * (the same discrepancy, nothing new stored). A resolved one cannot be acknowledged.
     */
    public Discrepancy acknowledgedBy(String by, String note, Instant at) {
        if (status == DiscrepancyStatus.ACKNOWLEDGED) {
            return this;
        }
        if (status != DiscrepancyStatus.OPEN) {
            throw new StateConflict("Discrepancy " + discrepancyId + " is " + status + "; only an open one can be"
                    + " acknowledged");
        }
        return with(DiscrepancyStatus.ACKNOWLEDGED, new Handling(by, at, note, null, null, null, null));
    }

    /**
     * Resolved by hand: OPEN or ACKNOWLEDGED becomes RESOLVED with the resolution; resolving again with the same
     * resolution is the first resolution. Another resolution, or one its source already resolved, is refused.
     */
    public Discrepancy resolvedBy(String by, DiscrepancyResolution how, String note, Instant at) {
        if (status == DiscrepancyStatus.RESOLVED) {
            if (how == handling.resolution()) {
                return this;
            }
            throw new StateConflict(handling.resolvedByHand()
                    ? "Discrepancy " + discrepancyId + " is already resolved as " + handling.resolution()
                    + " by " + handling.resolvedBy()
                    : "Discrepancy " + discrepancyId + " was resolved by the matching (its source no longer finds it)");
        }
        return with(DiscrepancyStatus.RESOLVED, new Handling(handling.acknowledgedBy(), handling.acknowledgedAt(),
                handling.acknowledgeNote(), how, by, at, note));
    }

    /**
     * This discrepancy as its source found it again, keeping what finance did about the stored one: a resolution
     * by hand stands while the difference is the one finance resolved (writing a loss off does not change the
     * provider's books), and an acknowledged one that is found again is still acknowledged. Found with other money
     * or evidence (the ₦5 written off is now ₦500), it is another difference than the one resolved: reopened, OPEN
     * or ACKNOWLEDGED as it was before, without the resolution.
     */
    Discrepancy foundAgain(Discrepancy stored) {
        Handling kept = stored.handling();
        if (kept.resolvedByHand() && sameDifferenceAs(stored)) {
            return with(DiscrepancyStatus.RESOLVED, kept);
        }
        if (kept.resolvedByHand()) {
            kept = new Handling(kept.acknowledgedBy(), kept.acknowledgedAt(), kept.acknowledgeNote(), null, null,
                    null, null);
        }
        DiscrepancyStatus s = status;
        if (s == DiscrepancyStatus.OPEN && kept.acknowledged()) {
            s = DiscrepancyStatus.ACKNOWLEDGED;
        }
        return with(s, kept);
    }

    /** The same money and evidence: what a resolution by hand was about. */
    private boolean sameDifferenceAs(Discrepancy other) {
        return Objects.equals(ourAmountMinor, other.ourAmountMinor)
                && Objects.equals(providerAmountMinor, other.providerAmountMinor)
                && Objects.equals(currency, other.currency) && evidence.equals(other.evidence);
    }

    private Discrepancy with(DiscrepancyStatus newStatus, Handling newHandling) {
        return new Discrepancy(discrepancyId, businessDay, kind, provider, providerReference, orderId, merchantId,
                ourAmountMinor, providerAmountMinor, currency, evidence, suggestedAction, source, newStatus,
                newHandling);
    }

    /** Stable: the same kind of difference about the same subject on the same day keeps its id. */
    public static String idOf(DiscrepancyKind kind, LocalDate day, String provider, String subject) {
        String name = "recon|" + kind + "|" + day + "|" + provider + "|" + subject;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public Discrepancy withStatus(DiscrepancyStatus newStatus) {
        return with(newStatus, handling);
    }
}
