package com.vendstream.kit.production;

import java.util.List;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * A service's own part of the production start-up check ({@link ProductionSafety}), listed in its
 * {@code META-INF/spring.factories} under this interface's name.
 */
public interface ProductionRule {

    /** What makes this configuration unsafe for production: one line each, naming the setting, never its value. */
    List<String> refusals(ConfigurableEnvironment environment);
}
