package com.vendstream.providers.vtpass;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.Decision;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendOutcome;
import org.junit.jupiter.api.Test;

/**
 * The inner status of a 000/001 reply decides through {@link VtpassCodes#TRANSACTION_STATUSES}, with the
 * outcomes (kind, code, class, message) the transformer gave before the table existed.
 */
class VtpassTransactionStatusesTest {

    private static VendOutcome outcome(String code, String status) {
        String transactions = status == null ? "{\"transactionId\":\"17\"}"
                : "{\"status\":\"" + status + "\",\"transactionId\":\"17\"}";
        return VtpassTransformer.outcome("""
                {"code":"%s","content":{"transactions":%s},"purchased_code":"Token : 1234"}"""
                .formatted(code, transactions), ServiceType.ELECTRICITY);
    }

    @Test
    void eachInnerStatusDecidesAsBefore() {
        assertThat(outcome("000", "delivered")).isInstanceOfSatisfying(VendOutcome.Succeeded.class, s -> {
            assertThat(s.providerCode()).isEqualTo("000");
            assertThat(s.token()).isEqualTo("1234");
        });
        for (String word : new String[] {"failed", "reversed", "Failed", "REVERSED"}) {
            assertThat(outcome("000", word)).as(word).isEqualTo(new VendOutcome.Failed("000",
                    FailureClass.DECLINED_BY_PROVIDER, "transaction " + word.toLowerCase(java.util.Locale.ROOT), false));
        }
        // The same pending answer, now carrying its row's decision: a person asks VTpass.
        assertThat(outcome("001", "resolved")).isEqualTo(new VendOutcome.Pending("001", PendingCause.PROVIDER_PENDING,
                "transaction resolved by VTpass staff: ask them", "17", false, Decision.MANUAL));
        assertThat(outcome("000", "initiated")).isEqualTo(new VendOutcome.Pending("000", PendingCause.PROVIDER_PENDING,
                "transaction initiated", "17"));
        assertThat(outcome("000", "pending")).isEqualTo(new VendOutcome.Pending("000", PendingCause.PROVIDER_PENDING,
                "transaction pending", "17"));
        assertThat(outcome("000", null)).isEqualTo(new VendOutcome.Pending("000", PendingCause.PROVIDER_PENDING,
                "transaction without status", "17"));
    }

    @Test
    void theTableHoldsOnlyTheWordsThatDecide() {
        assertThat(VtpassCodes.TRANSACTION_STATUSES.rules()).extracting(r -> r.code() + "=" + r.outcome() + "/" + r.decision())
                .containsExactly("delivered=SUCCEEDED/DONE", "failed=FAILED/FAIL", "reversed=FAILED/FAIL",
                        "resolved=PENDING/MANUAL");
    }
}
