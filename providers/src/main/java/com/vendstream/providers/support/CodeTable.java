package com.vendstream.providers.support;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A provider's code table: data, not branches. A code that is not in the table is PENDING with
 * {@link PendingCause#UNKNOWN_CODE}, never FAILED. The tables in the module README are rendered from
 * here ({@link #toMarkdown()}), so the documentation and the behaviour are one source.
 */
public final class CodeTable {

    private final List<CodeRule> rules;
    private final Map<String, CodeRule> byCode;

    public CodeTable(List<CodeRule> rules) {
        this.rules = List.copyOf(rules);
        this.byCode = rules.stream().collect(Collectors.toMap(CodeRule::code, Function.identity()));
    }

    public List<CodeRule> rules() {
        return rules;
    }

    public Optional<CodeRule> rule(String code) {
        return Optional.ofNullable(code == null ? null : byCode.get(code.trim()));
    }

    /** Whether the code is the provider's rate-limit answer (a throttled row); false for a code not in the table. */
    public boolean throttled(String code) {
        return rule(code).map(CodeRule::throttled).orElse(false);
    }

    /**
     * The outcome a code means on its own. SUCCEEDED rows need the provider's body to build a result,
     * so {@code success} supplies it.
     */
    public VendOutcome outcome(String code, String message, String providerTransactionId,
                               Function<CodeRule, VendOutcome> success) {
        CodeRule r = rule(code).orElse(null);
        if (r == null) {
            return new VendOutcome.Pending(code, PendingCause.UNKNOWN_CODE, message, providerTransactionId);
        }
        return switch (r.outcome()) {
            case SUCCEEDED -> success.apply(r);
            case FAILED -> new VendOutcome.Failed(code, r.failureClass(), message == null ? r.meaning() : message,
                    r.beforeProcessing());
            case PENDING -> VendOutcome.Pending.of(r, code, PendingCause.PROVIDER_PENDING,
                    message == null ? r.meaning() : message, providerTransactionId);
            case NOT_SENT -> notSent(code, message, r.retryAfter());
        };
    }

    /**
     * A NOT_SENT row's outcome with a wait the connector knows better than the table (e.g. the time
     * left in a meter's window).
     */
    public VendOutcome.NotSent notSent(String code, String message, Duration retryAfter) {
        CodeRule r = rule(code).filter(x -> x.outcome() == CodeRule.Outcome.NOT_SENT)
                .orElseThrow(() -> new IllegalArgumentException("no NOT_SENT row for " + code));
        return new VendOutcome.NotSent(code, r.notSentReason(), message == null ? r.meaning() : message, retryAfter);
    }

    /** The table as the module README shows it. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("| code | outcome | failure class / reason | decision | before processing | meaning |\n")
                .append("|---|---|---|---|---|---|\n");
        for (CodeRule r : rules) {
            String kind = r.outcome() == CodeRule.Outcome.NOT_SENT
                    ? r.notSentReason() + ", retry after " + describe(r.retryAfter())
                    : r.failureClass() != null ? r.failureClass().name() : r.throttled() ? "throttled" : "";
            String before = r.outcome() == CodeRule.Outcome.FAILED || r.outcome() == CodeRule.Outcome.NOT_SENT
                    ? (r.beforeProcessing() ? "yes" : "no") : "";
            md.append("| `").append(r.code()).append("` | ").append(r.outcome()).append(" | ").append(kind).append(" | ")
                    .append(r.decision()).append(" | ").append(before).append(" | ").append(r.meaning()).append(" |\n");
        }
        return md.toString();
    }

    private static String describe(Duration d) {
        if (d == null || d.isZero()) {
            return "0 s";
        }
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
