package com.vendstream.poller.schedule;

import java.util.Map;
import java.util.Set;

/** The schedule table: one {@link RequerySchedule} per provider id, and a default for any other. */
public final class Schedules {

    public static final String DEFAULT = "default";

    private final Map<String, RequerySchedule> byProvider;

    public Schedules(Map<String, RequerySchedule> byProvider) {
        if (!byProvider.containsKey(DEFAULT)) {
            throw new IllegalArgumentException("The schedule table needs a '" + DEFAULT + "' entry");
        }
        this.byProvider = Map.copyOf(byProvider);
    }

    public RequerySchedule forProvider(String provider) {
        return byProvider.getOrDefault(provider, byProvider.get(DEFAULT));
    }

    public Set<String> providers() {
        return byProvider.keySet();
    }
}
