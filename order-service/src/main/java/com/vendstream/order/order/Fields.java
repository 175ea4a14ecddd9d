package com.vendstream.order.order;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a change records on an order: field paths exactly as {@link OrderLifecycle#records()} names them
 * ({@code "payment.pendingAt"}), each with its value. A value is a string, a number, an {@link java.time.Instant},
 * a list, a map or a nested {@code Fields} (a sub-record, its keys in the order given), or null (the field is
 * cleared). How they are kept is the store's business ({@link OrderStore}).
 */
public final class Fields {

    private final Map<String, Object> values;

    private Fields(Map<String, Object> values) {
        this.values = values;
    }

    /** Nothing recorded. */
    public static Fields none() {
        return new Fields(Map.of());
    }

    public static Fields of(String path, Object value) {
        return none().and(path, value);
    }

    /** These fields and {@code path} set to {@code value} (replacing a value given before). */
    public Fields and(String path, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(values);
        more.put(path, value);
        return new Fields(Collections.unmodifiableMap(more));
    }

    /** These fields and all of {@code others} (theirs replacing ours). */
    public Fields and(Fields others) {
        Map<String, Object> more = new LinkedHashMap<>(values);
        more.putAll(others.values);
        return new Fields(Collections.unmodifiableMap(more));
    }

    public Set<String> paths() {
        return values.keySet();
    }

    /** The paths and their values, in the order given. */
    public Map<String, Object> values() {
        return values;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fields f && f.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "Fields" + values.keySet();
    }
}
