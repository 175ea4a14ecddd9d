package com.vendstream.sandbox.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Magic accounts of one provider: exact values (the provider's documented test values), then the
 * generic suffixes every provider shares, then prefixes, then a fallback. Documented values come first
 * so that a provider's own sandbox numbers always behave as its documentation says.
 *
 * <p>Generic suffixes (last four digits of the account; with {@code checkDigit} the four before the
 * last digit, so Luhn-checked meters can carry them): 9900 success, 9901 fail, 9902 pending then
 * success, 9903 pending then fail, 9904 pending forever, 9905 timeout after processing, 9906 connection
 * reset, 9907 5xx, 9908 429, 9909 garbage, 9910 provider throttle, 9911 insufficient float.
 */
public final class ScenarioTable {

    public static final Map<String, Scenario> GENERIC_SUFFIXES;

    static {
        Map<String, Scenario> m = new LinkedHashMap<>();
        Scenario[] order = {Scenario.SUCCESS, Scenario.FAIL, Scenario.PENDING_THEN_SUCCESS, Scenario.PENDING_THEN_FAIL,
                Scenario.PENDING_FOREVER, Scenario.TIMEOUT_AFTER_PROCESSING, Scenario.CONNECTION_RESET,
                Scenario.SERVER_ERROR, Scenario.TOO_MANY_REQUESTS, Scenario.GARBAGE, Scenario.THROTTLED,
                Scenario.INSUFFICIENT_FLOAT};
        for (int i = 0; i < order.length; i++) {
            m.put(String.format("99%02d", i), order[i]);
        }
        GENERIC_SUFFIXES = Map.copyOf(m);
    }

    /** One row, for the admin API and the README. */
    public record Rule(String match, String value, Scenario scenario) {
    }

    private final Map<String, Scenario> exact;
    private final List<Rule> prefixes;
    private final boolean checkDigit;
    private final Scenario fallback;

    private ScenarioTable(Map<String, Scenario> exact, List<Rule> prefixes, boolean checkDigit, Scenario fallback) {
        this.exact = Map.copyOf(exact);
        this.prefixes = List.copyOf(prefixes);
        this.checkDigit = checkDigit;
        this.fallback = fallback;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Scenario of(String account) {
        if (account == null) {
            return fallback;
        }
        String a = account.trim();
        Scenario s = exact.get(a);
        if (s != null) {
            return s;
        }
        s = genericSuffix(a);
        if (s != null) {
            return s;
        }
        for (Rule p : prefixes) {
            if (a.startsWith(p.value())) {
                return p.scenario();
            }
        }
        return fallback;
    }

    /** True when a rule other than the fallback decides the account. */
    public boolean isMagic(String account) {
        if (account == null) {
            return false;
        }
        return rules().stream().limit(rules().size() - 1L).anyMatch(r -> switch (r.match()) {
            case "exact" -> r.value().equals(account.trim());
            case "prefix" -> account.trim().startsWith(r.value());
            default -> false;
        }) || genericSuffix(account) != null;
    }

    private Scenario genericSuffix(String account) {
        String digits = account.trim().replaceAll("\\D", "");
        if (checkDigit && digits.length() > 1) {
            digits = digits.substring(0, digits.length() - 1);
        }
        return digits.length() >= 8 ? GENERIC_SUFFIXES.get(digits.substring(digits.length() - 4)) : null;
    }

    /** True for the provider's documented test values, which many callers share. */
    public boolean isDocumented(String account) {
        return account != null && exact.containsKey(account.trim());
    }

    public List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        exact.forEach((k, v) -> rules.add(new Rule("exact", k, v)));
        GENERIC_SUFFIXES.forEach((k, v) -> rules.add(new Rule(checkDigit ? "suffix before check digit" : "suffix", k, v)));
        rules.addAll(prefixes);
        rules.add(new Rule("otherwise", "*", fallback));
        return rules;
    }

    public static final class Builder {
        private final Map<String, Scenario> exact = new LinkedHashMap<>();
        private final List<Rule> prefixes = new ArrayList<>();
        private boolean checkDigit;
        private Scenario fallback = Scenario.SUCCESS;

        public Builder exact(String account, Scenario scenario) {
            exact.put(account, scenario);
            return this;
        }

        public Builder prefix(String prefix, Scenario scenario) {
            prefixes.add(new Rule("prefix", prefix, scenario));
            return this;
        }

        /** The account's last digit is a check digit; generic suffixes sit just before it. */
        public Builder checkDigit() {
            this.checkDigit = true;
            return this;
        }

        public Builder otherwise(Scenario scenario) {
            this.fallback = scenario;
            return this;
        }

        public ScenarioTable build() {
            return new ScenarioTable(exact, prefixes, checkDigit, fallback);
        }
    }
}
