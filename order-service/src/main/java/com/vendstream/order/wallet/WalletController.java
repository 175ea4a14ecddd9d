package com.vendstream.order.wallet;

import com.vendstream.order.api.MerchantAuthFilter;
import com.vendstream.order.api.OrderJson.Amount;
import com.vendstream.order.api.Problems;
import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.order.wallet.WalletStore.Posting;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A merchant's wallets (its float and its customers' wallets) and their statements. Another
 * merchant's wallet answers exactly as an unknown one, so wallet ids cannot be probed. The PIN hash
 * never leaves the service; a wallet only says whether it has a PIN.
 */
@RestController
@RequestMapping("/v1/wallets")
public class WalletController {

    /** @param lockedUntil set only while the wallet is locked after too many wrong PINs */
    public record WalletView(String walletId, String ownerType, String currency, Amount balance, boolean pinSet,
                             Instant lockedUntil, Instant createdAt) {
    }

    /**
     * @param amount signed: negative for a debit, positive for a refund or the opening balance
     * @param balanceAfter the wallet's balance right after this posting
     */
    public record PostingView(String postingId, long sequence, String kind, Amount amount, String orderId,
                              Amount balanceAfter, Instant at) {
    }

    public record Statement(String walletId, String currency, Amount balance, int page, int size,
                            boolean hasMore, List<PostingView> postings) {
    }

    private final WalletStore store;
    private final Clock clock;

    public WalletController(WalletStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GetMapping
    public Mono<List<WalletView>> list(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                       @RequestParam(defaultValue = "0") int page,
                                       @RequestParam(defaultValue = "50") int size) {
        com.vendstream.order.api.Paging.require(page, size, new ArrayList<>());
        return Mono.fromCallable(() -> store.ofMerchant(merchant.id(), page, size).stream().map(this::view).toList())
                .subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/{walletId}")
    public Mono<WalletView> get(@RequestAttribute(MerchantAuthFilter.MERCHANT) Merchant merchant,
                                @PathVariable String walletId) {
        return Mono.fromCallable(() -> view(owned(merchant, walletId))).subscribeOn(Schedulers.boundedElastic());
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
        Instant fromAt = instant("from", from, errors);
        Instant toAt = instant("to", to, errors);
        if (fromAt != null && toAt != null && !fromAt.isBefore(toAt)) {
            errors.add("from must be before to");
        }
        com.vendstream.order.api.Paging.require(page, size, errors);
        return Mono.fromCallable(() -> {
            Document wallet = owned(merchant, walletId);
            String currency = wallet.getString("currency");
            // One more than asked tells whether another page follows.
            List<Posting> postings = store.statement(walletId, fromAt, toAt, page * size, size + 1);
            List<PostingView> lines = postings.stream().limit(size).map(p -> new PostingView(p.id(), p.seq(),
                    p.kind(), new Amount(p.amountMinor(), p.currency()), p.orderId(),
                    new Amount(p.balanceAfterMinor(), p.currency()), p.at())).toList();
            return new Statement(walletId, currency, new Amount(wallet.getLong("balanceMinor"), currency), page, size,
                    postings.size() > size, lines);
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Document owned(Merchant merchant, String walletId) {
        // Another merchant's wallet is reported as missing, not forbidden, so ids cannot be probed.
        return store.find(walletId).filter(w -> merchant.id().equals(w.getString("merchantId")))
                .orElseThrow(() -> Problems.notFound("Wallet " + walletId));
    }

    private WalletView view(Document w) {
        Date locked = w.getDate("lockedUntil");
        Instant lockedUntil = locked != null && locked.toInstant().isAfter(clock.instant()) ? locked.toInstant() : null;
        Date created = w.getDate("createdAt");
        return new WalletView(w.getString("_id"), w.getString("ownerType"), w.getString("currency"),
                new Amount(w.getLong("balanceMinor"), w.getString("currency")), w.getString("pinHash") != null,
                lockedUntil, created == null ? null : created.toInstant());
    }

    private static Instant instant(String name, String value, List<String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(name + " must be an ISO-8601 instant such as 2026-01-31T23:00:00Z");
            return null;
        }
    }
}
