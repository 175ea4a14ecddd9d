package com.vendstream.sandbox.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The sandbox's own controls: the call record, fault injection, latency, reset. */
@RestController
@RequestMapping("/sandbox/admin")
public class AdminController {

    private final CallRecord record;
    private final Faults faults;
    private final Latency latency;

    public AdminController(CallRecord record, Faults faults, Latency latency) {
        this.record = record;
        this.faults = faults;
        this.latency = latency;
    }

    @GetMapping("/calls")
    public List<CallRecord.Call> calls(@RequestParam(required = false) String provider,
                                       @RequestParam(required = false) String operation,
                                       @RequestParam(required = false) String reference) {
        return record.calls(provider, operation, reference);
    }

    /** Vends performed for one reference, or the largest count over all references. */
    @GetMapping("/vends")
    public Map<String, Object> vends(@RequestParam(required = false) String provider,
                                     @RequestParam(required = false) String reference) {
        if (provider != null && reference != null) {
            return Map.of("provider", provider, "reference", reference, "vends", record.vendCount(provider, reference));
        }
        return Map.of("maxVendsPerReference", record.maxVendsPerReference(), "references", record.vendedReferences());
    }

    @PostMapping("/faults")
    public Map<String, Object> fault(@RequestParam String provider, @RequestParam String operation,
                                     @RequestParam Faults.Kind kind, @RequestParam(defaultValue = "1") int times) {
        faults.arm(provider, operation, kind, times);
        return Map.of("provider", provider, "operation", operation, "kind", kind, "times", times);
    }

    @PutMapping("/latency")
    public Map<String, Object> latency(@RequestParam String provider, @RequestParam Duration value) {
        latency.set(provider, value);
        return Map.of("provider", provider, "latency", value.toString());
    }

    @PostMapping("/reset")
    public Map<String, Object> reset() {
        record.reset();
        faults.reset();
        return Map.of("reset", true);
    }
}
