package com.vendstream.recon.day;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

/**
 * Merchants' business days. Orders count towards the business date their events carry (order-service
 * stamps it in the merchant's zone); the zone configured here decides when that day is over, i.e.
 * the cut-off after which an order still without an outcome counts as pending at cut-off.
 */
public class BusinessCalendar {

    private final ZoneId defaultZone;
    private final Map<String, ZoneId> merchantZones;

    public BusinessCalendar(ZoneId defaultZone, Map<String, ZoneId> merchantZones) {
        this.defaultZone = defaultZone;
        this.merchantZones = Map.copyOf(merchantZones);
    }

    public ZoneId zoneOf(String merchantId) {
        return merchantId == null ? defaultZone : merchantZones.getOrDefault(merchantId, defaultZone);
    }

    public ZoneId defaultZone() {
        return defaultZone;
    }

    /** Midnight at the end of the merchant's business day. */
    public Instant cutoff(String merchantId, LocalDate day) {
        return day.plusDays(1).atStartOfDay(zoneOf(merchantId)).toInstant();
    }

    /** The latest cut-off of the day among the given merchants (the default zone's when there are none). */
    public Instant latestCutoff(LocalDate day, Iterable<String> merchants) {
        Instant latest = null;
        for (String m : merchants) {
            Instant c = cutoff(m, day);
            if (latest == null || c.isAfter(latest)) {
                latest = c;
            }
        }
        return latest == null ? day.plusDays(1).atStartOfDay(defaultZone).toInstant() : latest;
    }
}
