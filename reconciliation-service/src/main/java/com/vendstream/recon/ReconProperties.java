package com.vendstream.recon;

import java.time.Duration;
import com.vendstream.recon.access.FinanceRole;
import com.vendstream.recon.access.FinanceUsers;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code vendstream.recon}.
 *
 * @param defaultTimeZone         zone of merchants not listed in {@code merchants}
 * @param merchants               per merchant id: its business-day time zone
 * @param autoClose               closing days on a schedule once cut-off plus grace has passed
 * @param rematch                 re-running provider matching of recently closed days
 * @param maxRequeriesPerProvider a day with more vends at a requery-only provider is not matched
 *                                (reported as unavailable) rather than flooding the provider
 * @param users                   who may use the HTTP API: name, SHA-256 of the bearer token, roles, and
 *                                whether it may act for others (the back office's credential)
 * @param earliestDay             the first business day the API accepts (nothing was traded before it)
 * @param finishInterruptedAfter  a day marked closed this long ago whose close never finished (a crash between
 *                                the mark and the matching) is finished on the auto-close schedule
 */
@ConfigurationProperties("vendstream.recon")
public record ReconProperties(@DefaultValue("UTC") ZoneId defaultTimeZone,
                              @DefaultValue Map<String, Merchant> merchants,
                              @DefaultValue AutoClose autoClose,
                              @DefaultValue Rematch rematch,
                              @DefaultValue("5000") int maxRequeriesPerProvider,
                              @DefaultValue("false") boolean earlyCloseAllowed,
                              @DefaultValue List<User> users,
                              @DefaultValue("2020-01-01") LocalDate earliestDay,
                              @DefaultValue("PT10M") Duration finishInterruptedAfter) {

    /** A user of the reconciliation API; see {@link FinanceUsers}. */
    public record User(String name, String tokenSha256, Set<FinanceRole> roles,
                       @DefaultValue("false") boolean actsForOthers) {
    }

    public record Merchant(ZoneId timeZone) {
    }

    /** @param grace how long after a day's cut-off late outcomes are waited for before the close */
    public record AutoClose(@DefaultValue("true") boolean enabled, @DefaultValue("PT2H") Duration grace,
                            @DefaultValue("PT5M") Duration interval) {
    }

    /**
     * @param window           how far back closed days are rematched
     * @param unansweredWindow how far back a closed day is still rematched while providers left some of its
     *                         vends without an answer (throttled, down, timing out)
     */
    public record Rematch(@DefaultValue("true") boolean enabled, @DefaultValue("P3D") Duration window,
                          @DefaultValue("PT30M") Duration interval,
                          @DefaultValue("P30D") Duration unansweredWindow) {
    }
}
