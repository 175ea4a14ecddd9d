package com.vendstream.vend.vending;

import com.vendstream.events.FailureClass;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PendingReason;
import com.vendstream.events.VendRequested;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.vend.attempt.VendAttemptStore;
import com.vendstream.vend.attempt.VendAttemptStore.State;
import com.vendstream.vend.connector.GuardedConnectors;
import com.vendstream.vend.routing.Router;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one VendRequested into at most one provider vend.
 *
 * <p>The order's attempt document is claimed (unique by order id) with the provider and our
 * reference before the provider is called; whoever fails to claim it does not call. The call is
 * made once. Its outcome settles the attempt and queues the outcome event in the same update. An
 * attempt left SENDING by a crash is never resent: once its lease expires it becomes PENDING and
 * status-poller requeries it by the same reference.
 */
public class Vending {

    private static final Logger log = LoggerFactory.getLogger(Vending.class);

    private final VendAttemptStore store;
    private final GuardedConnectors connectors;
    private final Router router;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration lease;

    public Vending(VendAttemptStore store, GuardedConnectors connectors, Router router, OutboxTrigger relay,
                   MeterRegistry meters, Clock clock, Duration lease) {
        this.store = store;
        this.connectors = connectors;
        this.router = router;
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
        this.lease = lease;
    }

    public void handle(VendRequested request) {
        String orderId = request.getEnvelope().getOrderId();
        OrderLine line = request.getLine();
        List<String> providers = router.providers(line.getService().name(), line.getBillerId(),
                request.getPreferredProvider());
        Instant now = clock.instant();
        if (request.getDeadline() != null && now.isAfter(request.getDeadline())) {
            claimFailed(request, "none", FailureClass.NO_PROVIDER, "The vend deadline passed before it could start");
            return;
        }
        if (providers.isEmpty()) {
            claimFailed(request, "none", FailureClass.NO_PROVIDER,
                    "No provider is configured for " + line.getService() + "/" + line.getBillerId());
            return;
        }
        String provider = providers.get(0);
        String reference = connectors.connector(provider).orElseThrow().newReference();
        Document attempt = new Document("_id", orderId).append("state", State.SENDING.name())
                .append("provider", provider).append("reference", reference)
                .append("request", new Binary(EventCodec.encode(request)))
                .append("createdAt", Date.from(now)).append("leaseUntil", Date.from(now.plus(lease)))
                .append("previous", List.of()).append("outbox", List.of());
        if (!store.claim(attempt)) {
            // Redelivery, rebalance or a racing instance: the order's one attempt exists already.
            meters.counter("vendstream.vend.duplicate_requests").increment();
            relay.relay(VendAttemptStore.COLLECTION, orderId);
            return;
        }
        send(request, providers, 0, reference);
        relay.relay(VendAttemptStore.COLLECTION, orderId);
    }

    private void send(VendRequested request, List<String> providers, int index, String reference) {
        String orderId = request.getEnvelope().getOrderId();
        String provider = providers.get(index);
        VendCommand command = command(request, reference);
        Object result;
        try {
            result = connectors.vend(provider, command);
        } catch (RuntimeException e) {
            // The request may have left; a bug here must not become a refund.
            log.error("Vend call for order {} to {} threw; treating as pending", orderId, provider, e);
            result = VendOutcome.pending(com.vendstream.providers.PendingCause.UNKNOWN_CODE, null, e.getClass().getSimpleName());
        }
        Instant at = clock.instant();
        boolean nothingSent = result instanceof GuardedConnectors.Refused
                || (result instanceof VendOutcome.Failed f && f.beforeProcessing());
        if (nothingSent && index + 1 < providers.size()) {
            String next = providers.get(index + 1);
            String nextReference = connectors.connector(next).orElseThrow().newReference();
            Document previous = new Document("provider", provider).append("reference", reference)
                    .append("why", describe(result)).append("at", Date.from(at));
            if (store.failover(orderId, reference, next, nextReference, at.plus(lease), previous)) {
                meters.counter("vendstream.vend.failover", "from", provider, "to", next).increment();
                send(request, providers, index + 1, nextReference);
            }
            return;
        }
        settle(request, provider, reference, result, at);
    }

    private void settle(VendRequested request, String provider, String reference, Object result, Instant at) {
        String orderId = request.getEnvelope().getOrderId();
        State state;
        Document event;
        Document fields = new Document("outcomeCode", null);
        if (result instanceof GuardedConnectors.Refused refused) {
            state = State.FAILED;
            event = VendEvents.failed(request, provider, reference, FailureClass.NO_PROVIDER, null,
                    "Provider unavailable: " + refused.why(), at);
        } else if (result instanceof VendOutcome.Succeeded s) {
            state = State.SUCCEEDED;
            fields.append("outcomeCode", s.providerCode()).append("providerTransactionId", s.providerTransactionId());
            event = VendEvents.succeeded(request, provider, reference, s, at);
        } else if (result instanceof VendOutcome.Failed f) {
            state = State.FAILED;
            fields.append("outcomeCode", f.providerCode());
            FailureClass failureClass = f.failureClass() == null ? FailureClass.OTHER
                    : FailureClass.valueOf(f.failureClass().name());
            event = VendEvents.failed(request, provider, reference, failureClass, f.providerCode(), f.message(), at);
        } else {
            VendOutcome.Pending p = (VendOutcome.Pending) result;
            state = State.PENDING;
            fields.append("outcomeCode", p.providerCode()).append("providerTransactionId", p.providerTransactionId());
            event = VendEvents.pending(request, provider, reference, p.providerTransactionId(),
                    PendingReason.valueOf(p.cause().name()), p.providerCode(), at);
        }
        if (store.settle(orderId, reference, state, fields, List.of(event))) {
            meters.counter("vendstream.vend.outcome", "provider", provider, "state", state.name()).increment();
        } else {
            // The stale-lease sweep declared it pending first; status-poller will requery it.
            log.warn("Attempt for order {} was settled by someone else; outcome {} left to requery", orderId, state);
        }
    }

    /** A vend that failed before any provider was chosen still claims the order's attempt, so it stays failed. */
    private void claimFailed(VendRequested request, String provider, FailureClass failureClass, String message) {
        String orderId = request.getEnvelope().getOrderId();
        Instant now = clock.instant();
        String reference = "unrouted-" + orderId;
        Document attempt = new Document("_id", orderId).append("state", State.FAILED.name())
                .append("provider", provider).append("reference", reference)
                .append("request", new Binary(EventCodec.encode(request)))
                .append("createdAt", Date.from(now)).append("settledAt", Date.from(now))
                .append("outbox", List.of(VendEvents.failed(request, provider, reference, failureClass, null, message, now)));
        store.claim(attempt);
        relay.relay(VendAttemptStore.COLLECTION, orderId);
    }

    /**
     * Attempts whose sender died mid-call (or whose call outlived its lease) are handed to
     * status-poller as pending; they are never sent again.
     */
    public int expireLeases() {
        Instant now = clock.instant();
        List<Document> expired = store.expiredLeases(now, 100);
        for (Document attempt : expired) {
            VendRequested request = (VendRequested) EventCodec.decode(VendRequested.class.getName(),
                    attempt.get("request", Binary.class).getData());
            String provider = attempt.getString("provider");
            String reference = attempt.getString("reference");
            Document event = VendEvents.pending(request, provider, reference, null, PendingReason.IN_FLIGHT_AT_RESTART,
                    null, now);
            if (store.settle(attempt.getString("_id"), reference, State.PENDING, new Document("expiredLease", true),
                    List.of(event))) {
                meters.counter("vendstream.vend.expired_leases", "provider", provider).increment();
                relay.relay(VendAttemptStore.COLLECTION, attempt.getString("_id"));
            }
        }
        return expired.size();
    }

    private static String describe(Object result) {
        if (result instanceof GuardedConnectors.Refused r) {
            return r.why();
        }
        if (result instanceof VendOutcome.Failed f) {
            return "failed before processing: " + f.providerCode() + " " + f.message();
        }
        return String.valueOf(result);
    }

    static VendCommand command(VendRequested request, String reference) {
        OrderLine line = request.getLine();
        return new VendCommand(reference, ServiceType.valueOf(line.getService().name()), line.getBillerId(),
                line.getItemId(), line.getAccount(), line.getCustomerPhone(), line.getAmount().getAmountMinor(),
                line.getAmount().getCurrency(), line.getQuantity() == null ? 1 : line.getQuantity(),
                request.getCustomerName(), request.getVerificationReference());
    }

    Optional<VendConnector> connector(String id) {
        return connectors.connector(id);
    }
}
