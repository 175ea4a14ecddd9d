package com.vendstream.order.wallet;

import static com.vendstream.order.Inputs.matches;

import com.vendstream.order.Inputs;
import com.vendstream.order.api.MerchantAuthFilter;
import com.vendstream.order.api.PlacementAdmission;
import com.vendstream.order.api.OrderJson.Amount;
import com.vendstream.order.api.Problems;
import com.vendstream.order.api.TimeWindow;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.wallet.WalletLedger;
import com.vendstream.wallet.WalletLedger.Posting;
import com.vendstream.wallet.WalletLedger.TopUp;
import com.vendstream.wallet.WalletLedger.TopUpResult;
import com.vendstream.wallet.WalletLedger.Transfer;
import com.vendstream.wallet.WalletLedger.Wallet;
import com.vendstream.wallet.WalletRefusal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A merchant's wallets (its float and its customers' wallets), their statements, opening a
 * customer's wallet, its PIN, and top-ups from the float: the HTTP edge of wallet-ledger's
 * {@link WalletLedger}. Another merchant's wallet answers exactly
 * as an unknown one, so wallet ids cannot be probed. PINs are never logged or returned, and the PIN
 * hash never leaves the service; a wallet only says whether it has a PIN.
 */
@RestController
@RequestMapping("/v1/wallets")
public class WalletController {

    private static final Pattern CURRENCY = Inputs.CURRENCY;
    private static final Pattern REFERENCE = Inputs.REFERENCE;
    private static final Pattern PIN = Pattern.compile("\\d{4}");

    /**
     * @param customerId  the merchant's reference for the customer, for wallets opened through the API
     * @param lockedUntil set only while the wallet is locked after too many wrong PINs
     */
    public record WalletView(String walletId, String ownerType, String customerId, String currency, Amount balance,
                             boolean pinSet, Instant lockedUntil, Instant createdAt) {
    }

    public record OpenWallet(String customerId, String currency, String pin) {
        @Override
        public String toString() {
            // Merchants often use a phone number as the customer id: masked like any account.
            return "OpenWallet[customerId=" + com.vendstream.providers.Masking.account(customerId) + ", currency="
                    + currency + "]";
        }
    }

    public record ChangePin(String currentPin, String newPin) {
        @Override
        public String toString() {
            return "ChangePin[]";
        }
    }

    public record TopUpRequest(String reference, String fromWalletId, Amount amount) {
    }

    /**
     * @param failureReason the reason code when FAILED (nothing moved)
     * @param fromBalanceAfter the float's balance right after the debit; null before it, or if a crash hid it
     * @param toBalanceAfter the customer wallet's balance right after the credit; likewise
     */
    public record TopUpView(String transferId, String reference, String state, String fromWalletId,
                            String toWalletId, Amount amount, String failureReason, Amount fromBalanceAfter,
                            Amount toBalanceAfter, Instant createdAt, Instant updatedAt) {

        static TopUpView of(Transfer t) {
            return new TopUpView(t.transferId(), t.reference(), t.state().name(), t.fromWalletId(), t.toWalletId(),
                    new Amount(t.amountMinor(), t.currency()), t.failureReason(), amount(t.fromBalanceAfterMinor(),
                    t.currency()), amount(t.toBalanceAfterMinor(), t.currency()), t.createdAt(), t.updatedAt());
        }

        private static Amount amount(Long minor, String currency) {
            return minor == null ? null : new Amount(minor, currency);
        }
    }

    /**
     * @param kind OPENING, DEBIT, REFUND, TOPUP_OUT (from a float) or TOPUP_IN (to a customer's wallet)
     * @param amount signed: negative for a debit or TOPUP_OUT, positive otherwise
     * @param orderId the order of a DEBIT or REFUND
     * @param transferId the top-up of a TOPUP_OUT or TOPUP_IN
     * @param balanceAfter the wallet's balance right after this posting
     */
    public record PostingView(String postingId, long sequence, String kind, Amount amount, String orderId,
                              String transferId, Amount balanceAfter, Instant at) {
    }

    public record Statement(String walletId, String currency, Amount balance, int page, int size,
                            boolean hasMore, List<PostingView> postings) {
    }

    private final WalletLedger ledger;
    private final Clock clock;
    private final PlacementAdmission admission;

    public WalletController(WalletLedger ledger, Clock clock, PlacementAdmission admission) {
        this.ledger = ledger;
        this.clock = clock;
        this.admission = admission;
    }

    /**
     * Opens a customer's wallet with a zero balance: 201 when opened, 200 with the same wallet when the
     * merchant already opened one for this customer and currency (a PIN sent then is ignored).
     */
    @PostMapping
    public Mono<ResponseEntity<WalletView>> open(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                                 @RequestBody(required = false) OpenWallet body) {
        new Check(body)
                .require(matches(REFERENCE, body.customerId()), "customerId is required: 1-64 letters, digits or . _ : -")
                .require(matches(CURRENCY, body.currency()), "currency must be an ISO 4217 code such as NGN")
                .require(body.pin() == null || matches(PIN, body.pin()), "pin must be 4 digits")
                .done();
        return blocking(() -> {
            if (!ledger.hasFloat(merchant.id(), body.currency())) {
                throw refused(WalletRefusal.UNSUPPORTED_CURRENCY);
            }
            WalletLedger.Opened opened = ledger.open(merchant.id(), body.customerId(), body.currency(), body.pin());
            WalletView view = view(opened.wallet());
            return opened.created()
                    ? ResponseEntity.created(URI.create("/v1/wallets/" + view.walletId())).body(view)
                    : ResponseEntity.ok(view);
        });
    }

    /** Sets or changes the PIN; the current one is needed when the wallet has a PIN. 204 when changed. */
    @PutMapping("/{walletId}/pin")
    public Mono<ResponseEntity<Void>> changePin(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                                @PathVariable String walletId,
                                                @RequestBody(required = false) ChangePin body) {
        new Check(body)
                .require(matches(PIN, body.newPin()), "newPin is required: 4 digits")
                .require(body.currentPin() == null || matches(PIN, body.currentPin()), "currentPin must be 4 digits")
                .done();
        return blocking(() -> {
            ledger.changePin(walletId, merchant.id(), body.currentPin(), body.newPin()).ifPresent(refusal -> {
                throw refusal == WalletRefusal.UNKNOWN_WALLET ? Problems.notFound("Wallet " + walletId) : refused(refusal);
            });
            return ResponseEntity.noContent().<Void>build();
        });
    }

    /**
     * Moves money from one of the merchant's float wallets to this customer's wallet: 201 with the
     * transfer, 200 with the same transfer for a repeated reference, 409 for the reference reused with a
     * different top-up, 422 when refused (the problem's {@code reasonCode} says why; nothing moved).
     */
    @PostMapping("/{walletId}/top-ups")
    public Mono<ResponseEntity<TopUpView>> topUp(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                                 @PathVariable String walletId,
                                                 @RequestBody(required = false) TopUpRequest body) {
        Amount amount = body == null || body.amount() == null ? new Amount(null, null) : body.amount();
        new Check(body)
                .require(matches(REFERENCE, body.reference()), "reference is required: 1-64 letters, digits or . _ : -")
                .require(body.fromWalletId() != null && !body.fromWalletId().isBlank(),
                        "fromWalletId is required: one of the merchant's float wallets")
                .require(amount.minor() != null, "amount.minor is required: a whole number of minor units")
                .require(matches(CURRENCY, amount.currency()), "amount.currency must be an ISO 4217 code such as NGN")
                .done();
        TopUp request = new TopUp(merchant.id(), body.reference(), body.fromWalletId(),
                walletId, body.amount().minor(), body.amount().currency());
        // Admitted as an order placement is (the same pool and limit): it moves money through the same wallet writes.
        return admission.run("top-up", () -> {
            TopUpResult result = ledger.topUp(request);
            return switch (result.outcome()) {
                case REFUSED -> throw result.refusal() == WalletRefusal.UNKNOWN_WALLET
                        ? Problems.notFound("Wallet " + walletId + " or " + body.fromWalletId())
                        : refused(result.refusal());
                case CONFLICT -> throw withTransfer(refused(result.refusal()), result.transfer());
                case CREATED -> {
                    if (result.refusal() != null) {
                        throw withTransfer(refused(result.refusal()), result.transfer());
                    }
                    yield ResponseEntity.created(URI.create("/v1/wallets/" + walletId + "/top-ups/"
                            + result.transfer().transferId())).body(TopUpView.of(result.transfer()));
                }
                case REPLAYED -> ResponseEntity.ok(TopUpView.of(result.transfer()));
            };
        });
    }

    /** One top-up of this wallet (in or out), as its creation answered; another merchant's or wallet's is 404. */
    @GetMapping("/{walletId}/top-ups/{transferId}")
    public Mono<TopUpView> topUpOf(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                   @PathVariable String walletId, @PathVariable String transferId) {
        return blocking(() -> ledger.transfer(transferId)
                .filter(t -> t.merchantId().equals(merchant.id()))
                .filter(t -> t.toWalletId().equals(walletId) || t.fromWalletId().equals(walletId))
                .map(TopUpView::of)
                .orElseThrow(() -> Problems.notFound("Top-up " + transferId + " of wallet " + walletId)));
    }

    /** Collects a request's problems and answers them all in one 400; a missing body is the only problem then. */
    private static final class Check {
        private final List<String> errors = new ArrayList<>();

        Check(Object body) {
            if (body == null) {
                throw Problems.invalid(List.of("body is required"));
            }
        }

        Check require(boolean ok, String problem) {
            if (!ok) {
                errors.add(problem);
            }
            return this;
        }

        void done() {
            if (!errors.isEmpty()) {
                throw Problems.invalid(errors);
            }
        }
    }

    /** The store blocks, so its work runs off the event loop. */
    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private static ErrorResponseException refused(WalletRefusal refusal) {
        return Problems.refused(HttpStatus.valueOf(refusal.status()), refusal.name(), "Wallet request refused",
                refusal.message());
    }

    private static ErrorResponseException withTransfer(ErrorResponseException e, Transfer transfer) {
        e.getBody().setProperty("transferId", transfer.transferId());
        return e;
    }

    @GetMapping
    public Mono<List<WalletView>> list(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                       @RequestParam(defaultValue = "0") int page,
                                       @RequestParam(defaultValue = "50") int size) {
        com.vendstream.order.api.Paging.require(page, size, new ArrayList<>());
        return blocking(() -> ledger.ofMerchant(merchant.id(), page, size).stream().map(this::view).toList());
    }

    @GetMapping("/{walletId}")
    public Mono<WalletView> get(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                @PathVariable String walletId) {
        return blocking(() -> view(owned(merchant, walletId)));
    }

    /** Postings newest first; {@code from} inclusive, {@code to} exclusive, both ISO-8601 instants. */
    @GetMapping("/{walletId}/statement")
    public Mono<Statement> statement(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                     @PathVariable String walletId,
                                     @RequestParam(required = false) String from,
                                     @RequestParam(required = false) String to,
                                     @RequestParam(defaultValue = "0") int page,
                                     @RequestParam(defaultValue = "50") int size) {
        List<String> errors = new ArrayList<>();
        TimeWindow window = TimeWindow.parse(from, to, clock, errors);
        com.vendstream.order.api.Paging.require(page, size, errors);
        return blocking(() -> {
            Wallet wallet = owned(merchant, walletId);
            String currency = wallet.currency();
            // One more than asked tells whether another page follows.
            List<Posting> postings = ledger.statement(walletId, window.from(), window.to(), page * size, size + 1);
            List<PostingView> lines = postings.stream().limit(size).map(p -> new PostingView(p.id(), p.seq(),
                    p.kind(), new Amount(p.amountMinor(), p.currency()), p.orderId(), p.transferId(),
                    new Amount(p.balanceAfterMinor(), p.currency()), p.at())).toList();
            return new Statement(walletId, currency, new Amount(wallet.balanceMinor(), currency), page, size,
                    postings.size() > size, lines);
        });
    }

    private Wallet owned(Merchant merchant, String walletId) {
        // Another merchant's wallet is reported as missing, not forbidden, so ids cannot be probed.
        return ledger.findOwned(walletId, merchant.id()).orElseThrow(() -> Problems.notFound("Wallet " + walletId));
    }

    private WalletView view(Wallet w) {
        // A lock that has passed is not shown.
        Instant locked = w.lockedUntil();
        Instant lockedUntil = locked != null && locked.isAfter(clock.instant()) ? locked : null;
        return new WalletView(w.walletId(), w.ownerType(), w.customerId(), w.currency(),
                new Amount(w.balanceMinor(), w.currency()), w.pinSet(), lockedUntil, w.createdAt());
    }
}
