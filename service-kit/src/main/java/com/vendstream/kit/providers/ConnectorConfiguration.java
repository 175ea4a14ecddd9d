package com.vendstream.kit.providers;

import com.vendstream.providers.VendConnector;
import com.vendstream.providers.dollr.DollrConnector;
import com.vendstream.providers.dollr.DollrProperties;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.pagamio.PagamioConnector;
import com.vendstream.providers.pagamio.PagamioProperties;
import com.vendstream.providers.pawacard.PawacardConnector;
import com.vendstream.providers.pawacard.PawacardProperties;
import com.vendstream.providers.pay4power.Pay4PowerConnector;
import com.vendstream.providers.pay4power.Pay4PowerProperties;
import com.vendstream.providers.vtpass.VtpassConnector;
import com.vendstream.providers.vtpass.VtpassProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.springframework.boot.context.properties.bind.BindConstructorProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Builds a connector for each provider whose {@code vendstream.providers.<id>.base-url} is set, with
 * credentials from the same prefix (configuration or environment, e.g.
 * VENDSTREAM_PROVIDERS_VTPASS_SECRET_KEY). A provider without a base URL is simply not available.
 * Connectors are stateless apart from their token caches, so one instance per context is shared by
 * every caller (vend, requery, verification, reconciliation).
 */
@AutoConfiguration
public class ConnectorConfiguration {

    static <T> T bind(Environment environment, String provider, Class<T> type) {
        // The provider settings are plain records (the providers library has no Spring), some with
        // convenience constructors; bind through the canonical constructor, as a record is meant to be.
        Binder binder = new Binder(ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment), ApplicationConversionService.getSharedInstance(),
                null, null, ConnectorConfiguration::canonicalConstructor);
        return binder.bind("vendstream.providers." + provider, type)
                .orElseThrow(() -> new IllegalStateException("No settings for provider " + provider));
    }

    private static Constructor<?> canonicalConstructor(Bindable<?> bindable, boolean nested) {
        Class<?> type = bindable.getType().resolve();
        if (type != null && type.isRecord() && bindable.getValue() == null) {
            Class<?>[] components = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            try {
                return type.getDeclaredConstructor(components);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("Record without a canonical constructor: " + type, e);
            }
        }
        return BindConstructorProvider.DEFAULT.getBindConstructor(bindable, nested);
    }

    @Bean
    @ConditionalOnProperty(prefix = "vendstream.providers.vtpass", name = "base-url")
    VendConnector vtpassConnector(Environment environment) {
        return new VtpassConnector(bind(environment, "vtpass", VtpassProperties.class));
    }

    @Bean
    @ConditionalOnProperty(prefix = "vendstream.providers.pagamio", name = "base-url")
    VendConnector pagamioConnector(Environment environment) {
        return new PagamioConnector(bind(environment, "pagamio", PagamioProperties.class));
    }

    @Bean
    @ConditionalOnProperty(prefix = "vendstream.providers.pawacard", name = "base-url")
    VendConnector pawacardConnector(Environment environment) {
        return new PawacardConnector(bind(environment, "pawacard", PawacardProperties.class));
    }

    @Bean
    @ConditionalOnProperty(prefix = "vendstream.providers.pay4power", name = "base-url")
    VendConnector pay4powerConnector(Environment environment) {
        return new Pay4PowerConnector(bind(environment, "pay4power", Pay4PowerProperties.class));
    }

    @Bean
    @ConditionalOnMissingBean(MobileMoneyConnector.class)
    @ConditionalOnProperty(prefix = "vendstream.providers.dollr", name = "base-url")
    MobileMoneyConnector dollrConnector(Environment environment) {
        return new DollrConnector(bind(environment, "dollr", DollrProperties.class));
    }
}
