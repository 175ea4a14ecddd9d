package com.vendstream.sandbox.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** Each provider sandbox registers its magic-account table here, so the admin API can show it. */
@Component
public class ScenarioRegistry {

    private final Map<String, ScenarioTable> tables = new ConcurrentHashMap<>();

    public ScenarioTable register(String provider, ScenarioTable table) {
        tables.put(provider, table);
        return table;
    }

    public ScenarioTable table(String provider) {
        return tables.get(provider);
    }

    public Map<String, ScenarioTable> all() {
        return new TreeMap<>(tables);
    }
}
