package com.vendstream.recon.providerreport;

import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.mobilemoney.PaymentStatusLookup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PaymentRecords} through the mobile-money providers' status lookups (Dollr), guarded by the configuration. */
public class ConnectorPaymentRecords implements PaymentRecords {

    private static final Logger log = LoggerFactory.getLogger(ConnectorPaymentRecords.class);

    private final Map<String, PaymentStatusLookup> connectors = new LinkedHashMap<>();

    public ConnectorPaymentRecords(List<? extends PaymentStatusLookup> connectors) {
        connectors.forEach(c -> this.connectors.put(c.id(), c));
    }

    @Override
    public boolean supports(String provider) {
        return connectors.containsKey(provider);
    }

    @Override
    public ProviderStatus status(String provider, Direction direction, String referenceId) {
        PaymentStatusLookup connector = connectors.get(provider);
        if (connector == null) {
            return ProviderStatus.UNKNOWN;
        }
        PaymentOutcome outcome;
        try {
            outcome = direction == Direction.COLLECTION ? connector.collectionStatus(referenceId)
                    : connector.payoutStatus(referenceId);
        } catch (RuntimeException e) {
            // One unanswered lookup proves nothing about the payment; matching skips it.
            log.warn("{} status of {} {} failed: {}", provider, direction, referenceId, e.toString());
            return ProviderStatus.UNKNOWN;
        }
        // A lookup the providers' guard kept back (circuit open, call slots busy) asked nothing: skipped too.
        if (outcome == null || outcome.status() == null || outcome.keptBack()) {
            return ProviderStatus.UNKNOWN;
        }
        switch (outcome.status()) {
            case COMPLETED:
                return ProviderStatus.SUCCEEDED;
            case FAILED:
                return ProviderStatus.FAILED;
            case PENDING:
                return ProviderStatus.PENDING;
            default:
                return ProviderStatus.UNKNOWN;
        }
    }
}
