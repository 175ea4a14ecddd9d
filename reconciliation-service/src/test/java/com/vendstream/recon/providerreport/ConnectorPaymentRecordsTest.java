package com.vendstream.recon.providerreport;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedMobileMoney;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.recon.providerreport.PaymentRecords.Direction;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorPaymentRecordsTest {

    /** A Dollr double answering only what reconciliation may call: id and the two status lookups. */
    static MobileMoneyConnector dollr(Map<String, PaymentOutcome.Status> statuses, List<String> calls) {
        return (MobileMoneyConnector) Proxy.newProxyInstance(MobileMoneyConnector.class.getClassLoader(),
                new Class<?>[] {MobileMoneyConnector.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "id":
                            return "dollr";
                        case "collectionStatus":
                        case "payoutStatus":
                            String key = method.getName() + ":" + args[0];
                            calls.add(key);
                            PaymentOutcome.Status s = statuses.get(key);
                            if (s == null) {
                                throw new IllegalStateException("HTTP 503");
                            }
                            return new PaymentOutcome(s, (String) args[0], null, null, null, null, s.name());
                        default:
                            throw new UnsupportedOperationException("reconciliation never calls " + method.getName());
                    }
                });
    }

    @Test
    void mapsDollrStatusesAndTreatsAFailedLookupAsUnknown() {
        List<String> calls = new ArrayList<>();
        ConnectorPaymentRecords records = new ConnectorPaymentRecords(List.of(dollr(Map.of(
                "collectionStatus:c1", PaymentOutcome.Status.COMPLETED,
                "collectionStatus:c2", PaymentOutcome.Status.FAILED,
                "payoutStatus:p1", PaymentOutcome.Status.PENDING), calls)));

        assertThat(records.supports("dollr")).isTrue();
        assertThat(records.supports("mpesa")).isFalse();
        assertThat(records.status("dollr", Direction.COLLECTION, "c1")).isEqualTo(ProviderStatus.SUCCEEDED);
        assertThat(records.status("dollr", Direction.COLLECTION, "c2")).isEqualTo(ProviderStatus.FAILED);
        assertThat(records.status("dollr", Direction.PAYOUT, "p1")).isEqualTo(ProviderStatus.PENDING);
        assertThat(records.status("dollr", Direction.PAYOUT, "p9")).isEqualTo(ProviderStatus.UNKNOWN);
        assertThat(calls).containsExactly("collectionStatus:c1", "collectionStatus:c2", "payoutStatus:p1",
                "payoutStatus:p9");
    }

    @Test
    void aLookupTheGuardKeepsBackIsUnknownNotPending() {
        List<String> calls = new ArrayList<>();
        GuardedMobileMoney guarded = new GuardedMobileMoney(dollr(Map.of(
                "collectionStatus:c1", PaymentOutcome.Status.COMPLETED), calls), GuardSettings.defaults());
        ConnectorPaymentRecords records = new ConnectorPaymentRecords(List.of(guarded));
        assertThat(records.status("dollr", Direction.COLLECTION, "c1")).isEqualTo(ProviderStatus.SUCCEEDED);

        guarded.breaker().transitionToOpenState();
        assertThat(records.status("dollr", Direction.COLLECTION, "c1")).isEqualTo(ProviderStatus.UNKNOWN);
        assertThat(calls).containsExactly("collectionStatus:c1");
    }
}
