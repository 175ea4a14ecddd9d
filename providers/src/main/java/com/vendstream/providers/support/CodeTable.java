package com.vendstream.providers.support;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A provider's code table: data, not branches. A code that is not in the table is PENDING with
 * {@link PendingCause#UNKNOWN_CODE}, never FAILED.
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
            case PENDING -> new VendOutcome.Pending(code, PendingCause.PROVIDER_PENDING,
                    message == null ? r.meaning() : message, providerTransactionId);
        };
    }
}
