package com.vendstream.order.merchant;

import com.vendstream.kit.production.PackagedSettings;
import com.vendstream.kit.production.ProductionRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Production starts with the deployment's merchants only: none of the demo merchants order-service.yml ships (by
 * id or by API key), and no demo float funded by configuration. The demo is whatever the packaged file holds, so
 * a new demo merchant is refused without a change here.
 */
public class DemoMerchantsRule implements ProductionRule {

    static final String MERCHANTS = "vendstream.merchants";

    /** The settings read, by their own names: the merchant settings may gain fields this check need not know. */
    record Merchant(String id, String apiKeySha256, List<Wallet> wallets) {
        Merchant {
            wallets = wallets == null ? List.of() : wallets;
        }
    }

    record Wallet(String id, long openingBalanceMinor) {
    }

    @Override
    public List<String> refusals(ConfigurableEnvironment environment) {
        List<Merchant> configured = merchants(Binder.get(environment));
        if (configured.isEmpty()) {
            return List.of(MERCHANTS + " is required: the deployment's merchants with their API key hashes");
        }
        Set<String> demoIds = new HashSet<>();
        Set<String> demoKeys = new HashSet<>();
        Set<String> demoWallets = new HashSet<>();
        environment.getPropertySources().stream().filter(PackagedSettings::packaged)
                .flatMap(source -> merchants(new Binder(ConfigurationPropertySources.from(source))).stream())
                .forEach(demo -> {
                    demoIds.add(demo.id());
                    demoKeys.add(demo.apiKeySha256());
                    demo.wallets().forEach(w -> demoWallets.add(w.id()));
                });
        List<String> refusals = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            Merchant merchant = configured.get(i);
            String setting = MERCHANTS + "[" + i + "]";
            if (demoIds.contains(merchant.id())) {
                refusals.add(setting + ".id is a demo merchant");
            }
            if (merchant.apiKeySha256() == null || merchant.apiKeySha256().isBlank()) {
                refusals.add(setting + ".api-key-sha256 is required");
            } else if (demoKeys.contains(merchant.apiKeySha256())) {
                refusals.add(setting + ".api-key-sha256 is a demo merchant's key");
            }
            for (int j = 0; j < merchant.wallets().size(); j++) {
                Wallet wallet = merchant.wallets().get(j);
                if (demoWallets.contains(wallet.id()) && wallet.openingBalanceMinor() > 0) {
                    refusals.add(setting + ".wallets[" + j + "].opening-balance-minor funds a demo float");
                }
            }
        }
        return refusals;
    }

    private static List<Merchant> merchants(Binder binder) {
        return binder.bind(MERCHANTS, Bindable.listOf(Merchant.class)).orElse(List.of());
    }
}
