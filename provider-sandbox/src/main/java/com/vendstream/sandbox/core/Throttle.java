package com.vendstream.sandbox.core;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * Provider-side throttles keyed by anything (a meter, a biller code, a token): one use per window, a
 * daily cap, and a rolling per-minute budget. Atomic per key, so concurrent callers cannot both pass.
 */
@Component
public class Throttle {

    private final Map<String, Instant> lastUse = new ConcurrentHashMap<>();
    private final Map<String, Integer> daily = new ConcurrentHashMap<>();
    private final Map<String, long[]> minute = new ConcurrentHashMap<>();

    /** True, and the use recorded, when {@code key} was not used within {@code window} before {@code now}. */
    public boolean once(String provider, String key, Duration window, Instant now) {
        if (window.isZero() || window.isNegative()) {
            return true;
        }
        AtomicBoolean ok = new AtomicBoolean();
        lastUse.compute(provider + "/" + key, (k, last) -> {
            if (last == null || !now.isBefore(last.plus(window))) {
                ok.set(true);
                return now;
            }
            return last;
        });
        return ok.get();
    }

    /** True, and counted, while {@code key} has had fewer than {@code cap} uses on {@code now}'s day. */
    public boolean daily(String provider, String key, int cap, Instant now, ZoneId zone) {
        if (cap <= 0) {
            return true;
        }
        LocalDate day = now.atZone(zone).toLocalDate();
        AtomicBoolean ok = new AtomicBoolean();
        daily.compute(provider + "/" + key + "/" + day, (k, n) -> {
            int used = n == null ? 0 : n;
            if (used < cap) {
                ok.set(true);
                return used + 1;
            }
            return used;
        });
        return ok.get();
    }

    /** True, and counted, while {@code key} has had fewer than {@code perMinute} uses in the current minute. */
    public boolean perMinute(String provider, String key, int perMinute, Instant now) {
        if (perMinute <= 0) {
            return true;
        }
        long thisMinute = now.getEpochSecond() / 60;
        AtomicBoolean ok = new AtomicBoolean();
        minute.compute(provider + "/" + key, (k, w) -> {
            long[] window = w == null || w[0] != thisMinute ? new long[] {thisMinute, 0} : w;
            if (window[1] < perMinute) {
                window[1]++;
                ok.set(true);
            }
            return window;
        });
        return ok.get();
    }

    public void reset() {
        lastUse.clear();
        daily.clear();
        minute.clear();
    }
}
