package com.vendstream.vend.routing;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which providers may vend what, in order of priority. A route without a biller covers every biller
 * of its service. The first route that matches wins.
 */
@ConfigurationProperties(prefix = "vendstream.routing")
public record RoutingProperties(List<Route> routes) {

    public RoutingProperties {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    public record Route(String service, String biller, List<String> providers) {
        public Route {
            providers = providers == null ? List.of() : List.copyOf(providers);
        }
    }
}
