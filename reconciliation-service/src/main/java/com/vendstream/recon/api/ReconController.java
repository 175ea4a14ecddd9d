package com.vendstream.recon.api;

import com.vendstream.kit.web.Problems;
import com.vendstream.recon.api.ReconJson.CloseView;
import com.vendstream.recon.api.ReconJson.LedgerView;
import com.vendstream.recon.api.ReconJson.RematchView;
import com.vendstream.recon.day.DayClosing;
import com.vendstream.recon.day.DayNotOverException;
import com.vendstream.recon.discrepancy.Matching;
import com.vendstream.recon.ledger.Ledger;
import com.vendstream.recon.ReconProperties;
import com.vendstream.recon.access.FinanceUser;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Finance's view of ledgers and the explicit day close (discrepancies: {@link DiscrepancyController}). */
@RestController
@RequestMapping("/v1/recon")
public class ReconController {

    static final MediaType CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);

    private static final Logger log = LoggerFactory.getLogger(ReconController.class);

    private final DayClosing closing;
    private final boolean earlyCloseAllowed;
    private final DayLimits days;

    public ReconController(DayClosing closing, ReconProperties properties,
                           Clock clock) {
        this.closing = closing;
        this.earlyCloseAllowed = properties.earlyCloseAllowed();
        this.days = new DayLimits(properties.earliestDay(), clock);
    }

    /** {@code merchant} is the older name of {@code merchantId}, still accepted. */
    @GetMapping("/ledgers")
    public Mono<List<LedgerView>> ledgers(@RequestParam(required = false) String day,
                                          @RequestParam(required = false) String merchantId,
                                          @RequestParam(required = false) String merchant) {
        LocalDate d = days.parse(day);
        String m = MerchantFilter.of(merchantId, merchant);
        return blocking(() -> closing.ledgers(d, m).stream().map(LedgerView::of).toList());
    }

    /** Columns in {@link LedgerCsv#HEADER}, documented with their units in the README. */
    @GetMapping("/days/{day}/ledger.csv")
    public Mono<ResponseEntity<String>> csv(@PathVariable String day,
                                            @RequestParam(required = false) String merchantId) {
        LocalDate d = days.parse(day);
        String m = MerchantFilter.of(merchantId, null);
        return blocking(() -> {
            List<Ledger> ledgers = closing.ledgers(d, m);
            boolean provisional = closing.closedDay(d).isEmpty();
            return ResponseEntity.ok().contentType(CSV)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"ledger-" + d
                            + (m == null ? "" : "-" + m) + (provisional ? "-provisional" : "") + ".csv\"")
                    .header("X-Recon-Provisional", Boolean.toString(provisional))
                    .body(LedgerCsv.render(ledgers));
        });
    }

    /** Idempotent: closing a closed day returns the first close (alreadyClosed=true) and changes nothing. */
    @PostMapping("/days/{day}/close")
    public Mono<CloseView> close(@PathVariable String day, @RequestParam(defaultValue = "false") boolean early,
                                 @RequestAttribute(FinanceAuthFilter.USER) FinanceUser user) {
        LocalDate d = days.parse(day);
        if (early && !earlyCloseAllowed) {
            throw Problems.of(HttpStatus.FORBIDDEN, "early-close-not-allowed", "Early close not allowed",
                    "This deployment closes a day only after its cut-off (vendstream.recon.early-close-allowed=false)");
        }
        return blocking(() -> {
            try {
                log.info("Close of business day {} requested by {}", d, user.name());
                return CloseView.of(closing.close(d, "api:" + user.name(), early));
            } catch (DayNotOverException e) {
                ErrorResponseException problem = Problems.of(HttpStatus.CONFLICT, "day-not-over", "Day not over",
                        e.getMessage());
                problem.getBody().setProperty("cutoff", e.cutoff().toString());
                throw problem;
            }
        });
    }

    /**
     * Re-runs the provider matching of a closed day now (rather than at the next scheduled rematch),
     * e.g. after a provider confirmed a disputed transaction; ledgers are recomputed, and only changes
     * are published.
     */
    @PostMapping("/days/{day}/rematch")
    public Mono<RematchView> rematch(@PathVariable String day,
                                     @RequestAttribute(FinanceAuthFilter.USER) FinanceUser user) {
        LocalDate d = days.parse(day);
        return blocking(() -> {
            if (closing.closedDay(d).isEmpty()) {
                throw Problems.of(HttpStatus.CONFLICT, "day-not-closed", "Day not closed",
                        "Business day " + d + " is not closed; close it first");
            }
            log.info("Rematch of business day {} requested by {}", d, user.name());
            Matching.Outcome outcome = closing.rematch(d);
            return new RematchView(d.toString(), outcome.byProvider(), outcome.unanswered());
        });
    }

    static <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
        // The stores use the reactive driver in blocking style; keep that off the event loop.
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
