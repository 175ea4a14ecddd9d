package com.vendstream.poller.schedule;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code vendstream.poller}.
 *
 * @param schedules  requery schedule per provider id, plus {@code default}
 * @param lease      how long one instance holds a requery it claimed; longer than any provider's
 *                   connect plus read timeout, so a live holder never loses it mid-call
 * @param threads    requeries in flight at once per instance
 * @param instanceId this instance's name in leases (defaults to a random id)
 */
@ConfigurationProperties("vendstream.poller")
public record PollerProperties(Map<String, RequerySchedule> schedules, Duration lease, Integer threads,
                               String instanceId) {

    public PollerProperties {
        schedules = schedules == null ? Map.of() : schedules;
        lease = lease == null ? Duration.ofMinutes(1) : lease;
        threads = threads == null ? 16 : threads;
    }
}
