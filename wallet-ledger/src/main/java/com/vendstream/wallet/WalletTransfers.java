package com.vendstream.wallet;

import com.vendstream.wallet.WalletLedger.DebitResult;
import com.vendstream.wallet.WalletLedger.TopUp;
import com.vendstream.wallet.WalletLedger.TopUpOutcome;
import com.vendstream.wallet.WalletLedger.TopUpResult;
import com.vendstream.wallet.WalletLedger.Transfer;
import com.vendstream.wallet.WalletLedger.TransferState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * Top-ups: money moved from one of a merchant's float wallets to one of its customers' wallets.
 *
 * <p>Two wallet documents change, and there are no multi-document transactions, so the transfer is
 * its own document that records how far it got: stored PENDING before any money moves, DEBITED once
 * the float gave the amount (operation {@code <transfer>:out}), COMPLETED once the customer's wallet
 * received it ({@code <transfer>:in}); FAILED, with nothing moved, when the float refuses the debit.
 * Both wallet updates are the guarded, idempotent {@link WalletStore#apply}, so repeating a step never
 * moves money twice, and the credit is only ever attempted for a transfer already DEBITED, so money
 * is never created. A crash between the steps leaves a PENDING or DEBITED transfer, which the
 * recovery sweep ({@link #recover}) finishes by repeating the steps.
 *
 * <p>The sweep takes only transfers untouched for a while and claims each one by compare-and-set
 * on its {@code updatedAt}, so the request that started a transfer and one or more sweepers do not
 * drive it at once. A driver that stalled for longer than the sweep waits may still be about to debit
 * when another one is refused; so a refusal first burns the debit's operation id in the float wallet
 * ({@link WalletStore#fence}), after which that debit can no longer land, and only then is FAILED
 * recorded. If the debit had already landed, the money that moved wins:
 * the transfer goes to DEBITED and the credit follows.
 */
public class WalletTransfers {

    private static final Logger log = LoggerFactory.getLogger(WalletTransfers.class);

    public static final String TRANSFERS = TransferStore.TRANSFERS;
    static final int PAGE = 100;

    private final TransferStore transfers;
    private final WalletStore store;
    private final Wallets wallets;
    private final Clock clock;

    public WalletTransfers(ReactiveMongoTemplate mongo, WalletStore store, Wallets wallets, Clock clock) {
        this(new TransferStore(mongo), store, wallets, clock);
    }

    public WalletTransfers(TransferStore transfers, WalletStore store, Wallets wallets, Clock clock) {
        this.transfers = transfers;
        this.store = store;
        this.wallets = wallets;
        this.clock = clock;
    }

    public static String outOp(String transferId) {
        return transferId + ":out";
    }

    public static String inOp(String transferId) {
        return transferId + ":in";
    }

    public void ensureIndexes() {
        transfers.ensureIndexes();
    }

    public Optional<Transfer> find(String transferId) {
        return transfers.find(transferId);
    }

    /**
     * Stores and carries out a top-up, or answers a repeated reference: the same top-up again is a
     * replay of the stored transfer, a different one a conflict. A top-up refused before anything is
     * stored (unknown wallets, wrong kinds or currency, no amount) leaves the reference unused.
     */
    public TopUpResult topUp(TopUp request) {
        Optional<TransferStore.Stored> existing = transfers.byReference(request.merchantId(), request.reference());
        if (existing.isPresent()) {
            return replay(existing.get(), request);
        }
        Optional<WalletRefusal> refused = check(request);
        if (refused.isPresent()) {
            return new TopUpResult(TopUpOutcome.REFUSED, null, refused.get());
        }
        // Stored to the millisecond, so what this call answers is what a later read of it answers.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String transferId = "trf_" + UUID.randomUUID().toString().replace("-", "");
        Transfer created = new Transfer(transferId, request.merchantId(), request.reference(), request.fromWalletId(),
                request.toWalletId(), request.amountMinor(), request.currency(), TransferState.PENDING, null, null, null,
                now, now);
        if (!transfers.create(created, fingerprint(request))) {
            // Lost a race with a concurrent request using the same reference.
            return replay(transfers.byReference(request.merchantId(), request.reference()).orElseThrow(), request);
        }
        Transfer done = drive(created);
        log.info("Top-up {} of {} {} from {} to {}: {}", transferId, request.amountMinor(), request.currency(),
                request.fromWalletId(), request.toWalletId(), done.state());
        return new TopUpResult(TopUpOutcome.CREATED, done, refusalOf(done));
    }

    private static TopUpResult replay(TransferStore.Stored existing, TopUp request) {
        Transfer transfer = existing.transfer();
        if (!fingerprint(request).equals(existing.fingerprint())) {
            return new TopUpResult(TopUpOutcome.CONFLICT, transfer, WalletRefusal.DUPLICATE_REFERENCE_CONFLICT);
        }
        return new TopUpResult(TopUpOutcome.REPLAYED, transfer, refusalOf(transfer));
    }

    /**
     * Tells a replay of the same top-up from a different one under the same reference: the SHA-256 (hex) of
     * {@code from|to|amount|currency}, as stored in each transfer's {@code fingerprint}.
     */
    static String fingerprint(TopUp r) {
        String canonical = String.join("|", r.fromWalletId(), r.toWalletId(), Long.toString(r.amountMinor()), r.currency());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WalletRefusal refusalOf(Transfer transfer) {
        return transfer.state() == TransferState.FAILED ? WalletRefusal.valueOf(transfer.failureReason()) : null;
    }

    private Optional<WalletRefusal> check(TopUp r) {
        Optional<WalletLedger.Wallet> from = store.findOwned(r.fromWalletId(), r.merchantId())
                .map(WalletStore.StoredWallet::toWallet);
        Optional<WalletLedger.Wallet> to = store.findOwned(r.toWalletId(), r.merchantId())
                .map(WalletStore.StoredWallet::toWallet);
        if (from.isEmpty() || to.isEmpty()) {
            // Another merchant's wallet looks unknown, so wallet ids cannot be probed.
            return Optional.of(WalletRefusal.UNKNOWN_WALLET);
        }
        if (!"MERCHANT".equals(from.get().ownerType())) {
            return Optional.of(WalletRefusal.NOT_A_FLOAT_WALLET);
        }
        if (!"CUSTOMER".equals(to.get().ownerType())) {
            return Optional.of(WalletRefusal.NOT_A_CUSTOMER_WALLET);
        }
        if (!r.currency().equals(from.get().currency()) || !r.currency().equals(to.get().currency())) {
            return Optional.of(WalletRefusal.CURRENCY_MISMATCH);
        }
        if (r.amountMinor() <= 0) {
            return Optional.of(WalletRefusal.INVALID_AMOUNT);
        }
        return Optional.empty();
    }

    /** Moves a stored transfer on as far as it goes. Safe to repeat: that is what the recovery sweep does. */
    Transfer drive(Transfer transfer) {
        Transfer t = transfer;
        if (t.state() == TransferState.PENDING) {
            t = debit(t);
        }
        if (t.state() == TransferState.DEBITED) {
            t = credit(t);
        }
        return t;
    }

    /** Takes the amount from the float once; a refusal fails the transfer with nothing moved. */
    protected Transfer debit(Transfer t) {
        String op = outOp(t.transferId());
        Optional<Long> after = store.apply(t.fromWalletId(), t.currency(), op, null, t.transferId(), "TOPUP_OUT",
                -t.amountMinor(), clock.instant());
        DebitResult result = after.isPresent() ? DebitResult.APPLIED : wallets.whyNotApplied(t.fromWalletId(), op,
                t.currency());
        if (result == DebitResult.APPLIED) {
            return transfers.debited(t.transferId(), after.orElse(null), clock.instant());
        }
        // Before the refusal becomes final, fence the operation off: another driver (a sweeper that took
        // this transfer while this request stalled) may still be about to debit with the same id.
        // The fence makes any such debit a no-op, and says so if it had already landed.
        if (store.fence(t.fromWalletId(), op)) {
            store.file(t.fromWalletId());
            return transfers.debited(t.transferId(), null, clock.instant());
        }
        return transfers.failed(t.transferId(), WalletRefusal.of(result).name(), clock.instant());
    }

    /** Gives the amount to the customer's wallet once; only ever called for a transfer whose debit was made. */
    protected Transfer credit(Transfer t) {
        String op = inOp(t.transferId());
        Optional<Long> after = store.apply(t.toWalletId(), t.currency(), op, null, t.transferId(), "TOPUP_IN",
                t.amountMinor(), clock.instant());
        if (after.isEmpty()) {
            if (!store.hasApplied(t.toWalletId(), op)) {
                // Cannot happen while wallets keep their currency and are never removed; stay DEBITED for the sweep.
                throw new IllegalStateException("Top-up " + t.transferId() + " could not credit " + t.toWalletId());
            }
            // Credited before a crash: only its posting's filing may be unfinished.
            store.file(t.toWalletId());
        }
        return transfers.completed(t.transferId(), after.orElse(null), clock.instant());
    }

    /**
     * Finishes transfers a crash left PENDING or DEBITED for longer than {@code olderThan}, every one of them
     * (a page at a time by id). Each is claimed by compare-and-set on its {@code updatedAt} first, so
     * concurrent sweepers take turns; one that cannot be finished is left for the next sweep and holds up
     * no other. Returns how many it drove.
     */
    public int recover(Duration olderThan) {
        Instant before = clock.instant().minus(olderThan);
        int driven = 0;
        String after = null;
        List<Transfer> page;
        do {
            page = transfers.unfinished(before, after, PAGE);
            for (Transfer t : page) {
                if (claimAndDrive(t)) {
                    driven++;
                }
            }
            after = page.isEmpty() ? after : page.get(page.size() - 1).transferId();
        } while (page.size() == PAGE);
        return driven;
    }

    private boolean claimAndDrive(Transfer seen) {
        Optional<Transfer> claimed = transfers.claim(seen, clock.instant());
        if (claimed.isEmpty()) {
            return false;
        }
        try {
            Transfer done = drive(claimed.get());
            log.info("Top-up {} found {} was finished by the recovery sweep: {}", done.transferId(),
                    seen.state(), done.state());
            return true;
        } catch (RuntimeException e) {
            // Left as it is for the next sweep; one bad transfer must not hold up the others.
            log.warn("Top-up {} could not be finished yet: {}", seen.transferId(), e.toString());
            return false;
        }
    }

    /**
     * How many top-ups sit PENDING or DEBITED (money in flight) although they were created before
     * {@code createdBefore}. By creation, not by last change: a sweep that keeps failing to finish one
     * touches it every time, and it must still show.
     */
    public java.util.Map<TransferState, Long> countStuck(Instant createdBefore) {
        return transfers.countUnfinished(createdBefore);
    }
}
