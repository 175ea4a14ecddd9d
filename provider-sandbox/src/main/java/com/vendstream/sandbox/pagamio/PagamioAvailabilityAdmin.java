package com.vendstream.sandbox.pagamio;

import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Switches a Pagamio product on or off for one sub-merchant, as Pagamio's operators do, so tests and
 * demos can watch a catalogue follow per-sub-merchant availability. {@code /sandbox/admin/reset}
 * restores the fixtures.
 */
@RestController
@RequestMapping("/sandbox/admin/pagamio")
public class PagamioAvailabilityAdmin {

    private final PagamioSandbox pagamio;

    public PagamioAvailabilityAdmin(PagamioSandbox pagamio) {
        this.pagamio = pagamio;
    }

    @PutMapping("/sub-merchants/{subMerchantId}/products/{productCode}")
    public Map<String, Object> setActive(@PathVariable String subMerchantId, @PathVariable String productCode,
                                         @RequestParam boolean active) {
        pagamio.setActive(subMerchantId, productCode, active);
        return Map.of("subMerchantId", subMerchantId, "productCode", productCode, "active", active);
    }
}
