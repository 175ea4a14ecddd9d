package com.vendstream.recon.providerreport;

import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.dollr.PaymentOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PaymentRecords} through the mobile-money connectors' status endpoints (Dollr). */
public class ConnectorPaymentRecords implements PaymentRecords {

    private static final Logger log = LoggerFactory.getLogger(ConnectorPaymentRecords.class);

    private final Map<String, MobileMoneyConnector> connectors = new LinkedHashMap<>();

    public ConnectorPaymentRecords(List<MobileMoneyConnector> connectors) {
        connectors.forEach(c -> this.connectors.put(c.id(), c));
    }

    @Override
    public boolean supports(String provider) {
        return connectors.containsKey(provider);
    }

    @Override
    public ProviderStatus status(String provider, Direction direction, String referenceId) {
        MobileMoneyConnector connector = connectors.get(provider);
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
        if (outcome == null || outcome.status() == null) {
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
