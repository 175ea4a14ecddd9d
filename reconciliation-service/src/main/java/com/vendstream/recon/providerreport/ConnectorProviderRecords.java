package com.vendstream.recon.providerreport;

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
            outcome = connector.requery(new RequeryCommand(v.reference(), serviceType(v.service()), v.billerId(),
                    v.itemId(), v.providerTransactionId()));
        } catch (RuntimeException e) {
            // One failed lookup says nothing about the transaction; the others still count.
            log.warn("Requery of {} at {} failed: {}", v.reference(), connector.id(), e.toString());
            return new ProviderRecord(v.reference(), v.providerTransactionId(), ProviderStatus.UNKNOWN, null, null, null);
        }
        ProviderStatus status;
        String txId = v.providerTransactionId();
        if (outcome instanceof VendOutcome.Succeeded s) {
            status = ProviderStatus.SUCCEEDED;
            txId = s.providerTransactionId() == null ? txId : s.providerTransactionId();
        } else if (outcome instanceof VendOutcome.Failed) {
            status = ProviderStatus.FAILED;
        } else {
            status = ProviderStatus.PENDING;
        }
        // Requery answers do not state the face value reliably across providers, so no amount.
        return new ProviderRecord(v.reference(), txId, status, null, null, null);
    }

    static ServiceType serviceType(String service) {
        try {
            return service == null ? null : ServiceType.valueOf(service);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
