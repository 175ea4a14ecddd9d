package com.vendstream.recon.providerreport;

/**
 * Port: a mobile-money provider's own status of one collection or payout, by our reference_id
 * (Dollr's GET /status/collection/{id} and /status/payout/{id}; it has no day report).
 */
public interface PaymentRecords {

    enum Direction { COLLECTION, PAYOUT }

    /** Whether this provider can be asked at all; one that cannot is reported unavailable, not matched. */
    boolean supports(String provider);

    /**
     * SUCCEEDED for Dollr COMPLETED, FAILED, PENDING (PENDING/PROCESSING), NOT_FOUND, or UNKNOWN when
     * the answer was unusable.
     */
    ProviderStatus status(String provider, Direction direction, String referenceId);

    /** No mobile-money provider configured. */
    PaymentRecords NONE = new PaymentRecords() {
        @Override
        public boolean supports(String provider) {
            return false;
        }

        @Override
        public ProviderStatus status(String provider, Direction direction, String referenceId) {
            return ProviderStatus.UNKNOWN;
        }
    };
}
