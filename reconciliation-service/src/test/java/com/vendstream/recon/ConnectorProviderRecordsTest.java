package com.vendstream.recon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.CodeRule;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.recon.providerreport.ConnectorProviderRecords;
import com.vendstream.recon.providerreport.ProviderRecord;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.recon.providerreport.ProviderUnavailableException;
import com.vendstream.recon.providerreport.ProviderView;
import com.vendstream.recon.providerreport.ReportedTransactions;
import com.vendstream.recon.providerreport.VendToCheck;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorProviderRecordsTest {

    static final LocalDate DAY = LocalDate.of(2026, 3, 10);

    /** Requery answers by reference; anything else is not part of this test. */
    static final class RequeryOnly implements VendConnector {
        final Map<String, VendOutcome> answers;
        final List<RequeryCommand> asked = new ArrayList<>();

        RequeryOnly(Map<String, VendOutcome> answers) {
            this.answers = answers;
        }

        @Override
        public String id() {
            return "vtpass";
        }

        @Override
        public Set<ServiceType> services() {
            return Set.of(ServiceType.AIRTIME);
        }

        @Override
        public String newReference() {
            return "r";
        }

        @Override
        public VendOutcome vend(VendCommand command) {
            throw new UnsupportedOperationException("reconciliation never vends");
        }

        @Override
        public VendOutcome requery(RequeryCommand command) {
            asked.add(command);
            VendOutcome o = answers.get(command.reference());
            if (o == null) {
                throw new IllegalStateException("connection reset");
            }
            return o;
        }

        @Override
        public AccountVerification verify(VerifyCommand command) {
            throw new UnsupportedOperationException();
        }
    }

    static VendToCheck vend(String ref) {
        return new VendToCheck("o-" + ref, ref, null, "AIRTIME", "MTN", null);
    }

    @Test
    void requeriesEachOfOurReferencesWhenTheProviderHasNoReport() {
        RequeryOnly vtpass = new RequeryOnly(Map.of(
                "a", new VendOutcome.Succeeded("000", "tx-a", null, null, List.of(), Map.of(), null),
                "b", new VendOutcome.Failed("016", FailureClass.DECLINED_BY_PROVIDER, "failed", false),
                "c", VendOutcome.pending(PendingCause.PROVIDER_PENDING, "099", "processing")));
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(vtpass), List.of(), 100);

        ProviderView view = records.fetch("vtpass", DAY, List.of(vend("a"), vend("b"), vend("c"), vend("d")));

        assertThat(view.fullReport()).isFalse();
        assertThat(view.records()).extracting(ProviderRecord::reference, ProviderRecord::status,
                ProviderRecord::providerTransactionId).containsExactly(tuple("a", ProviderStatus.SUCCEEDED, "tx-a"),
                tuple("b", ProviderStatus.FAILED, null), tuple("c", ProviderStatus.PENDING, null),
                tuple("d", ProviderStatus.UNKNOWN, null));
        assertThat(vtpass.asked).extracting(RequeryCommand::service).containsOnly(ServiceType.AIRTIME);
    }

    @Test
    void aDayReportIsReadForTheDayAndItsNeighbours() {
        List<LocalDate> asked = new ArrayList<>();
        ReportedTransactions pagamio = new ReportedTransactions("pagamio", day -> {
            asked.add(day);
            return day.equals(DAY) ? List.of(new TransactionReport("pagamio", "tx-1", "ref-1",
                    CodeRule.Outcome.SUCCEEDED, 12_000, "ZAR", "Eskom", null)) : List.of();
        });
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(), List.of(pagamio), 100);

        ProviderView view = records.fetch("pagamio", DAY, List.of());

        assertThat(view.fullReport()).isTrue();
        assertThat(asked).containsExactly(DAY.minusDays(1), DAY, DAY.plusDays(1));
        assertThat(view.records()).containsExactly(
                new ProviderRecord("ref-1", "tx-1", ProviderStatus.SUCCEEDED, 12_000L, "ZAR", DAY));
    }

    @Test
    void anUnknownProviderOrTooManyRequeriesIsUnavailableNotEmpty() {
        ConnectorProviderRecords records = new ConnectorProviderRecords(List.of(new RequeryOnly(Map.of())), List.of(), 1);
        assertThatThrownBy(() -> records.fetch("pawacard", DAY, List.of(vend("a"))))
                .isInstanceOf(ProviderUnavailableException.class);
        assertThatThrownBy(() -> records.fetch("vtpass", DAY, List.of(vend("a"), vend("b"))))
                .isInstanceOf(ProviderUnavailableException.class);
        ReportedTransactions broken = new ReportedTransactions("pagamio", day -> {
            throw new IllegalStateException("HTTP 503");
        });
        assertThatThrownBy(() -> new ConnectorProviderRecords(List.of(), List.of(broken), 1)
                .fetch("pagamio", DAY, List.of())).isInstanceOf(ProviderUnavailableException.class);
    }
}
