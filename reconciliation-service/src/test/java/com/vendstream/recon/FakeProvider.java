package com.vendstream.recon;

import com.vendstream.recon.providerreport.ProviderRecord;
import com.vendstream.recon.providerreport.ProviderRecords;
import com.vendstream.recon.providerreport.ProviderStatus;
import com.vendstream.recon.providerreport.ProviderUnavailableException;
import com.vendstream.recon.providerreport.ProviderView;
import com.vendstream.recon.providerreport.VendToCheck;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Providers' own records for tests. A "report" provider lists its whole day; a "requery" provider
 * answers only for the references it is asked about (NOT_FOUND when it has none).
 */
public final class FakeProvider implements ProviderRecords {

    private final Map<String, List<ProviderRecord>> records = new ConcurrentHashMap<>();
    private final Set<String> reportProviders = new HashSet<>();
    public final Set<String> down = ConcurrentHashMap.newKeySet();

    public FakeProvider withReport(String provider) {
        reportProviders.add(provider);
        return this;
    }

    public FakeProvider record(String provider, String reference, ProviderStatus status, Long amountMinor, String currency) {
        records.computeIfAbsent(provider, p -> new ArrayList<>())
                .add(new ProviderRecord(reference, "tx-" + reference, status, amountMinor, currency, null));
        return this;
    }

    /** Replaces what the provider says about a reference (it settled). */
    public FakeProvider settle(String provider, String reference, ProviderStatus status, Long amountMinor, String currency) {
        records.getOrDefault(provider, new ArrayList<>()).removeIf(r -> r.reference().equals(reference));
        return record(provider, reference, status, amountMinor, currency);
    }

    @Override
    public ProviderView fetch(String provider, LocalDate day, List<VendToCheck> ours) {
        if (down.contains(provider)) {
            throw new ProviderUnavailableException(provider + " is down", null);
        }
        List<ProviderRecord> all = records.getOrDefault(provider, List.of());
        if (reportProviders.contains(provider)) {
            return new ProviderView(provider, true, "report", List.copyOf(all));
        }
        List<ProviderRecord> answers = new ArrayList<>();
        for (VendToCheck v : ours) {
            List<ProviderRecord> hits = all.stream().filter(r -> r.reference().equals(v.reference())).toList();
            answers.addAll(hits.isEmpty()
                    ? List.of(new ProviderRecord(v.reference(), null, ProviderStatus.NOT_FOUND, null, null, null))
                    : hits);
        }
        return new ProviderView(provider, false, "requery", answers);
    }
}
