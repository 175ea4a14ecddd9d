package com.vendstream.recon.providerreport;

import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's view through the connectors: a day report where the provider has one, otherwise a
 * requery of each of our references (the only reconciliation VTpass, Pay4Power and Pawacard offer).
 */
public class ConnectorProviderRecords implements ProviderRecords {

    private static final Logger log = LoggerFactory.getLogger(ConnectorProviderRecords.class);

    private final Map<String, VendConnector> connectors = new LinkedHashMap<>();
    private final Map<String, ProviderDayReport> reports = new LinkedHashMap<>();
    private final int maxRequeries;

    public ConnectorProviderRecords(List<VendConnector> connectors, List<ProviderDayReport> reports, int maxRequeries) {
        connectors.forEach(c -> this.connectors.put(c.id(), c));
        reports.forEach(r -> this.reports.put(r.provider(), r));
        this.maxRequeries = maxRequeries;
    }

    @Override
    public ProviderView fetch(String provider, LocalDate day, List<VendToCheck> ours) {
        ProviderDayReport report = reports.get(provider);
        if (report != null) {
            try {
                // Neighbouring days too: the provider's day boundary need not be the merchant's, and a
                // vend near midnight must not look missing because the provider filed it a day later.
                List<ProviderRecord> records = new ArrayList<>();
                for (LocalDate d = day.minusDays(1); !d.isAfter(day.plusDays(1)); d = d.plusDays(1)) {
                    records.addAll(report.transactions(d));
                }
                return new ProviderView(provider, true, "report", records);
            } catch (RuntimeException e) {
                throw new ProviderUnavailableException("Report of " + provider + " for " + day + " failed", e);
            }
        }
        VendConnector connector = connectors.get(provider);
        if (connector == null) {
            throw new ProviderUnavailableException("No connector configured for provider " + provider, null);
        }
        if (ours.size() > maxRequeries) {
            throw new ProviderUnavailableException(provider + " has " + ours.size() + " vends on " + day
                    + ", more than the " + maxRequeries + " requeries allowed per match", null);
        }
        List<ProviderRecord> records = new ArrayList<>();
        for (VendToCheck v : ours) {
            records.add(requery(connector, v));
        }
        return new ProviderView(provider, false, "requery", records);
    }

    private ProviderRecord requery(VendConnector connector, VendToCheck v) {
        VendOutcome outcome;
        try {
            outcome = connector.requery(new RequeryCommand(v.reference(), ServiceType.ofName(v.service()), v.billerId(),
                    v.itemId(), v.providerTransactionId()));
        } catch (RuntimeException e) {
            // One failed lookup says nothing about the transaction; the others still count.
            log.warn("Requery of {} at {} failed: {}", v.reference(), connector.id(), e.toString());
            return new ProviderRecord(v.reference(), v.providerTransactionId(), ProviderStatus.UNKNOWN, null, null, null);
        }
        ProviderStatus status = statusOf(outcome);
        String txId = v.providerTransactionId();
        if (outcome instanceof VendOutcome.Succeeded s && s.providerTransactionId() != null) {
            txId = s.providerTransactionId();
        }
        if (status == ProviderStatus.UNKNOWN) {
            log.debug("Requery of {} at {} gave no answer ({}); matched again on the next pass", v.reference(),
                    connector.id(), describe(outcome));
        }
        // Requery answers do not state the face value reliably across providers, so no amount.
        return new ProviderRecord(v.reference(), txId, status, null, null, null);
    }

    /**
     * What a requery answer says about the vend. A connector's outcome is written for the vend call, and
     * on a requery much of it is about the requery itself: a throttled, refused, timed-out, reset,
     * 5xx or unreadable call, or one refused for our own credentials, is no answer at all and reads
     * UNKNOWN, never FAILED (which would tell finance to refund a customer who has the value). Only an
     * explicit success, an explicit failure stated by the provider, or the provider saying it is still
     * processing count; anything else, including outcome kinds added later, is UNKNOWN.
     */
    public static ProviderStatus statusOf(VendOutcome outcome) {
        if (outcome instanceof VendOutcome.Succeeded) {
            return ProviderStatus.SUCCEEDED;
        }
        if (outcome instanceof VendOutcome.Failed f) {
            // No code: no reply was read (refused or broken connection); "HTTP nnn": the transport's status.
            boolean providerSaidSo = f.providerCode() != null && !f.providerCode().startsWith("HTTP ");
            return providerSaidSo && f.failureClass() != FailureClass.THROTTLED
                    && f.failureClass() != FailureClass.NOT_AVAILABLE_TO_MERCHANT
                    ? ProviderStatus.FAILED : ProviderStatus.UNKNOWN;
        }
        if (outcome instanceof VendOutcome.Pending p) {
            if ("404".equals(p.providerCode())) {
                // The lookup worked and found no transaction (Pay4Power's answer about a reference it never
                // took, e.g. a vend it declined): not "still processing".
                return ProviderStatus.NOT_FOUND;
            }
            // A rate-limited requery (the provider's table marks its 429) said nothing about the vend.
            return p.cause() == PendingCause.PROVIDER_PENDING && !p.throttled() ? ProviderStatus.PENDING
                    : ProviderStatus.UNKNOWN;
        }
        return ProviderStatus.UNKNOWN;
    }

    private static String describe(VendOutcome outcome) {
        if (outcome instanceof VendOutcome.Failed f) {
            return "failed " + f.failureClass() + " " + f.providerCode();
        }
        if (outcome instanceof VendOutcome.Pending p) {
            return "pending " + p.cause() + " " + p.providerCode();
        }
        return outcome == null ? "nothing" : outcome.getClass().getSimpleName();
    }
}
