package com.vendstream.providers.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.dollr.DollrStatuses;
import com.vendstream.providers.pagamio.PagamioCodes;
import com.vendstream.providers.pawacard.PawacardCodes;
import com.vendstream.providers.pay4power.Pay4PowerCodes;
import com.vendstream.providers.vtpass.VtpassCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A code table's outcome and decision columns cannot disagree: a row that would is refused when it is built. */
class CodeRuleDecisionTest {

    @Test
    void aRowWhoseDecisionContradictsItsOutcomeIsRefused() {
        // A failure the table would refund while its decision column says "ask again": the case that loses money.
        assertThatThrownBy(() -> new CodeRule("099", CodeRule.Outcome.FAILED, FailureClass.DECLINED_BY_PROVIDER,
                Decision.REQUERY, false, "contradictory"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("099");
        assertThatThrownBy(() -> CodeRule.pending("098", Decision.DONE, "pending but done"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CodeRule("097", CodeRule.Outcome.SUCCEEDED, null, Decision.FAIL, false, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyProvidersTableAgreesWithItself() {
        List<CodeTable> tables = List.of(VtpassCodes.TABLE, VtpassCodes.TRANSACTION_STATUSES, PagamioCodes.TABLE,
                PawacardCodes.TABLE, Pay4PowerCodes.VEND, Pay4PowerCodes.INITIATE, Pay4PowerCodes.REQUERY,
                Pay4PowerCodes.TRANSACTION_STATUSES,
                DollrStatuses.TABLE);
        for (CodeTable table : tables) {
            assertThat(table.rules()).isNotEmpty().allSatisfy(r ->
                    assertThat(r.outcome().decisions()).as(r.code()).contains(r.decision()));
        }
    }
}
