package com.vendstream.recon;

import com.vendstream.recon.providerreport.ProviderRecords;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link Harness}es a test opens, each on its own in-memory store, just after the scenarios' day
 * ({@link Scenarios#AFTER_DAY}, {@link Scenarios#ZONES}), and all closed after the test. Register it with
 * {@code @RegisterExtension}.
 */
public final class Harnesses implements AfterEachCallback {

    private final List<Harness> open = new ArrayList<>();

    /** A harness whose matching asks {@code providers}. */
    public Harness open(ProviderRecords providers) {
        Harness h = new Harness(providers, Scenarios.AFTER_DAY, Scenarios.ZONES);
        open.add(h);
        return h;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        open.forEach(Harness::close);
        open.clear();
    }
}
