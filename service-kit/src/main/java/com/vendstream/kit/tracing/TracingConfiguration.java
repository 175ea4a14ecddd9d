package com.vendstream.kit.tracing;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** {@link ConsumedRecords} over the service's observation registry (none: nothing observed). */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
public class TracingConfiguration {

    @Bean
    ConsumedRecords consumedRecords(ObjectProvider<ObservationRegistry> observations) {
        return new ConsumedRecords(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
}
