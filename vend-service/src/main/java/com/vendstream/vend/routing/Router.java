package com.vendstream.vend.routing;

import com.vendstream.vend.routing.RoutingProperties.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Picks the providers for a vend, best first, from the routing table and the providers configured here. */
public class Router {

    private final List<Route> routes;
    private final Set<String> available;

    public Router(RoutingProperties properties, Set<String> available) {
        this.routes = properties.routes();
        this.available = Set.copyOf(available);
    }

    public List<String> providers(String service, String billerId, String preferred) {
        List<String> result = new ArrayList<>();
        if (preferred != null && available.contains(preferred)) {
            result.add(preferred);
        }
        routes.stream()
                .filter(r -> r.service().equalsIgnoreCase(service))
                .filter(r -> r.biller() == null || r.biller().equalsIgnoreCase(billerId))
                .findFirst()
                .ifPresent(r -> r.providers().stream()
                        .filter(available::contains)
                        .filter(p -> !result.contains(p))
                        .forEach(result::add));
        return List.copyOf(result);
    }
}
