package com.vendstream.recon.api;

import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.kit.web.Problems;
import com.vendstream.recon.ReconProperties;
import com.vendstream.recon.access.FinanceUser;
import com.vendstream.recon.api.ReconJson.DiscrepancyView;
import com.vendstream.recon.discrepancy.Discrepancy;
import com.vendstream.recon.discrepancy.DiscrepancyHandling;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Discrepancies for finance: the list (by day, provider and status) with evidence, its CSV, and the two changes a
 * person makes, acknowledge and resolve (FINANCE only: FinanceAuthFilter lets READ_ONLY users read only).
 *
 * <p>Who acted: the back office (ops-service) calls with a credential of its own, configured as acting for others
 * ({@code vendstream.recon.users[i].acts-for-others}), and names its logged-in user in {@value #ACTING_USER};
 * both are recorded, {@code <user> via <credential>} (e.g. {@code fatima via ops-service}), so the name is never
 * separated from whoever vouched for it. Any other credential sending the header is refused (403
 * {@code acting-for-others-not-allowed}): a finance API user could otherwise record a change as any back-office
 * user, with no entry in the back office's audit trail. Without the header the finance API user's own name is
 * recorded, as {@code api:<name>} (as a close records it).
 */
@RestController
@RequestMapping("/v1/recon")
public class DiscrepancyController {

    /** The back-office user on whose behalf the finance credential acts. */
    public static final String ACTING_USER = "X-Vendstream-Acting-User";
    /** A back-office user name (ops-service's rule), so nothing else can be written in its place. */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    static final int MAX_NOTE = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Logger log = LoggerFactory.getLogger(DiscrepancyController.class);

    private final DiscrepancyStore discrepancies;
    private final DiscrepancyHandling handling;
    private final DayLimits days;

    public DiscrepancyController(DiscrepancyStore discrepancies, DiscrepancyHandling handling,
                                 ReconProperties properties, Clock clock) {
        this.discrepancies = discrepancies;
        this.handling = handling;
        this.days = new DayLimits(properties.earliestDay(), clock);
    }

    @GetMapping("/discrepancies")
    public Mono<List<DiscrepancyView>> discrepancies(@RequestParam(required = false) String day,
                                                     @RequestParam(required = false) String provider,
                                                     @RequestParam(required = false) String status,
                                                     @RequestParam(required = false) String merchantId) {
        LocalDate d = days.parse(day);
        DiscrepancyStatus s = status(status);
        String m = MerchantFilter.of(merchantId, null);
        return ReconController.blocking(() -> discrepancies.list(d, s, null, ReconController.blankToNull(provider), m)
                .stream().map(DiscrepancyView::of).toList());
    }

    /** The same selection as {@link #discrepancies} as CSV; columns in {@link DiscrepancyCsv#HEADER}. */
    @GetMapping("/discrepancies.csv")
    public Mono<ResponseEntity<String>> csv(@RequestParam(required = false) String day,
                                            @RequestParam(required = false) String provider,
                                            @RequestParam(required = false) String status,
                                            @RequestParam(required = false) String merchantId) {
        LocalDate d = days.parse(day);
        DiscrepancyStatus s = status(status);
        String p = ReconController.blankToNull(provider);
        String m = MerchantFilter.of(merchantId, null);
        return ReconController.blocking(() -> ResponseEntity.ok().contentType(ReconController.CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"discrepancies-" + d
                        + (m == null ? "" : "-" + m) + ".csv\"")
                .body(DiscrepancyCsv.render(discrepancies.list(d, s, null, p, m))));
    }

    /** Body {@code {"note": "..."}} (optional). Acknowledging again answers the first acknowledgement. */
    @PostMapping("/discrepancies/{id}/acknowledge")
    public Mono<DiscrepancyView> acknowledge(@PathVariable String id,
                                             @RequestHeader(name = ACTING_USER, required = false) String actingUser,
                                             @RequestBody(required = false) String body,
                                             @RequestAttribute(FinanceAuthFilter.USER) FinanceUser user) {
        JsonNode json = body(body);
        String note = note(json, false);
        String by = actor(actingUser, user);
        return ReconController.blocking(() -> {
            log.info("Acknowledgement of discrepancy {} by {}", id, by);
            return view(id, () -> handling.acknowledge(id, by, note));
        });
    }

    /**
     * Body {@code {"resolution": "RECOVERED|WRITTEN_OFF|REFUNDED", "note": "..."}}, the note required (money
     * written off or refunded by hand needs its reason). The same resolution again answers the first; another
     * one is 409 {@code already-resolved}.
     */
    @PostMapping("/discrepancies/{id}/resolve")
    public Mono<DiscrepancyView> resolve(@PathVariable String id,
                                         @RequestHeader(name = ACTING_USER, required = false) String actingUser,
                                         @RequestBody(required = false) String body,
                                         @RequestAttribute(FinanceAuthFilter.USER) FinanceUser user) {
        JsonNode json = body(body);
        DiscrepancyResolution resolution = resolution(json.path("resolution"));
        String note = note(json, true);
        String by = actor(actingUser, user);
        return ReconController.blocking(() -> {
            log.info("Resolution {} of discrepancy {} by {}", resolution, id, by);
            return view(id, () -> handling.resolve(id, resolution, by, note));
        });
    }

    private static DiscrepancyView view(String id, java.util.function.Supplier<Optional<Discrepancy>> change) {
        try {
            return change.get().map(DiscrepancyView::of).orElseThrow(() -> Problems.of(HttpStatus.NOT_FOUND,
                    "no-such-discrepancy", "Not found", "No discrepancy has the id " + id));
        } catch (Discrepancy.StateConflict e) {
            throw Problems.of(HttpStatus.CONFLICT, "already-resolved", "Conflict", e.getMessage());
        }
    }

    /** Who is recorded as having acted; see the class comment. */
    static String actor(String actingUser, FinanceUser user) {
        if (actingUser == null) {
            return "api:" + user.name();
        }
        if (!user.actsForOthers()) {
            log.warn("Refused: finance user {} named another user in {} but may not act for others", user.name(),
                    ACTING_USER);
            throw Problems.of(HttpStatus.FORBIDDEN, "acting-for-others-not-allowed", "Forbidden", "This credential"
                    + " may not act for another user: leave out " + ACTING_USER + " to act as yourself");
        }
        if (!USER_NAME.matcher(actingUser).matches()) {
            throw Problems.invalid(ACTING_USER + " must be a back-office user name (1-64 of A-Z a-z 0-9 . _ @ -)");
        }
        return actingUser + " via " + user.name();
    }

    private static JsonNode body(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (!json.isObject()) {
                throw Problems.invalid("The body must be a JSON object");
            }
            return json;
        } catch (JacksonException e) {
            throw Problems.invalid("The body is not JSON");
        }
    }

    private static String note(JsonNode json, boolean required) {
        JsonNode note = json.path("note");
        if (note.isMissingNode() || note.isNull() || (note.isString() && note.asString().isBlank())) {
            if (required) {
                throw Problems.invalid("note is required: say why (e.g. the provider's credit note, the refund)");
            }
            return null;
        }
        if (!note.isString()) {
            throw Problems.invalid("note must be a string");
        }
        String text = note.asString().strip();
        if (text.length() > MAX_NOTE) {
            throw Problems.invalid("note may have at most " + MAX_NOTE + " characters");
        }
        return text;
    }

    private static DiscrepancyResolution resolution(JsonNode value) {
        List<String> allowed = Arrays.stream(DiscrepancyResolution.values())
                .filter(r -> r != DiscrepancyResolution.OTHER).map(Enum::name).toList();
        if (!value.isString() || !allowed.contains(value.asString())) {
            throw Problems.invalid("resolution must be one of " + String.join(", ", allowed));
        }
        return DiscrepancyResolution.valueOf(value.asString());
    }

    static DiscrepancyStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            DiscrepancyStatus s = DiscrepancyStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
            if (s == DiscrepancyStatus.OTHER) {
                throw new IllegalArgumentException();
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw Problems.invalid("status must be OPEN, ACKNOWLEDGED or RESOLVED");
        }
    }
}
