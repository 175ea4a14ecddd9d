package com.vendstream.order.account;

import com.vendstream.events.ServiceCategory;
import com.vendstream.order.api.MerchantAuthFilter;
import com.vendstream.order.api.Problems;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.Masking;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Account lookup before ordering: phone, meter (prepaid/postpaid), smartcard, JAMB profile, Smile email, bill account. */
@RestController
@RequestMapping("/v1/accounts")
public class AccountController {

    public record VerifyRequest(String service, String billerId, String itemId, String account) {
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
        ServiceCategory service;
        try {
            service = ServiceCategory.valueOf(body.service().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problems.invalid(List.of("unknown service " + body.service()));
        }
        return Mono.fromCallable(() -> verifier.verify(service, body.billerId().toUpperCase(Locale.ROOT), body.itemId(),
                        body.account().trim())
                        .orElseThrow(() -> Problems.notFound("Biller " + body.billerId())))
                .subscribeOn(Schedulers.boundedElastic())
                .map(v -> {
                    if (v.status() == AccountVerification.Status.INVALID) {
                        throw Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-account", "Invalid account",
                                v.message() == null ? "The provider does not know this account" : v.message());
                    }
                    if (v.status() == AccountVerification.Status.UNAVAILABLE) {
                        throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "verification-unavailable",
                                "Verification unavailable", "The account could not be verified right now; try again");
                    }
                    return new VerifyResponse(v.status().name(), Masking.account(body.account()), v.customerName(),
                            v.details(), v.verificationReference(), v.message());
                });
    }
}
