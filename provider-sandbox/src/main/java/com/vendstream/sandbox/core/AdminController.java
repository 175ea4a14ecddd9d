package com.vendstream.sandbox.core;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The sandbox's own controls: the call record, the books, fault injection, latency, reset. See README. */
@RestController
@RequestMapping("/sandbox/admin")
public class AdminController {

    private final CallRecord record;
    private final Faults faults;
    private final Latency latency;
    private final Transactions transactions;
    private final Throttle throttle;
    private final ScenarioRegistry scenarios;
    private final List<Resettable> providers;

    public AdminController(CallRecord record, Faults faults, Latency latency, Transactions transactions,
                           Throttle throttle, ScenarioRegistry scenarios, List<Resettable> providers) {
        this.record = record;
        this.faults = faults;
        this.latency = latency;
        this.transactions = transactions;
        this.throttle = throttle;
        this.scenarios = scenarios;
        this.providers = providers;
    }

    @GetMapping("/calls")
    public List<CallRecord.Call> calls(@RequestParam(required = false) String provider,
                                       @RequestParam(required = false) String operation,
                                       @RequestParam(required = false) String reference) {
        return record.calls(provider, operation, reference);
    }

    /**
     * Vends performed for one reference (or account), or, without filters, the largest count over all
     * references: the at-most-once witness.
     */
    @GetMapping("/vends")
    public Map<String, Object> vends(@RequestParam(required = false) String provider,
                                     @RequestParam(required = false) String reference,
                                     @RequestParam(required = false) String account) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (provider != null && reference != null) {
            out.put("provider", provider);
            out.put("reference", reference);
            out.put("vends", record.vendCount(provider, reference));
            out.put("vendRequests", record.vendRequests(provider, reference));
            return out;
        }
        if (provider != null && account != null) {
            out.put("provider", provider);
            out.put("vends", record.vendCountForAccount(provider, account));
            return out;
        }
        out.put("maxVendsPerReference", record.maxVendsPerReference());
        out.put("references", record.vendedReferences());
        return out;
    }

    /** A provider's books (what requery and reports see); {@code day} is a UTC date. */
    @GetMapping("/transactions")
    public List<SandboxTransaction> transactions(@RequestParam(required = false) String provider,
                                                 @RequestParam(required = false) LocalDate day) {
        return transactions.list(provider, day, ZoneOffset.UTC);
    }

    /** A person resolving a stuck transaction at the provider. */
    @PostMapping("/transactions/{provider}/{reference}/resolve")
    public SandboxTransaction resolve(@PathVariable String provider, @PathVariable String reference,
                                      @RequestParam Scenario.Status status) {
        SandboxTransaction tx = transactions.find(provider, reference);
        if (tx == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such transaction");
        }
        tx.resolve(status);
        return tx;
    }

    /** The provider's books disagree on the amount (a partial vend, a fee mix-up): reconciliation must see it. */
    @PostMapping("/transactions/{provider}/{reference}/amend")
    public SandboxTransaction amend(@PathVariable String provider, @PathVariable String reference,
                                    @RequestParam long amountMinor) {
        SandboxTransaction tx = transactions.find(provider, reference);
        if (tx == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such transaction");
        }
        tx.amend(amountMinor);
        return tx;
    }

    @GetMapping("/scenarios")
    public Map<String, List<ScenarioTable.Rule>> scenarios(@RequestParam(required = false) String provider) {
        Map<String, List<ScenarioTable.Rule>> out = new LinkedHashMap<>();
        scenarios.all().forEach((p, t) -> {
            if (provider == null || provider.equals(p)) {
                out.put(p, t.rules());
            }
        });
        return out;
    }

    /**
     * Arms a fault: the next {@code times} calls of {@code operation} ({@code *} = any) at {@code provider}
     * answer as {@code kind}; with {@code rate} (0..1) instead, that share of calls until disarmed.
     */
    @PostMapping("/faults")
    public Map<String, Object> fault(@RequestParam String provider,
                                     @RequestParam(defaultValue = "*") String operation,
                                     @RequestParam Scenario kind, @RequestParam(defaultValue = "1") int times,
                                     @RequestParam(required = false) Double rate) {
        if (rate != null) {
            faults.armRate(provider, operation, kind, rate);
        } else {
            faults.arm(provider, operation, kind, times);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", provider);
        out.put("operation", operation);
        out.put("kind", kind);
        out.put(rate != null ? "rate" : "times", rate != null ? rate : times);
        return out;
    }

    @GetMapping("/faults")
    public List<Faults.Armed> faults() {
        return faults.armed();
    }

    @DeleteMapping("/faults")
    public Map<String, Object> disarm(@RequestParam(required = false) String provider,
                                      @RequestParam(defaultValue = "*") String operation) {
        if (provider == null) {
            faults.reset();
        } else {
            faults.disarm(provider, operation);
        }
        return Map.of("disarmed", true);
    }

    @PutMapping("/latency")
    public Map<String, Object> latency(@RequestParam String provider, @RequestParam Duration value) {
        latency.set(provider, value);
        return Map.of("provider", provider, "latency", value.toString());
    }

    @GetMapping("/latency")
    public Map<String, Object> latency(@RequestParam String provider) {
        return Map.of("provider", provider, "latency", latency.of(provider).toString());
    }

    /** Forgets everything: calls, books, faults, throttles, latency overrides, provider sessions. */
    @PostMapping("/reset")
    public Map<String, Object> reset() {
        record.reset();
        faults.reset();
        transactions.reset();
        throttle.reset();
        latency.reset();
        providers.forEach(Resettable::reset);
        return Map.of("reset", true);
    }
}
