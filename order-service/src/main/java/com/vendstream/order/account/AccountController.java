package com.vendstream.order.account;

import com.vendstream.events.RejectionReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.order.Inputs;
import com.vendstream.order.api.MerchantAuthFilter;
import com.vendstream.order.api.Problems;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.order.order.AccountMasking;
import com.vendstream.providers.AccountVerification;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Account lookup before ordering: phone, meter (prepaid/postpaid), smartcard, JAMB profile, Smile email, bill account. */
@RestController
@RequestMapping("/v1/accounts")
public class AccountController {

    /** @param subMerchantId the outlet asking, when it is one: verification stays within its catalogue */
    public record VerifyRequest(String service, String billerId, String itemId, String account, String subMerchantId) {
        @Override
        public String toString() {
            return "VerifyRequest[service=" + service + ", billerId=" + billerId + ", itemId=" + itemId + ", account="
                    + AccountMasking.account(account) + ", subMerchantId=" + subMerchantId + "]";
        }
    }

    public record VerifyResponse(String status, String account, String customerName, Map<String, String> details,
                                 String verificationReference, String message) {
    }

    private final AccountVerifier verifier;

    public AccountController(AccountVerifier verifier) {
        this.verifier = verifier;
    }

    @PostMapping("/verify")
    public Mono<VerifyResponse> verify(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                       @RequestBody VerifyRequest body) {
        if (body == null || body.service() == null || body.billerId() == null || body.account() == null
                || body.account().isBlank()) {
            throw Problems.invalid(List.of("service, billerId and account are required"));
        }
        String account = Inputs.trimSpaces(body.account());
        if (!Inputs.matches(Inputs.TEXT, account) || !optionalText(body.itemId()) || !optionalText(body.subMerchantId())) {
            // The shape an order's fields must have: printable ASCII, no control or formatting characters.
            throw Problems.invalid(List.of("account, itemId and subMerchantId must be 1-64 printable ASCII characters"));
        }
        ServiceCategory service;
        try {
            service = ServiceCategory.valueOf(body.service().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problems.invalid(List.of("unknown service " + body.service()));
        }
        String billerId = body.billerId().toUpperCase(Locale.ROOT);
        return Mono.fromCallable(() -> {
                    verifier.refusal(merchant.id(), body.subMerchantId(), service, billerId).ifPresent(refusal -> {
                        throw refusal.reason() == RejectionReason.UNKNOWN_BILLER
                                ? Problems.notFound("Biller " + body.billerId())
                                : Problems.refused(HttpStatus.UNPROCESSABLE_CONTENT, refusal.reason().name(),
                                        "Not available", refusal.message());
                    });
                    return verifier.verify(service, billerId, body.itemId(), account)
                            .orElseThrow(() -> Problems.notFound("Biller " + body.billerId()));
                })
                .subscribeOn(Schedulers.boundedElastic())
                .map(verification -> {
                    AccountVerification v = verification.answer();
                    if (v.status() == AccountVerification.Status.INVALID) {
                        throw Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-account", "Invalid account",
                                v.message() == null ? "The provider does not know this account"
                                        : AccountMasking.text(v.message(), account));
                    }
                    if (v.status() == AccountVerification.Status.UNAVAILABLE) {
                        throw unavailable(verification.retryAfter());
                    }
                    // The account as sent, and any copy of it in the provider's details, shown masked.
                    return new VerifyResponse(v.status().name(), AccountMasking.account(account), v.customerName(),
                            AccountMasking.fields(v.details(), account), v.verificationReference(),
                            AccountMasking.text(v.message(), account));
                });
    }

    /**
     * 503 {@code verification-unavailable}, reason code {@code PROVIDER_UNAVAILABLE}, whether the providers were
     * asked and could not answer or our guards kept the lookup back (a provider's circuit open, its call slots
     * busy); in the latter case with {@code Retry-After}: when the guards let a lookup through again.
     */
    private static ErrorResponseException unavailable(Duration retryAfter) {
        ErrorResponseException e = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "verification-unavailable",
                "Verification unavailable", "The account could not be verified right now; try again");
        e.getBody().setProperty("reasonCode", "PROVIDER_UNAVAILABLE");
        if (retryAfter != null) {
            // Whole seconds, rounded up: a client that waits what it is told finds the guards open again.
            long seconds = Math.max(1, retryAfter.plusMillis(999).toSeconds());
            e.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        }
        return e;
    }

    private static boolean optionalText(String value) {
        return value == null || Inputs.matches(Inputs.TEXT, value);
    }
}
