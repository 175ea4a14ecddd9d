package com.vendstream.kit;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Each service gets its own Reactor Netty event loops and connection pool instead of the JVM-wide
 * ones. In the local stack all services share a JVM, and by default closing one WebFlux context
 * disposes the global resources under the others (a restarted service would take its neighbours down).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration")
@ConditionalOnClass(ReactorResourceFactory.class)
public class IsolatedNettyResources {

    @Bean
    @ConditionalOnMissingBean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        return factory;
    }
}
