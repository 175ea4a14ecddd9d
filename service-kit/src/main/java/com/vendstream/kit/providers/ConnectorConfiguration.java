package com.vendstream.kit.providers;

import com.vendstream.providers.VendConnector;
import com.vendstream.providers.vtpass.VtpassConnector;
import com.vendstream.providers.vtpass.VtpassProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Builds a connector for each provider whose {@code vendstream.providers.<id>.base-url} is set, with
 * credentials from the same prefix (configuration or environment, e.g.
 * VENDSTREAM_PROVIDERS_VTPASS_SECRET_KEY). A provider without a base URL is simply not available.
 */
@AutoConfiguration
public class ConnectorConfiguration {

    static <T> T bind(Environment environment, String provider, Class<T> type) {
        return Binder.get(environment).bind("vendstream.providers." + provider, type)
                .orElseThrow(() -> new IllegalStateException("No settings for provider " + provider));
    }

    @Bean
    @ConditionalOnProperty(prefix = "vendstream.providers.vtpass", name = "base-url")
    VendConnector vtpassConnector(Environment environment) {
        return new VtpassConnector(bind(environment, "vtpass", VtpassProperties.class));
    }
}
