package com.vendstream.recon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.TransactionReport;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.recon.providerreport.ProviderDayReport;
import com.vendstream.recon.providerreport.ProviderRecord;
import com.vendstream.recon.providerreport.ProviderRecords;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.recon.providerreport.ProviderView;
import com.vendstream.recon.providerreport.VendToCheck;
import com.vendstream.testkit.ScriptedConnector;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** How the service wires what it asks providers, through its configuration's bean methods. */
class ReconConfigurationTest {

    @Test
    void aConnectorThatReportsWholeDaysIsMatchedOnItsReport() {
        // Whoever it is: the DayReports capability, not the provider's name, decides.
        ScriptedConnector.DayReporting acme = new ScriptedConnector.DayReporting("acme").onDay(day -> day.equals(
                Scenarios.DAY) ? List.of(new TransactionReport("acme", "tx-9", "ref-9", CodeRule.Outcome.FAILED,
                5_000L, "ZAR", "Eskom", null)) : List.of());
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("acme", acme));
        ProviderRecords records = new ReconConfiguration().providerRecords(beans.getBeanProvider(VendConnector.class),
                beans.getBeanProvider(ProviderDayReport.class), new ReconProperties(ZoneId.of("UTC"), Map.of(), null,
                        null, 100, false, List.of(), LocalDate.of(2020, 1, 1), Duration.ofMinutes(10)),
                GuardSettings.defaults(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                io.micrometer.observation.ObservationRegistry.NOOP);

        ProviderView view = records.fetch("acme", Scenarios.DAY,
                List.of(new VendToCheck("o-ref-9", "ref-9", null, "AIRTIME", "MTN", null)));

        assertThat(view.fullReport()).isTrue();
        assertThat(acme.days).contains(Scenarios.DAY);
        assertThat(acme.asked).as("matched on its day, never requeried").isEmpty();
        assertThat(view.records()).extracting(ProviderRecord::reference, ProviderRecord::status)
                .containsExactly(tuple("ref-9", ProviderStatus.FAILED));
    }
}
