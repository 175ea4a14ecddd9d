package com.vendstream.deploy.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the benchmark saw of one order: when it was sent and answered (the client's clock), and when each
 * event of its lifecycle was written to its topic (the record's timestamp, set by the producing service),
 * plus when the provider sandbox recorded the vend call. Times are epoch milliseconds, 0 while unknown; each
 * keeps the first occurrence (a redelivered or republished event does not move it). All on one machine, so
 * one clock.
 */
public final class OrderTimeline {

    /** How an order went, for latency figures: only first-call successes are held to the 1 s target. */
    public enum Path {
        /** Completed with no requery: the vend (and a mobile-money collection) answered at the first call. */
        FIRST_CALL_SUCCESS,
        /** A VendPending or PaymentPending came first: settled by status-poller's requery. */
        REQUERIED,
        /** The provider declined the vend at once; refunded (or paid back). */
        FAILED_AND_REFUNDED,
        /** Refused before any vend (e.g. the payer's collection failed). */
        REJECTED,
        /** Escalated to a person (UNRESOLVED, PAYMENT_UNRESOLVED). */
        ESCALATED,
        /** No final state seen. */
        NOT_FINAL
    }

    private final String orderId;
    private String label;
    private boolean measured;
    private long sentAt;
    private long answeredAt;
    private long vendRequestedAt;
    private long providerCallAt;
    private long outcomeAt;
    private String outcome;
    private long paymentCollectedAt;
    private boolean vendPending;
    private boolean paymentPending;
    private long finalAt;
    private String finalState;
    private String provider;
    private String providerReference;

    public OrderTimeline(String orderId) {
        this.orderId = orderId;
    }

    public String orderId() {
        return orderId;
    }

    /**
     * The order was placed by this run: its mix label, when it was sent and when the 201 came back, and whether
     * it counts in the figures (not during the warm-up).
     */
    public synchronized void placed(String label, long sentAt, long answeredAt, boolean measured) {
        this.label = label;
        this.measured = measured;
        this.sentAt = sentAt;
        this.answeredAt = answeredAt;
    }

    /**
     * One event of the order, at its record's timestamp. Returns whether it was the order's first final
     * event (COMPLETED, REFUNDED, REJECTED; UNRESOLVED and PAYMENT_UNRESOLVED are settled too but a late answer
     * may still finish them, so a later final state replaces them).
     */
    public synchronized boolean event(String eventType, String topic, long at, String provider, String reference) {
        if (provider != null && reference != null && this.providerReference == null
                && eventType.startsWith("Vend")) {
            this.provider = provider;
            this.providerReference = reference;
        }
        switch (eventType) {
            case "VendRequested" -> vendRequestedAt = first(vendRequestedAt, at);
            case "VendPending" -> {
                vendPending = true;
                firstOutcome(eventType, at);
            }
            case "VendSucceeded", "VendFailed" -> {
                // On vend.outcomes: the first call's answer; on vend.resolutions: the requery's.
                if (topic.endsWith("vend.outcomes")) {
                    firstOutcome(eventType, at);
                }
            }
            case "PaymentPending" -> paymentPending = true;
            case "PaymentCollected" -> paymentCollectedAt = first(paymentCollectedAt, at);
            case "OrderCompleted" -> {
                return settle("COMPLETED", at);
            }
            case "OrderRefunded" -> {
                return settle("REFUNDED", at);
            }
            case "OrderRejected" -> {
                return settle("REJECTED", at);
            }
            case "VendUnresolved" -> escalate("UNRESOLVED", at);
            case "PaymentUnresolved" -> escalate("PAYMENT_UNRESOLVED", at);
            default -> {
                // OrderAccepted, payouts: not a stage of their own
            }
        }
        return false;
    }

    private void firstOutcome(String type, long at) {
        if (outcomeAt == 0) {
            outcomeAt = at;
            outcome = type;
        }
    }

    private boolean settle(String state, long at) {
        if (finalState != null && !isEscalated()) {
            return false;
        }
        finalState = state;
        finalAt = at;
        return true;
    }

    private void escalate(String state, long at) {
        if (finalState == null) {
            finalState = state;
            finalAt = at;
        }
    }

    private boolean isEscalated() {
        return "UNRESOLVED".equals(finalState) || "PAYMENT_UNRESOLVED".equals(finalState);
    }

    /** The sandbox received the provider vend call for this order's reference at {@code at}. */
    public synchronized void providerCall(long at) {
        providerCallAt = first(providerCallAt, at);
    }

    private static long first(long current, long at) {
        return current == 0 ? at : Math.min(current, at);
    }

    public synchronized boolean placedByRun() {
        return sentAt > 0;
    }

    /** Placed after the warm-up: its latency and stages count. */
    public synchronized boolean measured() {
        return measured;
    }

    public synchronized String label() {
        return label;
    }

    public synchronized long sentAt() {
        return sentAt;
    }

    public synchronized long finalAt() {
        return finalAt;
    }

    public synchronized String finalState() {
        return finalState;
    }

    public synchronized String provider() {
        return provider;
    }

    public synchronized String providerReference() {
        return providerReference;
    }

    /** Final (COMPLETED, REFUNDED, REJECTED): nothing will change it. */
    public synchronized boolean isFinal() {
        return finalState != null && !isEscalated();
    }

    /** Whether anything was requeried so far: its path is not the first-call path. */
    public synchronized boolean requeried() {
        return vendPending || paymentPending;
    }

    public synchronized Path path() {
        if (finalState == null) {
            return Path.NOT_FINAL;
        }
        if (isEscalated()) {
            return Path.ESCALATED;
        }
        if (vendPending || paymentPending) {
            return Path.REQUERIED;
        }
        return switch (finalState) {
            case "COMPLETED" -> Path.FIRST_CALL_SUCCESS;
            case "REFUNDED" -> Path.FAILED_AND_REFUNDED;
            default -> Path.REJECTED;
        };
    }

    /** Placement to final state, ms; -1 while not final. */
    public synchronized long latency() {
        return finalAt > 0 && sentAt > 0 ? Math.max(0, finalAt - sentAt) : -1;
    }

    /** The stages of the issue, each in ms; a stage is absent when one of its ends was not seen. */
    public synchronized Map<String, Long> stages() {
        Map<String, Long> s = new LinkedHashMap<>();
        put(s, Stage.ANSWERED, sentAt, answeredAt);
        put(s, Stage.PAYMENT_COLLECTED, sentAt, paymentCollectedAt);
        put(s, Stage.VEND_REQUESTED, sentAt, vendRequestedAt);
        put(s, Stage.PROVIDER_CALL, vendRequestedAt, providerCallAt);
        put(s, Stage.OUTCOME, providerCallAt, outcomeAt);
        put(s, Stage.FINAL, outcomeAt, finalAt);
        return s;
    }

    private static void put(Map<String, Long> s, String stage, long from, long to) {
        if (from > 0 && to > 0) {
            // Stamps from several processes (Kafka producers, the sandbox): a millisecond of disorder is not time.
            s.put(stage, Math.max(0, to - from));
        }
    }

    /** Stage names, as they appear in the result. */
    public static final class Stage {
        public static final String ANSWERED = "placed -> HTTP answer";
        public static final String PAYMENT_COLLECTED = "placed -> PaymentCollected (mobile money)";
        public static final String VEND_REQUESTED = "placed -> VendRequested on the topic";
        public static final String PROVIDER_CALL = "VendRequested -> provider call";
        public static final String OUTCOME = "provider call -> vend outcome on the topic";
        public static final String FINAL = "vend outcome -> final state";

        private Stage() {
        }
    }
}
